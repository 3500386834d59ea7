package wasmhost

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/sys"
)

// vm is one instance of the module: one Envoy worker's copy of the plugin. Everything that
// touches it holds mu; a call into the guest never runs on two goroutines at once.
type vm struct {
	plugin *Plugin
	index  int
	mod    api.Module
	mem    api.Memory
	ctx    *callContext

	mu      sync.Mutex
	rootID  uint32
	active  uint32 // the effective context: the one host functions act on
	streams map[uint32]*Stream
	dead    error // set by the first trap; every later call returns it

	tickPeriod time.Duration
	nextTick   time.Time

	vmConfig, pluginConfig []byte
	callResponse           *CallResponse // during proxy_on_http_call_response
	redisResponse          []byte        // during proxy_on_redis_call_response

	// pending holds work the guest triggered that Envoy would run after the current callback
	// returns (http call answers, queue notifications); leave runs it once mu is released.
	pending []func() error

	stack      []uint64 // CallWithStack scratch for callbacks
	allocStack []uint64 // separate scratch: allocation re-enters during a callback
	stderr     tailBuffer
	exports    exports

	cancel  context.CancelFunc // stops a guest that overran the call timeout
	calls   atomic.Uint64      // callbacks entered, for the watchdog
	inCall  atomic.Bool
	overran atomic.Bool
}

// exports are the module's callbacks, looked up once. A missing one is nil and skipped, as
// Envoy skips callbacks a module does not export.
type exports struct {
	alloc, contextCreate, vmStart, configure, log, done, delete, tick, queueReady,
	requestHeaders, requestBody, requestTrailers, responseHeaders, responseBody,
	responseTrailers, httpCallResponse, redisCallResponse,
	newConnection, downstreamData, downstreamClose, upstreamData, upstreamClose api.Function
}

// callContext carries the vm to host functions: wazero hands each host function the context
// of the guest call it serves.
type callContext struct {
	context.Context
	vm *vm
}

type vmKey struct{}

func (c *callContext) Value(key any) any {
	if key == (vmKey{}) {
		return c.vm
	}
	return c.Context.Value(key)
}

func vmOf(ctx context.Context) *vm {
	if c, ok := ctx.(*callContext); ok {
		return c.vm
	}
	return ctx.Value(vmKey{}).(*vm)
}

func newVM(p *Plugin, index int) (*vm, error) {
	m := p.module
	v := &vm{plugin: p, index: index, streams: map[uint32]*Stream{},
		stack: make([]uint64, 8), allocStack: make([]uint64, 1)}
	base, cancel := context.WithCancel(context.Background())
	v.ctx, v.cancel = &callContext{Context: base, vm: v}, cancel
	clock := p.clock
	cfg := wazero.NewModuleConfig().
		WithName("").
		WithStartFunctions("_initialize").
		WithStderr(&v.stderr).
		WithStdout(&v.stderr).
		WithWalltime(clock.walltime, sys.ClockResolution(1)).
		WithNanotime(clock.nanotime, sys.ClockResolution(1))
	mod, err := m.runtime.InstantiateModule(v.ctx, m.compiled, cfg)
	if err != nil {
		return nil, fmt.Errorf("wasmhost: %s: instantiating worker %d: %w%s", m.name, index, err, v.stderr.suffix())
	}
	v.mod, v.mem = mod, mod.Memory()
	f := mod.ExportedFunction
	v.exports = exports{
		alloc: f("proxy_on_memory_allocate"), contextCreate: f("proxy_on_context_create"),
		vmStart: f("proxy_on_vm_start"), configure: f("proxy_on_configure"), log: f("proxy_on_log"),
		done: f("proxy_on_done"), delete: f("proxy_on_delete"), tick: f("proxy_on_tick"),
		queueReady: f("proxy_on_queue_ready"), requestHeaders: f("proxy_on_request_headers"),
		requestBody: f("proxy_on_request_body"), requestTrailers: f("proxy_on_request_trailers"),
		responseHeaders: f("proxy_on_response_headers"), responseBody: f("proxy_on_response_body"),
		responseTrailers: f("proxy_on_response_trailers"), httpCallResponse: f("proxy_on_http_call_response"),
		redisCallResponse: f("proxy_on_redis_call_response"), newConnection: f("proxy_on_new_connection"),
		downstreamData: f("proxy_on_downstream_data"), downstreamClose: f("proxy_on_downstream_connection_close"),
		upstreamData: f("proxy_on_upstream_data"), upstreamClose: f("proxy_on_upstream_connection_close"),
	}
	if v.exports.alloc == nil {
		mod.Close(v.ctx)
		return nil, fmt.Errorf("wasmhost: %s does not export proxy_on_memory_allocate: not a proxy-wasm module", m.name)
	}
	return v, nil
}

