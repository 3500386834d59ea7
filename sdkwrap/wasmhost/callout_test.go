package wasmhost

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestHttpCallIsAnsweredByTheClusterHandler(t *testing.T) {
	var got struct {
		method, path, host, from, body string
	}
	checker := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got.method, got.path, got.host, got.from, got.body = r.Method, r.URL.Path, r.Host, r.Header.Get("x-from"), string(b)
		w.WriteHeader(201)
		io.WriteString(w, "pong")
	})
	p := newProbe(t, "", WithCluster("checker", checker))
	s := p.NewStream()
	act := must[Action](t)(s.RequestHeaders(with(getRequest, "x-call", "checker"), true))
	if act != Pause {
		t.Fatalf("action %v, want Pause while the call is out", act)
	}
	if got.method != "POST" || got.path != "/check" || got.host != "checker" || got.from != "probe" || got.body != "ping" {
		t.Fatalf("handler saw %+v", got)
	}
	h, _ := s.UpstreamRequest()
	if h.Value("x-call-status") != "201" || h.Value("x-call-body") != "pong" {
		t.Fatalf("callback result not applied: %v", h)
	}
	if s.Resumed(false) != 1 || s.RequestPaused() {
		t.Fatalf("request not resumed: resumed=%d paused=%v", s.Resumed(false), s.RequestPaused())
	}
	calls := p.HttpCalls()
	if len(calls) != 1 || calls[0].Cluster != "checker" || calls[0].Response().Status != 201 {
		t.Fatalf("calls %+v", calls)
	}
}

func TestHttpCallToAnUnknownClusterIsRefused(t *testing.T) {
	s := newProbe(t, "").NewStream()
	if act := must[Action](t)(s.RequestHeaders(with(getRequest, "x-call", "nowhere"), true)); act != Continue {
		t.Fatalf("action %v", act)
	}
	h, _ := s.UpstreamRequest()
	if !strings.Contains(h.Value("x-call-error"), "bad argument") {
		t.Fatalf("want the SDK's bad-argument error, got %q", h.Value("x-call-error"))
	}
}

func TestHttpCallAnsweredByHand(t *testing.T) {
	p := newProbe(t, "", WithCluster("manual", nil))
	s1, s2 := p.NewStream(), p.NewStream()
	must[Action](t)(s1.RequestHeaders(with(getRequest, "x-call", "manual"), true))
	must[Action](t)(s2.RequestHeaders(with(getRequest, "x-call", "manual"), true))
	pending := p.PendingHttpCalls()
	if len(pending) != 2 {
		t.Fatalf("%d pending calls, want 2", len(pending))
	}
	if err := pending[0].Respond(503, H("retry-after", "1"), []byte("busy")); err != nil {
		t.Fatal(err)
	}
	if err := pending[1].Fail(); err != nil {
		t.Fatal(err)
	}
	if err := pending[1].Fail(); err == nil {
		t.Fatal("a call was answered twice")
	}
	h1, _ := s1.UpstreamRequest()
	h2, _ := s2.UpstreamRequest()
	if h1.Value("x-call-status") != "503" || h1.Value("x-call-body") != "busy" {
		t.Fatalf("stream 1 saw %v", h1)
	}
	if h2.Value("x-call-status") != "failed" {
		t.Fatalf("a failed call must reach the plugin with zero headers; stream 2 saw %v", h2)
	}
	if len(p.PendingHttpCalls()) != 0 {
		t.Fatal("answered calls still pending")
	}
}

func TestHttpCallTimeoutBecomes504(t *testing.T) {
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { time.Sleep(300 * time.Millisecond) })
	p := newProbe(t, "", WithCluster("slow", slow))
	s := p.NewStream()
	start := time.Now()
	must[Action](t)(s.RequestHeaders(with(getRequest, "x-call", "slow", "x-call-timeout", "20"), true))
	if time.Since(start) > 250*time.Millisecond {
		t.Fatalf("the timeout did not cut the call short (%v)", time.Since(start))
	}
	h, _ := s.UpstreamRequest()
	if h.Value("x-call-status") != "504" {
		t.Fatalf("want Envoy's 504 on timeout, got %v", h)
	}
}

func TestHttpCallAbortedHandlerIsAFailure(t *testing.T) {
	abort := http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) })
	s := newProbe(t, "", WithCluster("reset", abort)).NewStream()
	must[Action](t)(s.RequestHeaders(with(getRequest, "x-call", "reset"), true))
	h, _ := s.UpstreamRequest()
	if h.Value("x-call-status") != "failed" {
		t.Fatalf("want zero headers for a reset, got %v", h)
	}
}

func TestPanicInHttpCallCallbackAnswersTheWaitingStream(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})
	p := newProbe(t, "", WithCluster("ok", ok))
	s := p.NewStream()
	must[Action](t)(s.RequestHeaders(with(getRequest, "x-call", "ok", "x-panic-in-callback", "1"), true))
	if lr := s.LocalResponse(); lr == nil || lr.Status != 500 {
		t.Fatalf("the paused stream was not answered: %+v", lr)
	}
	if !p.LogContains("panic in proxy_on_http_call_response") {
		t.Fatal("panic not logged")
	}
}

func TestTrapInHttpCallCallbackIsReturnedByTheEntryThatTriggeredIt(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})
	s := newProbe(t, "", WithCluster("ok", ok)).NewStream()
	_, err := s.RequestHeaders(with(getRequest, "x-call", "ok", "x-trap-in-callback", "1"), true)
	var trap *TrapError
	if !errors.As(err, &trap) || trap.Callback != "proxy_on_http_call_response" {
		t.Fatalf("want the callback's trap from RequestHeaders, got %v", err)
	}
}
