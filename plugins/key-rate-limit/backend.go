package main

import (
	"time"

	"github.com/aiwasm/aiwasm/sdkwrap/config"
	"github.com/aiwasm/aiwasm/sdkwrap/counter"
)

// Backends.
const (
	backendLocal   = "local"
	backendService = "ratelimit-service"
	backendRedis   = "redis"
)

// Shared-data key prefixes of the local backend. Exact keys and global_threshold count under
// localPrefix (their number is fixed by the configuration); per-value keys (*, regexp, CIDR)
// in a bounded table per rule_name, under tablePrefix + rule_name + "/".
const (
	localPrefix = "key-rate-limit/"
	tablePrefix = "key-rate-limit/t/"
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

// backendSettings are the validated backend fields; limiters turns them into counters.
type backendSettings struct {
	kind     string
	failOpen bool
	maxKeys  int

	cluster, domain string        // ratelimit_service
	timeout         time.Duration // ratelimit_service
	redis           redisSettings // higress build only
}

func readBackend(r *config.Reader) backendSettings {
	b := backendSettings{
		kind:     r.Enum("backend", backendLocal, backendLocal, backendService, backendRedis),
		failOpen: r.Enum("failure_mode", "allow", "allow", "deny") == "allow",
	}
	b.maxKeys = r.Int("max_keys", defaultMaxKeys, config.Min(minMaxKeys), config.Max(maxMaxKeys))
	if r.Has("max_keys") && b.kind != backendLocal {
		r.Warnf("max_keys", "ignored: only the local backend keeps a table (this configuration uses %s)", b.kind)
	}
	b.readService(r)
	b.redis = readRedis(r, b.kind == backendRedis)
	return b
}

// readService reads ratelimit_service, which backend ratelimit-service requires and no
// other backend takes.
func (b *backendSettings) readService(r *config.Reader) {
	want := b.kind == backendService
	if !want && r.Has("ratelimit_service") {
		r.Failf("ratelimit_service", `only with backend "ratelimit-service" (this configuration uses %s); remove it, or set it to null in a _rules_ entry`, b.kind)
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

// limiters makes this configuration's counters, wrapped in the failure policy: fixed for
// exact keys and global_threshold, table for per-value keys (nil when no entry needs it).
// The remote backends count everything in one place; the local one bounds per-value
// counters in a table per rule, whose prefix keeps rules apart.
func (b *backendSettings) limiters(rule string, needTable bool) (fixed, table *counter.Limiter, err error) {
	policy := counter.Policy{FailOpen: b.failOpen, ErrorMetric: "key_rate_limit_backend_errors", Name: "key-rate-limit"}
	switch b.kind {
	case backendService:
		l := counter.NewLimiter(counter.RatelimitService(b.cluster, b.domain, b.timeout), policy)
		return l, l, nil
	case backendRedis:
		be, err := b.redis.backend()
		if err != nil {
			return nil, nil, err
		}
		l := counter.NewLimiter(be, policy)
		return l, l, nil
	}
	fixed = counter.NewLimiter(counter.Local(localPrefix), policy)
	if needTable {
		t, err := counter.LocalTable(tablePrefix+rule+"/", b.maxKeys)
		if err != nil {
			return nil, nil, err
		}
		table = counter.NewLimiter(t, policy)
	}
	return fixed, table, nil
}