// start creates the root context and runs proxy_on_vm_start and proxy_on_configure.
func (v *vm) start(config []byte) (err error) {
	v.enter()
	defer v.leaveWith(&err)
	p := v.plugin
	v.rootID = p.newContextID()
	v.vmConfig, v.pluginConfig = p.opts.vmConfig, config
	v.active = v.rootID
	if _, err := v.call("proxy_on_context_create", v.exports.contextCreate, uint64(v.rootID), 0); err != nil {
		return err
	}
	logsBefore := p.logCount()
	ok, err := v.call("proxy_on_vm_start", v.exports.vmStart, uint64(v.rootID), uint64(len(v.vmConfig)))
	if err != nil {
		return err
	}
	if v.exports.vmStart != nil && ok == 0 {
		return &ConfigureError{Callback: "proxy_on_vm_start", Logs: p.logsSince(logsBefore)}
	}
	ok, err = v.call("proxy_on_configure", v.exports.configure, uint64(v.rootID), uint64(len(config)))
	if err != nil {
		return err
	}
	if v.exports.configure != nil && ok == 0 {
		return &ConfigureError{Callback: "proxy_on_configure", Logs: p.logsSince(logsBefore)}
	}
	return nil
}

// enter and leave bracket every entry into the guest from outside (a test, a posted task).
func (v *vm) enter() { v.mu.Lock() }

func (v *vm) leave() error {
	tasks := v.pending
	v.pending = nil
	v.mu.Unlock()
	var first error
	for _, task := range tasks {
		if err := task(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// leaveWith is leave for a deferred call: a trap in posted work (an http call answer, a queue
// notification) becomes the entry's error unless it already has one.
func (v *vm) leaveWith(err *error) {
	if e := v.leave(); *err == nil {
		*err = e
	}
}

// post schedules work to run once the current callback has returned; the caller holds mu.
func (v *vm) post(task func() error) { v.pending = append(v.pending, task) }

// TrapError is returned when the guest trapped (a Go runtime fatal error, an out-of-bounds
// access, proc_exit) inside a callback. The VM is dead afterwards, as in Envoy.
type TrapError struct {
	Callback string
	Err      error
	Stderr   string // what the guest wrote to stdout/stderr: the Go runtime's fatal message
	Logs     []LogLine
}

func (e *TrapError) Error() string {
	msg := fmt.Sprintf("wasm trap in %s: %v", e.Callback, e.Err)
	if e.Stderr != "" {
		msg += "\nguest output:\n" + e.Stderr
	}
	return msg
}

func (e *TrapError) Unwrap() error { return e.Err }

// ErrVMDead wraps the trap that killed a VM when it is called again.
var ErrVMDead = errors.New("wasmhost: the VM trapped earlier and is dead")

// call runs one guest callback with params and returns its first result. A nil fn (export
// missing) returns 0.
func (v *vm) call(name string, fn api.Function, params ...uint64) (uint64, error) {
	if v.dead != nil {
		return 0, fmt.Errorf("%w: %w", ErrVMDead, v.dead)
	}
	if fn == nil {
		return 0, nil
	}
	copy(v.stack, params)
	v.calls.Add(1)
	v.inCall.Store(true)
	err := fn.CallWithStack(v.ctx, v.stack)
	v.inCall.Store(false)
	if err != nil {
		trap := &TrapError{Callback: name, Err: err, Stderr: v.stderr.String(), Logs: v.plugin.Logs()}
		var exit *sys.ExitError
		switch {
		case v.overran.Load():
			trap.Err = fmt.Errorf("the callback ran longer than the call timeout (%v) and was stopped",
				v.plugin.module.opts.callTimeout)
		case errors.As(err, &exit):
			trap.Err = fmt.Errorf("the module exited with code %d", exit.ExitCode())
		}
		v.dead = trap
		return 0, trap
	}
	return v.stack[0], nil
}

// callOn runs a callback with ctxID as the effective context and restores the previous
// one afterwards (callbacks may nest: an allocation inside a host call).
func (v *vm) callOn(ctxID uint32, name string, fn api.Function, params ...uint64) (uint64, error) {
	prev := v.active
	v.active = ctxID
	defer func() { v.active = prev }()
	return v.call(name, fn, params...)
}

func (v *vm) tick() (err error) {
	v.enter()
	defer v.leaveWith(&err)
	v.nextTick = v.nextTick.Add(v.tickPeriod)
	_, err = v.callOn(v.rootID, "proxy_on_tick", v.exports.tick, uint64(v.rootID))
	return err
}

// tailBuffer keeps the last 64 KiB written to it: enough for a Go fatal error and its stack.
type tailBuffer struct {
	mu  sync.Mutex
	buf []byte
}

const tailLimit = 64 << 10

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - tailLimit; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}

func (t *tailBuffer) suffix() string {
	if s := t.String(); s != "" {
		return "\nguest output:\n" + s
	}
	return ""
}
