package plugin

import (
	"errors"
	"time"

	"github.com/aiwasm/aiwasm/sdkwrap/config"
	"github.com/aiwasm/aiwasm/sdkwrap/rules"
	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm"
	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/types"
)

// Root is one configured instance of the plugin (a proxy-wasm root context): it holds the
// validated configuration and the per-route rules, and makes the per-request streams.
type Root[C any] struct {
	types.DefaultPluginContext
	name       string
	parse      func(*config.Reader) (*C, error)
	start      func(*Root[C]) error
	tick       func(*Root[C])
	tickPeriod time.Duration
	newStream  func(*Root[C], uint32) types.HttpContext

	rules *rules.Set[C]
	needs rules.Needs
	log   Logger
}

// Name is the plugin's name.
func (r *Root[C]) Name() string { return r.name }

// Log is the plugin's logger, prefixed [name].
func (r *Root[C]) Log() *Logger { return &r.log }

// Global is the configuration outside any rule, nil when only rules configure the plugin.
func (r *Root[C]) Global() *C { return r.rules.Global() }

// OnPluginStart reads and validates the configuration; a refused one fails the start, which
// makes Envoy reject the listener with the reason in its log.
func (r *Root[C]) OnPluginStart(int) types.OnPluginStartStatus {
	r.log = Logger{prefix: "[" + r.name + "] "}
	logVersion(&r.log, r.name)
	raw, err := proxywasm.GetPluginConfiguration()
	if err != nil && !errors.Is(err, types.ErrorStatusNotFound) {
		r.log.Errorf("reading the configuration: %v", err)
		return types.OnPluginStartStatusFailed
	}
	if len(raw) == 0 {
		raw = []byte("{}")
	}
	set, warnings, err := rules.Compile(raw, r.parse)
	for _, w := range warnings {
		r.log.Warnf("configuration: %s", w)
	}
	if err != nil {
		r.log.Errorf("configuration refused: %v", err)
		return types.OnPluginStartStatusFailed
	}
	r.rules, r.needs = set, set.Needs()
	if r.start != nil {
		if err := r.start(r); err != nil {
			r.log.Errorf("start: %v", err)
			return types.OnPluginStartStatusFailed
		}
	}
	if r.tick != nil && r.tickPeriod > 0 {
		if err := proxywasm.SetTickPeriodMilliSeconds(uint32(r.tickPeriod / time.Millisecond)); err != nil {
			r.log.Errorf("tick period: %v", err)
			return types.OnPluginStartStatusFailed
		}
	}
	return types.OnPluginStartStatusOK
}

func (r *Root[C]) OnTick() {
	if r.tick != nil {
		r.tick(r)
	}
}

func (r *Root[C]) NewHttpContext(id uint32) types.HttpContext { return r.newStream(r, id) }

// match finds the configuration for a request, reading only the facts some rule needs.
func (r *Root[C]) match(s requestFacts) *C {
	var req rules.Request
	if r.needs.Route {
		req.Route = s.routeName()
	}
	if r.needs.Service {
		req.Service = s.clusterName()
	}
	if r.needs.Domain {
		req.Domain = s.authority()
	}
	return r.rules.Match(req)
}

// requestFacts are what rules match on, read from the host on demand.
type requestFacts interface {
	routeName() string
	clusterName() string
	authority() string
}
