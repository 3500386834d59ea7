//go:build !wasip1

package main

// The ratelimit-service backend against a fake of envoyproxy/ratelimit's JSON API, and its
// failure modes.

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aiwasm/aiwasm/sdkwrap/wasmhost"
)

// fakeService answers POST /json as envoyproxy/ratelimit does (shapes from
// sdkwrap/counter/service_json.go): a limit per window value of the descriptor, every hit
// counted (refused ones too), and no limit for a descriptor whose value is "unlimited".
type fakeService struct {
	limits map[string]int64 // window value -> requests per unit
	mu     sync.Mutex
	counts map[string]int64
}

func newFakeService(limits map[string]int64) *fakeService {
	return &fakeService{limits: limits, counts: map[string]int64{}}
}

type serviceRequest struct {
	Domain      string
	Descriptors []struct{ Entries []struct{ Key, Value string } }
	HitsAddend  int64 `json:"hits_addend"`
}

func (f *fakeService) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var req serviceRequest
	if r.URL.Path != "/json" || r.Method != "POST" || json.Unmarshal(body, &req) != nil || len(req.Descriptors) != 1 {
		http.Error(w, "Bad Request", 400)
		return
	}
	var key []string
	window, unlimited := "", false
	for _, e := range req.Descriptors[0].Entries {
		key = append(key, e.Key+"="+e.Value)
		if e.Key == "window" {
			window = e.Value
		}
		unlimited = unlimited || e.Value == "unlimited"
	}
	limit, ok := f.limits[window]
	w.Header().Set("content-type", "application/json")
	if !ok || unlimited {
		fmt.Fprint(w, `{"overallCode":"OK","statuses":[{"code":"OK"}]}`)
		return
	}
	f.mu.Lock()
	f.counts[strings.Join(key, ";")] += req.HitsAddend
	n := f.counts[strings.Join(key, ";")]
	f.mu.Unlock()
	unit := strings.ToUpper(window)
	if n > limit {
		w.WriteHeader(429)
		fmt.Fprintf(w, `{"overallCode":"OVER_LIMIT","statuses":[{"code":"OVER_LIMIT","currentLimit":{"requestsPerUnit":%d,"unit":"%s"},"durationUntilReset":"42s"}]}`, limit, unit)
		return
	}
	remaining := ""
	if limit-n > 0 {
		remaining = fmt.Sprintf(`"limitRemaining":%d,`, limit-n)
	}
	fmt.Fprintf(w, `{"overallCode":"OK","statuses":[{"code":"OK","currentLimit":{"requestsPerUnit":%d,"unit":"%s"},%s"durationUntilReset":"42.5s"}]}`, limit, unit, remaining)
}

const serviceBackend = `"backend": "ratelimit-service", "ratelimit_service": {"cluster": "ratelimit"}`

// The descriptors each source sends, one call per window, and the call itself.
func TestServiceDescriptors(t *testing.T) {
	entries := func(middle string) string {
		if middle != "" {
			middle += ","
		}
		return `{"domain":"aiwasm","descriptors":[{"entries":[{"key":"rule","value":"default"},` + middle +
			`{"key":"window","value":"%s"}]}],"hits_addend":1}`
	}
	for _, tc := range []struct {
		by      string
		request []string
		want    string
	}{
		{`"limit_by_consumer": true`, consumer("alice"), entries(`{"key":"consumer","value":"alice"}`)},
		{`"limit_by_per_header": "X-API-Key"`, []string{"x-api-key", "k-1"}, entries(`{"key":"header:x-api-key","value":"k-1"}`)},
		{`"limit_by_param": "apikey"`, []string{":path", "/v1/models?apikey=k%222"}, entries(`{"key":"param:apikey","value":"k\"2"}`)},
		{`"limit_by_cookie": "sid"`, []string{"cookie", "sid=s3"}, entries(`{"key":"cookie:sid","value":"s3"}`)},
		{`"limit_by_per_ip": "from-header-x-forwarded-for"`, []string{"x-forwarded-for", "2001:0db8::0001, 10.0.0.1"}, entries(`{"key":"ip","value":"2001:db8::1"}`)},
	} {
		t.Run(tc.by, func(t *testing.T) {
			p := newPlugin(t, `{`+tc.by+`, `+serviceBackend+`,
				"limit_keys": [{"key": "*", "query_per_second": 100, "query_per_minute": 100}]}`,
				wasmhost.WithCluster("ratelimit", newFakeService(map[string]int64{"second": 10, "minute": 3})))
			r := send(t, p, tc.request...)
			if r.status != 0 || r.s.Resumed(false) != 1 {
				t.Fatalf("status %d, resumed %d", r.status, r.s.Resumed(false))
			}
			// The service's limits, not the configuration's: the minute is closest to refusing.
			if r.header("x-ratelimit-limit") != "3" || r.header("x-ratelimit-remaining") != "2" || r.header("x-ratelimit-reset") != "43" {
				t.Fatalf("headers %v", r.response)
			}
			calls := p.HttpCalls()
			if len(calls) != 2 {
				t.Fatalf("%d calls", len(calls))
			}
			for i, window := range []string{"second", "minute"} {
				c := calls[i]
				if got, want := string(c.Body), fmt.Sprintf(tc.want, window); got != want {
					t.Errorf("call %d body\n%s\nwant\n%s", i, got, want)
				}
				if c.Cluster != "ratelimit" || c.Headers.Value(":path") != "/json" || c.Headers.Value(":method") != "POST" || c.Timeout != 500*time.Millisecond {
					t.Errorf("call %d: %s %v timeout %v", i, c.Cluster, c.Headers, c.Timeout)
				}
			}
		})
	}
	// global_threshold: no middle entry; domain and timeout as configured.
	p := newPlugin(t, `{"global_threshold": {"query_per_hour": 5}, "rule_name": "route-a", "backend": "ratelimit-service",
		"ratelimit_service": {"cluster": "rl", "domain": "gateway", "timeout": "2s"}}`,
		wasmhost.WithCluster("rl", newFakeService(map[string]int64{"hour": 5})))
	send(t, p)
	c := p.HttpCalls()[0]
	if string(c.Body) != `{"domain":"gateway","descriptors":[{"entries":[{"key":"rule","value":"route-a"},{"key":"window","value":"hour"}]}],"hits_addend":1}` ||
		c.Timeout != 2*time.Second {
		t.Fatalf("global: %s, timeout %v", c.Body, c.Timeout)
	}
}

