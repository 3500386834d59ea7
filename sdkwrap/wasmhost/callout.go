package wasmhost

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"
)

// HttpCall is one proxy_http_call the plugin made.
type HttpCall struct {
	ID       uint32
	Cluster  string
	Headers  Headers
	Body     []byte
	Trailers Headers
	Timeout  time.Duration // 0: none

	vm       *vm
	root     uint32
	response *CallResponse
}

// CallResponse is what was delivered to proxy_on_http_call_response. Status 0 means the call
// failed without a response (a reset): the plugin saw zero headers.
type CallResponse struct {
	Status   int
	Headers  Headers
	Body     []byte
	Trailers Headers
}

// Response is the answer delivered to the plugin, or nil while the call is pending.
func (c *HttpCall) Response() *CallResponse {
	c.vm.mu.Lock()
	defer c.vm.mu.Unlock()
	return c.response
}

// Respond delivers a response to the plugin's proxy_on_http_call_response.
func (c *HttpCall) Respond(status int, headers Headers, body []byte) error {
	h := append(Headers{{":status", fmt.Sprint(status)}}, lowered(headers)...)
	return c.deliver(&CallResponse{Status: status, Headers: h, Body: body})
}

// Fail delivers a failure with zero headers, as Envoy reports a reset or an over-size answer.
func (c *HttpCall) Fail() error { return c.deliver(&CallResponse{}) }

func (c *HttpCall) deliver(r *CallResponse) (err error) {
	v := c.vm
	v.enter()
	defer v.leaveWith(&err)
	if c.response != nil {
		return fmt.Errorf("wasmhost: http call %d to %s was already answered", c.ID, c.Cluster)
	}
	c.response = r
	v.callResponse = r
	defer func() { v.callResponse = nil }()
	_, err = v.callOn(c.root, "proxy_on_http_call_response", v.exports.httpCallResponse,
		uint64(c.root), uint64(c.ID), uint64(len(r.Headers)), uint64(len(r.Body)), uint64(len(r.Trailers)))
	return err
}

// StaticResponse is a cluster that answers every call with the same response, delivered
// without running an http.Handler: cheaper, for benchmarks and simple stubs.
type StaticResponse struct {
	Status  int
	Headers Headers
	Body    []byte
}

// ServeHTTP lets a StaticResponse stand wherever an http.Handler does.
func (s StaticResponse) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	for _, kv := range s.Headers {
		w.Header().Add(kv[0], kv[1])
	}
	w.WriteHeader(s.Status)
	w.Write(s.Body)
}

// HttpCalls returns every call the plugin made, answered or not, in order.
func (p *Plugin) HttpCalls() []*HttpCall {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]*HttpCall(nil), p.calls...)
}

// PendingHttpCalls returns the calls not answered yet (to clusters registered with a nil
// handler).
func (p *Plugin) PendingHttpCalls() []*HttpCall {
	var out []*HttpCall
	for _, c := range p.HttpCalls() {
		if c.Response() == nil {
			out = append(out, c)
		}
	}
	return out
}

// startHttpCall is proxy_http_call; the caller holds v.mu.
func (v *vm) startHttpCall(cluster string, headers Headers, body []byte, trailers Headers, timeoutMs uint32) (uint32, status) {
	p := v.plugin
	handler, known := p.opts.clusters[cluster]
	if !known {
		return 0, statusBadArgument // Envoy: no such cluster
	}
	for _, required := range []string{":method", ":path", ":authority"} {
		if !headers.Has(required) {
			return 0, statusBadArgument
		}
	}
	c := &HttpCall{ID: p.nextCallID.Add(1), Cluster: cluster, Headers: headers, Body: body,
		Trailers: trailers, Timeout: time.Duration(timeoutMs) * time.Millisecond, vm: v, root: v.rootID}
	p.mu.Lock()
	p.calls = append(p.calls, c)
	p.mu.Unlock()
	switch h := handler.(type) {
	case nil:
	case StaticResponse:
		v.post(func() error { return c.Respond(h.Status, h.Headers, h.Body) })
	default:
		v.post(func() error { return c.serve(handler) })
	}
	return c.ID, statusOK
}

// serve runs handler for the call and delivers its answer, as Envoy's async client would:
// a handler slower than the timeout becomes Envoy's 504, a handler that panics with
// http.ErrAbortHandler a reset (zero headers).
func (c *HttpCall) serve(handler http.Handler) error {
	req, err := c.request()
	if err != nil {
		return c.Respond(400, H("content-type", "text/plain"), []byte(err.Error()))
	}
	rec := httptest.NewRecorder()
	result := make(chan bool, 1) // true: the handler aborted
	go func() {
		defer func() {
			r := recover()
			result <- r != nil
		}()
		handler.ServeHTTP(rec, req)
	}()
	var timeout <-chan time.Time
	if c.Timeout > 0 {
		t := time.NewTimer(c.Timeout)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case aborted := <-result:
		if aborted {
			return c.Fail()
		}
	case <-timeout:
		return c.Respond(504, H("content-type", "text/plain"), []byte("upstream request timeout"))
	}
	res := rec.Result()
	var h Headers
	for name, values := range res.Header {
		for _, val := range values {
			h = append(h, [2]string{strings.ToLower(name), val})
		}
	}
	return c.Respond(res.StatusCode, h, rec.Body.Bytes())
}

// request turns the call into the http.Request the cluster's handler sees.
func (c *HttpCall) request() (*http.Request, error) {
	scheme := c.Headers.Value(":scheme")
	if scheme == "" {
		scheme = "http"
	}
	url := scheme + "://" + c.Headers.Value(":authority") + c.Headers.Value(":path")
	req, err := http.NewRequest(c.Headers.Value(":method"), url, bytes.NewReader(c.Body))
	if err != nil {
		return nil, err
	}
	for _, kv := range c.Headers {
		if !strings.HasPrefix(kv[0], ":") {
			req.Header.Add(kv[0], kv[1])
		}
	}
	req.Host = c.Headers.Value(":authority")
	return req, nil
}
