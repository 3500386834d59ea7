package wasmhost

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Plugin is one plugin configuration loaded the way Envoy loads it: one VM per worker thread
// (WithWorkers), each with its root context started and configured, all sharing one shared-data
// store, one set of metrics and the same clusters.
type Plugin struct {
	module  *Module
	opts    pluginOptions
	workers []*vm
	shared  *SharedData
	clock   *Clock

	nextContextID atomic.Uint32
	nextCallID    atomic.Uint32
	roundRobin    atomic.Uint32

	mu      sync.Mutex
	logs    []LogLine
	metrics metricSet
	calls   []*HttpCall
	redis   *redisClients

	stopWatchdog chan struct{}
}

// PluginOption changes how NewPlugin sets a plugin up.
type PluginOption func(*pluginOptions)

type pluginOptions struct {
	workers    int
	vmConfig   []byte
	name       string
	rootID     string
	vmID       string
	properties map[string][]byte
	clusters   map[string]http.Handler
	clock      *Clock
	shared     *SharedData
	logOutput  io.Writer
	logLevel   LogLevel
}

// WithWorkers runs n VMs of the plugin, as Envoy runs one per worker thread. Default 1.
func WithWorkers(n int) PluginOption { return func(o *pluginOptions) { o.workers = n } }

// WithVMConfig sets the VM configuration buffer (proxy_on_vm_start).
func WithVMConfig(cfg string) PluginOption {
	return func(o *pluginOptions) { o.vmConfig = []byte(cfg) }
}

// WithPluginName sets the plugin_name property. Default "plugin".
func WithPluginName(name string) PluginOption { return func(o *pluginOptions) { o.name = name } }

// WithRootID sets the plugin_root_id property.
func WithRootID(id string) PluginOption { return func(o *pluginOptions) { o.rootID = id } }

// WithVMID sets the plugin_vm_id property.
func WithVMID(id string) PluginOption { return func(o *pluginOptions) { o.vmID = id } }

// WithProperty sets a property every stream of the plugin sees, such as "xds.route_name" or
// "xds.cluster_name". The path's segments are separated by dots; integers are 8-byte
// little-endian (see PropertyInt).
func WithProperty(path, value string) PluginOption {
	return func(o *pluginOptions) { o.properties[propertyKey(path)] = []byte(value) }
}

// WithCluster answers proxy_http_call to the named cluster with handler, after the callback
// that made the call returns, as Envoy does. A nil handler holds the calls until the test
// answers them with HttpCall.Respond or HttpCall.Fail. A call to a cluster that was not
// registered is refused with BadArgument, as Envoy refuses an unknown cluster.
func WithCluster(name string, handler http.Handler) PluginOption {
	return func(o *pluginOptions) { o.clusters[name] = handler }
}

// WithClock makes the plugin read time from c, so several plugins can share one clock.
// By default each plugin has its own Clock, started at the current time and frozen until
// Plugin.Advance moves it.
func WithClock(c *Clock) PluginOption { return func(o *pluginOptions) { o.clock = c } }

// WithSharedData makes the plugin use store as its shared data and queues, as plugins with the
// same vm_id share them in one Envoy. By default each plugin has its own store.
func WithSharedData(store *SharedData) PluginOption {
	return func(o *pluginOptions) { o.shared = store }
}

// WithLogOutput also writes every log line the plugin emits to w (for example a
// testing.T-backed writer).
func WithLogOutput(w io.Writer) PluginOption { return func(o *pluginOptions) { o.logOutput = w } }

// WithLogLevel sets the lowest level captured and reported by proxy_get_log_level. Default
// trace: everything.
func WithLogLevel(l LogLevel) PluginOption { return func(o *pluginOptions) { o.logLevel = l } }

// ConfigureError is returned by NewPlugin when the plugin refuses its configuration
// (proxy_on_vm_start or proxy_on_configure returned false). Logs holds what the plugin logged.
type ConfigureError struct {
	Callback string
	Logs     []LogLine
}