// The service refuses: the plugin stops at the first refusing window, and reports the
// service's numbers.
func TestServiceRefuses(t *testing.T) {
	p := newPlugin(t, `{"limit_by_consumer": true, "ietf_headers": true, `+serviceBackend+`,
		"limit_keys": [{"key": "*", "query_per_second": 100, "query_per_minute": 100}]}`,
		wasmhost.WithCluster("ratelimit", newFakeService(map[string]int64{"second": 1, "minute": 10})))
	if r := send(t, p, consumer("alice")...); r.status != 0 || r.header("ratelimit-policy") != `"second";q=1;w=1` || r.header("ratelimit") != `"second";r=0;t=43` {
		t.Fatalf("first %d %v", r.status, r.response)
	}
	r := send(t, p, consumer("alice")...)
	if r.status != 429 || r.header("x-ratelimit-limit") != "1" || r.header("retry-after") != "42" || r.header("ratelimit") != `"second";r=0;t=42` {
		t.Fatalf("second %d %v", r.status, r.response)
	}
	if n := len(p.HttpCalls()); n != 3 {
		t.Fatalf("%d calls, want 3: both windows, then only the refusing second", n)
	}
	if got := metric(p, "key_rate_limit_rejected"); got != 1 {
		t.Fatalf("rejected %d", got)
	}
}

// A descriptor the service has no limit for is admitted without quota headers.
func TestServiceUnlimited(t *testing.T) {
	p := newPlugin(t, `{"limit_by_consumer": true, `+serviceBackend+`, "limit_keys": [{"key": "*", "query_per_minute": 1}]}`,
		wasmhost.WithCluster("ratelimit", newFakeService(map[string]int64{"minute": 1})))
	for i := 0; i < 3; i++ {
		if r := send(t, p, consumer("unlimited")...); r.status != 0 || r.response.Has("x-ratelimit-limit") {
			t.Fatalf("request %d: %d %v", i, r.status, r.response)
		}
	}
}

// failure_mode: the service down (500, Envoy's 504 after the timeout, a reset) admits
// without quota headers (allow) or answers 503 (deny); each failure counts.
func TestServiceFailureModes(t *testing.T) {
	for name, h := range map[string]http.Handler{
		"500":   wasmhost.StaticResponse{Status: 500, Headers: wasmhost.H("x-envoy-upstream-service-time", "1"), Body: []byte("oops")},
		"reset": http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) }),
		"timeout": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			time.Sleep(200 * time.Millisecond)
		}),
	} {
		for _, mode := range []string{"", "allow", "deny"} {
			conf := `{"limit_by_header": "x-api-key", "backend": "ratelimit-service",
				"ratelimit_service": {"cluster": "ratelimit", "timeout": "50ms"},
				"limit_keys": [{"key": "*", "query_per_minute": 1}]`
			if mode != "" {
				conf += `, "failure_mode": "` + mode + `"`
			}
			p := newPlugin(t, conf+"}", wasmhost.WithCluster("ratelimit", h))
			for i := 0; i < 2; i++ {
				r := send(t, p, "x-api-key", "sk-secret-7")
				switch mode {
				case "deny":
					if r.status != 503 {
						t.Fatalf("%s, deny: %d", name, r.status)
					}
					if msg, typ, code := r.errorBody(t); typ != "server_error" || code != "rate_limit_unavailable" || msg == "" {
						t.Fatalf("%s, deny: %s", name, r.local.Body)
					}
				default:
					if r.status != 0 || r.response.Has("x-ratelimit-limit") || r.s.Resumed(false) != 1 {
						t.Fatalf("%s, allow: %d %v", name, r.status, r.response)
					}
				}
			}
			if got := metric(p, "key_rate_limit_backend_errors"); got != 2 {
				t.Fatalf("%s %s: backend errors %d", name, mode, got)
			}
			warns := p.LogsAt(wasmhost.LevelWarn)
			if len(warns) != 1 || !strings.Contains(warns[0].Message, "key-rate-limit: rate-limit counter failed for [rule,header:x-api-key,window]") {
				t.Fatalf("%s %s: warnings %v", name, mode, warns)
			}
			for _, l := range p.Logs() {
				if strings.Contains(l.Message, "sk-secret-7") {
					t.Fatalf("logged the key: %s", l.Message)
				}
			}
		}
	}
}

