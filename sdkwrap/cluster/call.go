// Package cluster calls other services from a plugin through the host's proxy_http_call: the
// ratelimit service, a cache backend, an LLM provider for failover. The call is asynchronous:
// it returns at once and the answer arrives in a callback, where the plugin resumes its
// stream.
//
// Failures come back as values: a call that cannot be dispatched (unknown cluster, bad
// request) returns an error at once; a call that fails on the way (reset, over Envoy's 32 MiB
// answer cap) reaches the callback with ErrNoResponse; a timeout or an unreachable upstream
// reaches it as the router's own 504 / 503 answer, which Response.FromGateway recognises.
package cluster

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm"
)

// Request is one call. Cluster is the exact name of an Envoy cluster (see HigressName for
// Higress's service clusters).
type Request struct {
	Cluster   string
	Method    string // default GET, or POST when Body is set
	Path      string // default "/"
	Authority string // default Cluster
	// Scheme goes out as :scheme; HTTP/2 clusters with TLS need "https". Default "http".
	Scheme  string
	Headers [][2]string
	Body    []byte
	// Timeout bounds the whole call; 0 means DefaultTimeout (the host would wait forever).
	Timeout time.Duration
}

// DefaultTimeout bounds calls that do not say.
const DefaultTimeout = 5 * time.Second

// Response is the answer of a call.
type Response struct {
	Status  int
	Headers [][2]string
	Body    []byte
}

// ErrNoResponse is a call that ended without an answer: the connection was reset, or the
// answer was larger than the host accepts.
var ErrNoResponse = errors.New("cluster call ended without a response")

// Call dispatches req; done runs later, once, with the response or ErrNoResponse. An error
// returned by Call means done will never run.
func Call(req Request, done func(Response, error)) error {
	headers, timeout, err := req.wire()
	if err != nil {
		return err
	}
	_, err = proxywasm.DispatchHttpCall(req.Cluster, headers, req.Body, nil, timeout,
		func(numHeaders, bodySize, _ int) {
			if numHeaders == 0 {
				done(Response{}, ErrNoResponse)
				return
			}
			done(readResponse(bodySize), nil)
		})
	if err != nil {
		return fmt.Errorf("call to cluster %q: %w", req.Cluster, err)
	}
	return nil
}

// wire builds the pseudo-headers the host requires (:method, :path, :authority) and the
// timeout in milliseconds.
func (req Request) wire() ([][2]string, uint32, error) {
	if req.Cluster == "" {
		return nil, 0, errors.New("cluster call: no cluster")
	}
	method := req.Method
	if method == "" {
		method = "GET"
		if req.Body != nil {
			method = "POST"
		}
	}
	path := req.Path
	if path == "" {
		path = "/"
	}
	if !strings.HasPrefix(path, "/") {
		return nil, 0, fmt.Errorf("cluster call to %q: path %q does not start with /", req.Cluster, path)
	}
	authority := req.Authority
	if authority == "" {
		authority = req.Cluster
	}
	scheme := req.Scheme
	if scheme == "" {
		scheme = "http"
	}
	timeout := req.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	headers := make([][2]string, 0, 4+len(req.Headers))
	headers = append(headers, [2]string{":method", method}, [2]string{":path", path},
		[2]string{":authority", authority}, [2]string{":scheme", scheme})
	for _, h := range req.Headers {
		if strings.HasPrefix(h[0], ":") {
			continue // pseudo-headers come from the fields above
		}
		headers = append(headers, h)
	}
	return headers, uint32(timeout / time.Millisecond), nil
}

func readResponse(bodySize int) Response {
	var r Response
	r.Headers, _ = proxywasm.GetHttpCallResponseHeaders()
	for _, h := range r.Headers {
		if h[0] == ":status" {
			r.Status, _ = strconv.Atoi(h[1])
		}
	}
	if bodySize > 0 {
		r.Body, _ = proxywasm.GetHttpCallResponseBody(0, bodySize)
	}
	return r
}

// Header is the first value of a response header (names are lower case on the wire).
func (r Response) Header(name string) string {
	name = strings.ToLower(name)
	for _, h := range r.Headers {
		if h[0] == name {
			return h[1]
		}
	}
	return ""
}

// OK reports a 2xx status.
func (r Response) OK() bool { return r.Status >= 200 && r.Status < 300 }

// FromGateway reports an answer made by Envoy's router rather than the service: a timeout
// (504) or no healthy upstream / connect failure (503), which carry no
// x-envoy-upstream-service-time header.
func (r Response) FromGateway() bool {
	return (r.Status == 503 || r.Status == 504) && r.Header("x-envoy-upstream-service-time") == ""
}
