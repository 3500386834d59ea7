package plugin

import "github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm"

// Header helpers. Names are case-insensitive (the host keeps them lower case); a missing
// header reads as "". Request headers can be changed until they have gone upstream (during
// RequestHeaders, or RequestBody with HoldHeadersForBody); response headers during
// ResponseHeaders.

// RequestHeader is a request header's value.
func (s *Stream[C, S]) RequestHeader(name string) string {
	v, _ := proxywasm.GetHttpRequestHeader(name)
	return v
}

// SetRequestHeader replaces (or adds) a request header.
func (s *Stream[C, S]) SetRequestHeader(name, value string) {
	if err := proxywasm.ReplaceHttpRequestHeader(name, value); err != nil {
		s.log.Warnf("setting request header %s: %v", name, err)
	}
}

// RemoveRequestHeader removes a request header.
func (s *Stream[C, S]) RemoveRequestHeader(name string) {
	_ = proxywasm.RemoveHttpRequestHeader(name)
}

// RequestHeaders are all request headers, pseudo-headers (:path, :method ...) included.
func (s *Stream[C, S]) RequestHeaders() [][2]string {
	h, _ := proxywasm.GetHttpRequestHeaders()
	return h
}

// ResponseHeader is a response header's value.
func (s *Stream[C, S]) ResponseHeader(name string) string {
	v, _ := proxywasm.GetHttpResponseHeader(name)
	return v
}

// SetResponseHeader replaces (or adds) a response header.
func (s *Stream[C, S]) SetResponseHeader(name, value string) {
	if err := proxywasm.ReplaceHttpResponseHeader(name, value); err != nil {
		s.log.Warnf("setting response header %s: %v", name, err)
	}
}

// RemoveResponseHeader removes a response header.
func (s *Stream[C, S]) RemoveResponseHeader(name string) {
	_ = proxywasm.RemoveHttpResponseHeader(name)
}

// Method, Path and Authority are the request's :method, :path (with the query) and
// :authority.
func (s *Stream[C, S]) Method() string    { return s.RequestHeader(":method") }
func (s *Stream[C, S]) Path() string      { return s.RequestHeader(":path") }
func (s *Stream[C, S]) Authority() string { return s.RequestHeader(":authority") }
