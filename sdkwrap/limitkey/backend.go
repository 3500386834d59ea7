package limitkey

import (
	"time"

	"github.com/aiwasm/aiwasm/sdkwrap/config"
	"github.com/aiwasm/aiwasm/sdkwrap/counter"
	"github.com/aiwasm/aiwasm/sdkwrap/redis"
)

// Backends.
const (
	BackendLocal   = "local"
	BackendService = "ratelimit-service"
	BackendRedis   = "redis"
)

// Table size: max_keys.
const (
	defaultMaxKeys = 10000
	minMaxKeys     = 16
	maxMaxKeys     = 1 << 20
)

// Defaults of the ratelimit service.
const (
	defaultDomain         = "aiwasm"
	defaultServiceTimeout = 500 * time.Millisecond
)

// Backend is the validated backend fields of one configuration; Limiters turns them into
// counters.
type Backend struct {
	Kind     string // BackendLocal, BackendService or BackendRedis
	FailOpen bool   // failure_mode allow
	maxKeys  int

	cluster, domain string         // ratelimit_service
	timeout         time.Duration  // ratelimit_service
	redis           redis.Settings // backend redis (higress build)
}

// ReadBackend reads backend, failure_mode, max_keys, ratelimit_service and redis; plugin
// names the module in messages.
func ReadBackend(r *config.Reader, plugin string) Backend {
	b := Backend{
		Kind:     r.Enum("backend", BackendLocal, BackendLocal, BackendService, BackendRedis),
		FailOpen: r.Enum("failure_mode", "allow", "allow", "deny") == "allow",
	}
	b.maxKeys = r.Int("max_keys", defaultMaxKeys, config.Min(minMaxKeys), config.Max(maxMaxKeys))
	if r.Has("max_keys") && b.Kind != BackendLocal {
		r.Warnf("max_keys", "ignored: only the local backend keeps a table (this configuration uses %s)", b.Kind)
	}
	b.readService(r)
	b.redis = redis.Read(r, redis.Choice{Wanted: b.Kind == BackendRedis, Field: "backend", Plugin: plugin,
		Otherwise: `on Envoy use "ratelimit-service" for cluster-wide limits`})
	return b
}

// readService reads ratelimit_service, which backend ratelimit-service requires and no
// other backend takes.
func (b *Backend) readService(r *config.Reader) {
	want := b.Kind == BackendService
	if !want && r.Has("ratelimit_service") {
		r.Failf("ratelimit_service", `only with backend "ratelimit-service" (this configuration uses %s); remove it, or set it to null in a _rules_ entry`, b.Kind)
		return
	}
	if !want {
		return
	}
	r.Object("ratelimit_service", func(o *config.Reader) {
		b.cluster = o.String("cluster", "", config.Required(), config.NonEmpty())
		b.domain = o.String("domain", defaultDomain, config.NonEmpty())
		b.timeout = o.Duration("timeout", defaultServiceTimeout, config.Min(time.Millisecond), config.Max(time.Minute))
	}, config.Required())
}

// Names are what a plugin's counters are called: shared-data keys start with Plugin + "/",
// table slots with Plugin + "/t/" + table + "/", Redis keys with Plugin + ":"; backend
// failures count in ErrorMetric and warnings start with Plugin.
type Names struct {
	Plugin      string // "key-rate-limit"
	ErrorMetric string // "key_rate_limit_backend_errors"
}

// Limiters makes the counters, wrapped in the failure policy: fixed for descriptors the
// configuration bounds (exact keys, global_threshold), table for per-value ones (nil when
// needTable is false). The remote backends count everything in one place; the local one
// bounds per-value counters in a table per name (a rule), whose prefix keeps them apart.
func (b *Backend) Limiters(n Names, table string, needTable bool) (fixed, perValue *counter.Limiter, err error) {
	policy := counter.Policy{FailOpen: b.FailOpen, ErrorMetric: n.ErrorMetric, Name: n.Plugin}
	switch b.Kind {
	case BackendService:
		l := counter.NewLimiter(counter.RatelimitService(b.cluster, b.domain, b.timeout), policy)
		return l, l, nil
	case BackendRedis:
		client, err := redis.Open(b.redis)
		if err != nil {
			return nil, nil, err
		}
		l := counter.NewLimiter(counter.Redis(client, n.Plugin+":"), policy)
		return l, l, nil
	}
	fixed = counter.NewLimiter(counter.Local(n.Plugin+"/"), policy)
	if needTable {
		t, err := counter.LocalTable(n.Plugin+"/t/"+table+"/", b.maxKeys)
		if err != nil {
			return nil, nil, err
		}
		perValue = counter.NewLimiter(t, policy)
	}
	return fixed, perValue, nil
}
