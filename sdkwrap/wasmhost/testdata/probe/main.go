// Command probe is a test plugin that exercises every part of the host: configuration,
// logs, properties, header and body edits, local responses, shared data with CAS, queues,
// ticks, metrics, HTTP calls, panics and traps. Each behaviour is switched on by a request
// header so one module serves every host test.
package main

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	_ "github.com/aiwasm/aiwasm/sdkwrap/bridge"
	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm"
	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/types"
)

func main() {}

func init() { proxywasm.SetVMContext(&vm{}) }

type vm struct{ types.DefaultVMContext }

func (*vm) NewPluginContext(uint32) types.PluginContext { return &plugin{} }

type plugin struct {
	types.DefaultPluginContext
	requests proxywasm.MetricCounter
	sizes    proxywasm.MetricHistogram
	queue    uint32
}

func (p *plugin) OnPluginStart(int) types.OnPluginStartStatus {
	cfg, err := proxywasm.GetPluginConfiguration()
	if err != nil && !errors.Is(err, types.ErrorStatusNotFound) {
		proxywasm.LogErrorf("probe: reading configuration: %v", err)
		return types.OnPluginStartStatusFailed
	}
	var conf struct {
		Refuse bool   `json:"refuse"`
		Panic  bool   `json:"panic"`
		TickMs uint32 `json:"tick_ms"`
	}
	if len(cfg) > 0 {
		if err := json.Unmarshal(cfg, &conf); err != nil {
			proxywasm.LogErrorf("probe: configuration is not valid JSON: %v", err)
			return types.OnPluginStartStatusFailed
		}
	}
	if conf.Refuse {
		proxywasm.LogError("probe: refuse: configuration refused on purpose")
		return types.OnPluginStartStatusFailed
	}
	if conf.Panic {
		panic("probe: panic in OnPluginStart")
	}
	if conf.TickMs > 0 {
		_ = proxywasm.SetTickPeriodMilliSeconds(conf.TickMs)
	}
	// Shared data has no atomic create-if-absent (a write to a missing key ignores its cas), so
	// the counters are seeded here, before any request races on them.
	for _, key := range []string{"count", "ticks"} {
		if _, _, err := proxywasm.GetSharedData(key); errors.Is(err, types.ErrorStatusNotFound) {
			_ = proxywasm.SetSharedData(key, make([]byte, 8), 0)
		}
	}
	p.requests = proxywasm.DefineCounterMetric("probe_requests")
	p.sizes = proxywasm.DefineHistogramMetric("probe_body_bytes")
	p.queue, _ = proxywasm.RegisterSharedQueue("probe_queue")
	proxywasm.LogInfof("probe: configured with %s", cfg)
	return types.OnPluginStartStatusOK
}

func (p *plugin) OnTick() {
	n := casIncrement("ticks")
	proxywasm.LogDebugf("probe: tick %d", n)
}

func (p *plugin) OnQueueReady(queueID uint32) {
	item, err := proxywasm.DequeueSharedQueue(queueID)
	if err != nil {
		proxywasm.LogWarnf("probe: dequeue: %v", err)
		return
	}
	proxywasm.LogInfof("probe: dequeued %s", item)
}

func (p *plugin) NewHttpContext(id uint32) types.HttpContext { return &stream{plugin: p, id: id} }

type stream struct {
	types.DefaultHttpContext
	plugin *plugin
	id     uint32
}

func header(name string) string {
	v, _ := proxywasm.GetHttpRequestHeader(name)
	return v
}

func (s *stream) OnHttpRequestHeaders(int, bool) types.Action {
	s.plugin.requests.Increment(1)
	if header("x-panic") != "" {
		var m map[string]int
		m["nil map write panics"] = 1
	}
	if header("x-trap") != "" {
		debug.SetMaxStack(1 << 16)
		recurse(1)
	}
	if header("x-spin") != "" {
		spin()
	}
	if header("x-deny") != "" {
		_ = proxywasm.SendHttpResponse(403, [][2]string{{"content-type", "application/json"}},
			[]byte(`{"error":{"message":"denied"}}`), -1)
		return types.ActionPause
	}
	if header("x-count") != "" {
		_ = proxywasm.ReplaceHttpRequestHeader("x-count", strconv.Itoa(casIncrement("count")))
	}
	if item := header("x-enqueue"); item != "" {
		_ = proxywasm.EnqueueSharedQueue(s.plugin.queue, []byte(item))
	}
	route, _ := proxywasm.GetProperty([]string{"xds", "route_name"})
	source, _ := proxywasm.GetProperty([]string{"source", "address"})
	path, _ := proxywasm.GetProperty([]string{"request", "path"})
	_ = proxywasm.AddHttpRequestHeader("x-route", string(route))
	_ = proxywasm.AddHttpRequestHeader("x-source", string(source))
	_ = proxywasm.AddHttpRequestHeader("x-path", string(path))
	_ = proxywasm.RemoveHttpRequestHeader("x-remove-me")
	// The body callbacks change the body's size, and Envoy does not fix content-length.
	_ = proxywasm.RemoveHttpRequestHeader("content-length")
	_ = proxywasm.SetProperty([]string{"probe_seen"}, []byte("yes"))
	if cluster := header("x-call"); cluster != "" {
		return s.call(cluster)
	}
	return types.ActionContinue
}