// While the service's answer is pending, the request body is held with the headers: nothing
// reaches the upstream before the decision, whether the body ends before the answer or not.
func TestBodyWaitsForTheService(t *testing.T) {
	p := newPlugin(t, `{"limit_by_consumer": true, `+serviceBackend+`, "limit_keys": [{"key": "*", "query_per_minute": 1}]}`,
		wasmhost.WithCluster("ratelimit", nil)) // answered by hand
	ok := `{"overallCode":"OK","statuses":[{"code":"OK","currentLimit":{"requestsPerUnit":1,"unit":"MINUTE"},"durationUntilReset":"30s"}]}`
	over := `{"overallCode":"OVER_LIMIT","statuses":[{"code":"OVER_LIMIT","currentLimit":{"requestsPerUnit":1,"unit":"MINUTE"},"durationUntilReset":"30s"}]}`
	headers := wasmhost.H(":method", "POST", ":path", "/v1/chat/completions", ":authority", "gw", "x-mse-consumer", "alice")
	answer := func(status int, body string) {
		t.Helper()
		calls := p.PendingHttpCalls()
		if len(calls) != 1 {
			t.Fatalf("%d pending calls", len(calls))
		}
		if err := calls[0].Respond(status, wasmhost.H("content-type", "application/json"), []byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	step := func(s *wasmhost.Stream, chunk string, end bool, want wasmhost.Action) {
		t.Helper()
		if act, err := s.RequestBody([]byte(chunk), end); err != nil || act != want {
			t.Fatalf("body chunk %q: %v %v, want %v", chunk, act, err, want)
		}
	}

	// The whole body arrives first; the answer admits.
	s := p.NewStream()
	if act, err := s.RequestHeaders(headers, false); err != nil || act != wasmhost.Pause {
		t.Fatalf("headers: %v %v", act, err)
	}
	step(s, `{"model":`, false, wasmhost.Pause)
	step(s, `"m"}`, true, wasmhost.Pause)
	if _, body := s.UpstreamRequest(); len(body) != 0 {
		t.Fatalf("the upstream got %q before the decision", body)
	}
	answer(200, ok)
	if _, body := s.UpstreamRequest(); string(body) != `{"model":"m"}` || s.Resumed(false) != 1 {
		t.Fatalf("after the decision: upstream body %q, resumed %d", body, s.Resumed(false))
	}
	if err := s.Complete(); err != nil {
		t.Fatal(err)
	}

	// The answer comes after the first chunk and refuses: nothing reaches the upstream.
	s = p.NewStream()
	s.RequestHeaders(headers, false)
	step(s, `{"model":`, false, wasmhost.Pause)
	answer(429, over)
	if lr := s.LocalResponse(); lr == nil || lr.Status != 429 || s.Resumed(false) != 0 {
		t.Fatalf("refusal: %+v, resumed %d", lr, s.Resumed(false))
	}
	if _, body := s.UpstreamRequest(); len(body) != 0 {
		t.Fatalf("the upstream got %q", body)
	}
	if err := s.Complete(); err != nil {
		t.Fatal(err)
	}

	// The answer comes before the body: the body then streams through unheld.
	p.Clock().Advance(time.Minute)
	s = p.NewStream()
	s.RequestHeaders(headers, false)
	answer(200, ok)
	step(s, `{"model":`, false, wasmhost.Continue)
	step(s, `"m"}`, true, wasmhost.Continue)
	if h, body := s.UpstreamRequest(); string(body) != `{"model":"m"}` || h.Value("x-mse-consumer") != "alice" {
		t.Fatalf("upstream %v %q", h, body)
	}
	if err := s.Complete(); err != nil {
		t.Fatal(err)
	}
}

// With the local backend the decision is made at once and the body is never held.
func TestLocalBodyNotHeld(t *testing.T) {
	p := newPlugin(t, seedConfig)
	s := p.NewStream()
	if act, err := s.RequestHeaders(wasmhost.H(":method", "POST", ":path", "/v1/chat/completions", ":authority", "gw",
		"x-mse-consumer", "alice", "content-length", "13"), false); err != nil || act != wasmhost.Continue {
		t.Fatalf("headers: %v %v", act, err)
	}
	if act, err := s.RequestBody([]byte(`{"model":`), false); err != nil || act != wasmhost.Continue {
		t.Fatalf("chunk: %v %v", act, err)
	}
	if h, body := s.UpstreamRequest(); string(body) != `{"model":` || h.Value("content-length") != "13" {
		t.Fatalf("upstream %v %q", h, body)
	}
}
