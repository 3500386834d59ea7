package wasmhost

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestHeadersPropertiesAndFilterState(t *testing.T) {
	p := newProbe(t, "", WithProperty("xds.route_name", "chat-route"))
	s := p.NewStream()
	s.SetProperty("source.address", "10.1.2.3:4567")
	act := must[Action](t)(s.RequestHeaders(with(getRequest, "X-Remove-Me", "1"), true))
	if act != Continue {
		t.Fatalf("action %v, want Continue", act)
	}
	h, _ := s.UpstreamRequest()
	for name, want := range map[string]string{"x-route": "chat-route", "x-source": "10.1.2.3:4567", "x-path": "/v1/models?x=1"} {
		if got := h.Value(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if h.Has("x-remove-me") {
		t.Error("x-remove-me was not removed")
	}
	if v, ok := s.Property("probe_seen"); !ok || v != "yes" {
		t.Errorf("filter state probe_seen = %q, %v", v, ok)
	}

	if act := must[Action](t)(s.ResponseHeaders(H(":status", "200"), false)); act != Continue {
		t.Fatalf("response action %v", act)
	}
	rh, _ := s.ClientResponse()
	if rh.Value("x-probe") != "seen" {
		t.Errorf("response header not added: %v", rh)
	}
	if err := s.Complete(); err != nil {
		t.Fatal(err)
	}
	if !p.LogContains("stream " + strconv.Itoa(int(s.ID())) + " done") {
		t.Error("OnHttpStreamDone did not run on Complete")
	}
}

func TestBodiesAreBufferedWhilePausedAndEditable(t *testing.T) {
	p := newProbe(t, "")
	s := p.NewStream()
	must[Action](t)(s.RequestHeaders(with(getRequest, ":method", "POST"), false))
	if act := must[Action](t)(s.RequestBody([]byte("hello "), false)); act != Pause {
		t.Fatalf("first chunk: %v, want Pause", act)
	}
	if _, body := s.UpstreamRequest(); len(body) != 0 {
		t.Fatalf("a paused chunk reached the upstream: %q", body)
	}
	if act := must[Action](t)(s.RequestBody([]byte("world"), true)); act != Continue {
		t.Fatalf("last chunk: %v, want Continue", act)
	}
	if _, body := s.UpstreamRequest(); string(body) != "HELLO WORLD" {
		t.Fatalf("upstream body %q, want the whole body upper-cased", body)
	}
	if got := p.HistogramRecords("probe_body_bytes"); len(got) != 1 || got[0] != 11 {
		t.Errorf("histogram records %v, want [11]", got)
	}

	js := p.NewStream()
	must[Action](t)(js.RequestHeaders(with(getRequest, ":method", "POST"), false))
	must[Action](t)(js.RequestBody([]byte(`{"model":"m1","messages":[]}`), true))
	if _, body := js.UpstreamRequest(); string(body) != `{"messages":[],"model":"m1","probe":true}` {
		t.Fatalf("JSON body not edited: %s", body)
	}

	must[Action](t)(s.ResponseHeaders(H(":status", "200"), false))
	must[Action](t)(s.ResponseBody([]byte("a"), false))
	must[Action](t)(s.ResponseBody([]byte("b"), true))
	if _, body := s.ClientResponse(); string(body) != "ab<end>" {
		t.Fatalf("client body %q, want ab<end>", body)
	}
}

func TestLocalResponse(t *testing.T) {
	s := newProbe(t, "").NewStream()
	if act := must[Action](t)(s.RequestHeaders(with(getRequest, "x-deny", "1"), true)); act != Pause {
		t.Fatalf("action %v, want Pause", act)
	}
	lr := s.LocalResponse()
	if lr == nil || lr.Status != 403 || string(lr.Body) != `{"error":{"message":"denied"}}` || lr.Headers.Value("content-type") != "application/json" {
		t.Fatalf("local response %+v", lr)
	}
}

func TestPanicInAStreamAnswers500AndKeepsTheVM(t *testing.T) {
	p := newProbe(t, "")
	s := p.NewStream()
	act, err := s.RequestHeaders(with(getRequest, "x-panic", "1"), true)
	if err != nil || act != Pause {
		t.Fatalf("panic: action %v err %v; want Pause and no error", act, err)
	}
	lr := s.LocalResponse()
	if lr == nil || lr.Status != 500 || !strings.Contains(string(lr.Body), `"code":"plugin_panic"`) || lr.Headers.Value("content-type") != "application/json" {
		t.Fatalf("local response %+v", lr)
	}
	errs := p.LogsAt(LevelError)
	if len(errs) == 0 || !strings.Contains(errs[0].Message, "panic in proxy_on_request_headers") || !strings.Contains(errs[0].Message, "nil map") {
		t.Fatalf("panic not logged at error level: %v", errs)
	}
	if err := s.Complete(); err != nil {
		t.Fatal(err)
	}
	next := p.NewStream()
	if act := must[Action](t)(next.RequestHeaders(getRequest, true)); act != Continue || next.LocalResponse() != nil {
		t.Fatalf("the VM did not survive the panic: %v %+v", act, next.LocalResponse())
	}
}

func TestTrapIsAClearErrorAndKillsTheVM(t *testing.T) {
	p := newProbe(t, "")
	_, err := p.NewStream().RequestHeaders(with(getRequest, "x-trap", "1"), true)
	var trap *TrapError
	if !errors.As(err, &trap) {
		t.Fatalf("want *TrapError, got %T %v", err, err)
	}
	if trap.Callback != "proxy_on_request_headers" || !strings.Contains(trap.Stderr, "stack overflow") {
		t.Fatalf("trap does not say where and why: %v", err)
	}
	_, err = p.NewStream().RequestHeaders(getRequest, true)
	if !errors.Is(err, ErrVMDead) {
		t.Fatalf("want ErrVMDead after a trap, got %v", err)
	}
}

func TestTimeComesFromTheTestClock(t *testing.T) {
	start := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	p := newProbe(t, "", WithClock(NewClock(start)))
	s := p.NewStream()
	must[Action](t)(s.RequestHeaders(getRequest, true))
	must[Action](t)(s.ResponseHeaders(H(":status", "200"), true))
	h, _ := s.ClientResponse()
	if h.Value("x-now") != strconv.FormatInt(start.Unix(), 10) {
		t.Fatalf("guest time.Now() = %s, want %d", h.Value("x-now"), start.Unix())
	}
	if err := p.Advance(time.Hour); err != nil {
		t.Fatal(err)
	}
	s2 := p.NewStream()
	must[Action](t)(s2.RequestHeaders(getRequest, true))
	must[Action](t)(s2.ResponseHeaders(H(":status", "200"), true))
	h, _ = s2.ClientResponse()
	if h.Value("x-now") != strconv.FormatInt(start.Add(time.Hour).Unix(), 10) {
		t.Fatalf("after Advance, guest time.Now() = %s", h.Value("x-now"))
	}
}

func TestAPluginThatNeverReturnsIsStopped(t *testing.T) {
	path, err := BuildPlugin("testdata/probe")
	if err != nil {
		t.Fatal(err)
	}
	m, err := Load(path, WithCallTimeout(100*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	p, err := m.NewPlugin("")
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	start := time.Now()
	_, err = p.NewStream().RequestHeaders(with(getRequest, "x-spin", "1"), true)
	var trap *TrapError
	if !errors.As(err, &trap) || !strings.Contains(err.Error(), "call timeout") {
		t.Fatalf("want a call-timeout trap, got %v", err)
	}
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Fatalf("stopping the spinning plugin took %v", elapsed)
	}
}
