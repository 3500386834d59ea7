// Command counterprobe is the test plugin of package counter: every backend behind a Limiter,
// driven by request headers, answering what it decided in headers a test can read.
//
// Configuration (JSON; every field optional):
//
//	backend      "local" (default), "table" (LocalTable of table_keys slots, 64), "service",
//	             "redis" (higress build only) or "none" (no counting at all: the baseline of
//	             the benchmarks)
//	prefix       key prefix for local and redis ("probe/")
//	limit        units per window (10); window_ms (1000); sliding (false)
//	cluster      the ratelimit service's or Redis's cluster ("ratelimit" / "redis")
//	domain       the ratelimit service's domain ("aiwasm"); timeout_ms (1000)
//	fail_open    the policy (false); metric: the error counter ("probe_backend_errors")
//	quiet        admitted requests go on without decision headers (benchmarks)
//
// Per request: x-key is the descriptor value (key "consumer"; no x-key, no counting), x-cost
// the cost (1), x-overdraw: 1 sets Overdraw. A denied request is answered 429 here; an
// admitted one goes upstream. Both carry x-limit, x-remaining, x-count, x-reset-ms,
// x-unlimited and, after a backend error, x-counter-error.
package main

import (
	"strconv"
	"time"

	_ "github.com/aiwasm/aiwasm/sdkwrap/bridge"
	"github.com/aiwasm/aiwasm/sdkwrap/counter"
	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm"
	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/types"
	"github.com/tidwall/gjson"
)

func main() {}

func init() { proxywasm.SetVMContext(&vm{}) }

type vm struct{ types.DefaultVMContext }

func (*vm) NewPluginContext(uint32) types.PluginContext { return &plugin{} }

type config struct {
	limit  int64
	window counter.Window
	quiet  bool
}

type plugin struct {
	types.DefaultPluginContext
	conf    config
	limiter *counter.Limiter // nil: backend "none"
}

func (p *plugin) OnPluginStart(int) types.OnPluginStartStatus {
	raw, err := proxywasm.GetPluginConfiguration()
	if err != nil && len(raw) != 0 {
		proxywasm.LogErrorf("counterprobe: reading configuration: %v", err)
		return types.OnPluginStartStatusFailed
	}
	c := gjson.ParseBytes(raw)
	str := func(name, def string) string {
		if v := c.Get(name); v.Exists() {
			return v.String()
		}
		return def
	}
	num := func(name string, def int64) int64 {
		if v := c.Get(name); v.Exists() {
			return v.Int()
		}
		return def
	}
	p.conf = config{
		limit:  num("limit", 10),
		window: counter.Window{Size: time.Duration(num("window_ms", 1000)) * time.Millisecond, Sliding: c.Get("sliding").Bool()},
		quiet:  c.Get("quiet").Bool(),
	}
	timeout := time.Duration(num("timeout_ms", 1000)) * time.Millisecond
	var backend counter.Backend
	switch kind := str("backend", "local"); kind {
	case "none":
		return types.OnPluginStartStatusOK
	case "local":
		backend = counter.Local(str("prefix", "probe/"))
	case "table":
		backend, err = counter.LocalTable(str("prefix", "probe/"), int(num("table_keys", 64)))
	case "service":
		backend = counter.RatelimitService(str("cluster", "ratelimit"), str("domain", "aiwasm"), timeout)
	case "redis":
		backend, err = newRedis(str("cluster", "redis"), str("redis_password", ""), str("prefix", "probe/"), timeout)
	default:
		proxywasm.LogErrorf("counterprobe: unknown backend %q", kind)
		return types.OnPluginStartStatusFailed
	}
	if err != nil {
		proxywasm.LogErrorf("counterprobe: %v", err)
		return types.OnPluginStartStatusFailed
	}
	p.limiter = counter.NewLimiter(backend, counter.Policy{
		FailOpen:    c.Get("fail_open").Bool(),
		ErrorMetric: str("metric", "probe_backend_errors"),
		Name:        "counterprobe",
	})
	return types.OnPluginStartStatusOK
}

func (p *plugin) NewHttpContext(id uint32) types.HttpContext { return &stream{id: id, plugin: p} }

type stream struct {
	types.DefaultHttpContext
	id      uint32
	plugin  *plugin
	pending bool
	entry   [1]counter.Entry // the descriptor, inside the stream: no allocation of its own
}

func (s *stream) OnHttpRequestHeaders(int, bool) types.Action {
	key, err := proxywasm.GetHttpRequestHeader("x-key")
	if err != nil {
		return types.ActionContinue
	}
	cost := int64(1)
	if v, err := proxywasm.GetHttpRequestHeader("x-cost"); err == nil {
		cost, _ = strconv.ParseInt(v, 10, 64)
	}
	overdraw, _ := proxywasm.GetHttpRequestHeader("x-overdraw")
	if s.plugin.limiter == nil {
		return types.ActionContinue // the benchmarks' baseline: the same work minus the Take
	}
	s.entry[0] = counter.Entry{Key: "consumer", Value: key}
	req := counter.Request{
		Descriptor: s.entry[:],
		Limit:      s.plugin.conf.limit,
		Window:     s.plugin.conf.window,
		Cost:       cost,
		Overdraw:   overdraw == "1",
		StreamID:   s.id,
	}
	action := types.ActionContinue
	s.pending = s.plugin.limiter.Take(req, func(d counter.Decision, err error) {
		if !s.answer(d, err) {
			action = types.ActionPause
		}
	})
	if s.pending {
		return types.ActionPause
	}
	return action
}

// answer acts on a decision: a 429 here when denied (false), or decision headers on the
// request going upstream. A pending Take's stream is resumed.
func (s *stream) answer(d counter.Decision, err error) bool {
	if d.Allowed && err == nil && s.plugin.conf.quiet {
		if s.pending {
			_ = proxywasm.ResumeHttpRequest()
		}
		return true
	}
	headers := [][2]string{
		{"x-limit", strconv.FormatInt(d.Limit, 10)},
		{"x-remaining", strconv.FormatInt(d.Remaining, 10)},
		{"x-count", strconv.FormatInt(d.Count, 10)},
		{"x-reset-ms", strconv.FormatInt(d.ResetAfter.Milliseconds(), 10)},
		{"x-unlimited", strconv.FormatBool(d.Unlimited)},
	}
	if err != nil {
		headers = append(headers, [2]string{"x-counter-error", err.Error()})
	}
	if !d.Allowed {
		_ = proxywasm.SendHttpResponse(429, headers, []byte("rate limited\n"), -1)
		return false
	}
	for _, h := range headers {
		_ = proxywasm.AddHttpRequestHeader(h[0], h[1])
	}
	if s.pending {
		_ = proxywasm.ResumeHttpRequest()
	}
	return true
}