// call asks the cluster and resumes the request with the answer's status in a header.
func (s *stream) call(cluster string) types.Action {
	timeout, _ := strconv.Atoi(header("x-call-timeout"))
	hdrs := [][2]string{{":method", "POST"}, {":path", "/check"}, {":authority", "checker"}, {"x-from", "probe"}}
	_, err := proxywasm.DispatchHttpCall(cluster, hdrs, []byte("ping"), nil, uint32(timeout),
		func(numHeaders, bodySize, _ int) {
			if header("x-trap-in-callback") != "" {
				debug.SetMaxStack(1 << 16)
				recurse(1)
			}
			if header("x-panic-in-callback") != "" {
				panic("probe: panic in http call callback")
			}
			status := "failed"
			if numHeaders > 0 {
				hdrs, _ := proxywasm.GetHttpCallResponseHeaders()
				for _, kv := range hdrs {
					if kv[0] == ":status" {
						status = kv[1]
					}
				}
			}
			body, _ := proxywasm.GetHttpCallResponseBody(0, bodySize)
			_ = proxywasm.AddHttpRequestHeader("x-call-status", status)
			_ = proxywasm.AddHttpRequestHeader("x-call-body", string(body))
			_ = proxywasm.ResumeHttpRequest()
		})
	if err != nil {
		_ = proxywasm.AddHttpRequestHeader("x-call-error", err.Error())
		return types.ActionContinue
	}
	return types.ActionPause
}

func recurse(n int) int { return recurse(n+1) + 1 }

// spin never returns: the host's watchdog must stop it.
func spin() {
	for n := 0; ; n++ {
		spinCount = n
	}
}

var spinCount int

// OnHttpRequestBody buffers the whole body; a JSON object gets "probe": true added,
// anything else is upper-cased.
func (s *stream) OnHttpRequestBody(size int, end bool) types.Action {
	if !end {
		return types.ActionPause
	}
	body, err := proxywasm.GetHttpRequestBody(0, size)
	if err != nil {
		proxywasm.LogErrorf("probe: reading body: %v", err)
		return types.ActionContinue
	}
	s.plugin.sizes.Record(uint64(len(body)))
	var object map[string]any
	if json.Unmarshal(body, &object) == nil && object != nil {
		object["probe"] = true
		edited, _ := json.Marshal(object)
		_ = proxywasm.ReplaceHttpRequestBody(edited)
		return types.ActionContinue
	}
	_ = proxywasm.ReplaceHttpRequestBody([]byte(strings.ToUpper(string(body))))
	return types.ActionContinue
}

func (s *stream) OnHttpResponseHeaders(int, bool) types.Action {
	_ = proxywasm.RemoveHttpResponseHeader("content-length")
	_ = proxywasm.AddHttpResponseHeader("x-probe", "seen")
	_ = proxywasm.AddHttpResponseHeader("x-now", strconv.FormatInt(time.Now().Unix(), 10))
	return types.ActionContinue
}

// OnHttpResponseBody passes chunks through and appends a marker at the end.
func (s *stream) OnHttpResponseBody(_ int, end bool) types.Action {
	if end {
		_ = proxywasm.AppendHttpResponseBody([]byte("<end>"))
	}
	return types.ActionContinue
}

func (s *stream) OnHttpStreamDone() { proxywasm.LogInfof("probe: stream %d done", s.id) }

// casIncrement adds one to a shared-data counter with compare-and-swap, retrying on conflict.
func casIncrement(key string) int {
	for {
		val, cas, err := proxywasm.GetSharedData(key)
		n := uint64(0)
		if err == nil && len(val) == 8 {
			n = binary.LittleEndian.Uint64(val)
		}
		buf := binary.LittleEndian.AppendUint64(nil, n+1)
		if err := proxywasm.SetSharedData(key, buf, cas); err == nil {
			return int(n + 1)
		} else if !errors.Is(err, types.ErrorStatusCasMismatch) {
			proxywasm.LogErrorf("probe: set shared data: %v", err)
			return -1
		}
	}
}