func (e *ConfigureError) Error() string {
	var msgs []string
	for _, l := range e.Logs {
		if l.Level >= LevelWarn {
			msgs = append(msgs, l.Message)
		}
	}
	if len(msgs) == 0 {
		return fmt.Sprintf("%s refused the configuration (the plugin logged no warning or error)", e.Callback)
	}
	return fmt.Sprintf("%s refused the configuration: %s", e.Callback, strings.Join(msgs, "; "))
}

// NewPlugin starts the plugin with the given plugin configuration (usually JSON) on every
// worker: proxy_on_context_create for the root context, proxy_on_vm_start, proxy_on_configure.
func (m *Module) NewPlugin(config string, opts ...PluginOption) (*Plugin, error) {
	o := pluginOptions{workers: 1, name: "plugin", properties: map[string][]byte{}, clusters: map[string]http.Handler{}}
	for _, opt := range opts {
		opt(&o)
	}
	if o.workers < 1 {
		return nil, fmt.Errorf("wasmhost: WithWorkers(%d): need at least one worker", o.workers)
	}
	p := &Plugin{module: m, opts: o, shared: o.shared, clock: o.clock}
	if p.shared == nil {
		p.shared = NewSharedData()
	}
	if p.clock == nil {
		p.clock = NewClock(time.Now())
	}
	p.metrics.init()
	defer p.startWatchdog()
	for i := 0; i < o.workers; i++ {
		v, err := newVM(p, i)
		if err != nil {
			p.Close()
			return nil, err
		}
		p.workers = append(p.workers, v)
		if err := v.start([]byte(config)); err != nil {
			p.Close()
			return nil, err
		}
	}
	return p, nil
}

// Close stops every worker VM.
func (p *Plugin) Close() {
	if p.stopWatchdog != nil {
		close(p.stopWatchdog)
		p.stopWatchdog = nil
	}
	for _, v := range p.workers {
		v.mod.Close(context.Background())
	}
	p.mu.Lock()
	redis := p.redis
	p.mu.Unlock()
	if redis != nil {
		redis.close()
	}
}

// Workers is the number of VMs.
func (p *Plugin) Workers() int { return len(p.workers) }

// MemorySize is the size in bytes of worker i's linear memory (it grows, never shrinks).
func (p *Plugin) MemorySize(worker int) uint32 { return p.workers[worker].mem.Size() }

// Clock is the plugin's clock.
func (p *Plugin) Clock() *Clock { return p.clock }

// SharedData is the plugin's shared-data store.
func (p *Plugin) SharedData() *SharedData { return p.shared }

// NewStream opens an HTTP stream on the next worker, round robin, as Envoy spreads
// connections over workers.
func (p *Plugin) NewStream() *Stream {
	i := int(p.roundRobin.Add(1)-1) % len(p.workers)
	return p.workers[i].newStream()
}

// NewStreamOn opens an HTTP stream on worker i.
func (p *Plugin) NewStreamOn(worker int) *Stream { return p.workers[worker].newStream() }

// Advance moves the plugin's clock by d and fires proxy_on_tick on every worker each time its
// tick period elapses on the way, in time order.
func (p *Plugin) Advance(d time.Duration) error {
	end := p.clock.Now().Add(d)
	for {
		var next *vm
		for _, v := range p.workers {
			if v.tickPeriod > 0 && !v.nextTick.After(end) && (next == nil || v.nextTick.Before(next.nextTick)) {
				next = v
			}
		}
		if next == nil {
			break
		}
		p.clock.set(next.nextTick)
		if err := next.tick(); err != nil {
			return err
		}
	}
	p.clock.set(end)
	return nil
}

// Tick fires proxy_on_tick once on every worker that set a tick period, without moving time.
func (p *Plugin) Tick() error {
	for _, v := range p.workers {
		if v.tickPeriod > 0 {
			if err := v.tick(); err != nil {
				return err
			}
		}
	}
	return nil
}

func (p *Plugin) newContextID() uint32 { return p.nextContextID.Add(1) }
