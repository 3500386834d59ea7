package wasmhost

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/tetratelabs/wazero/api"
)

// Stream is one HTTP request/response through the plugin, driven callback by callback as Envoy
// drives it. Methods return the action the plugin chose and any trap; accessors show what the
// upstream and the client would see.
type Stream struct {
	vm  *vm
	id  uint32
	err error // a trap while creating the context

	props map[string][]byte

	reqHeaders, reqTrailers   Headers
	respHeaders, respTrailers Headers
	reqBuffer, respBuffer     []byte // body held by the plugin (Pause) or being delivered
	upstreamBody, clientBody  []byte // what went past the plugin
	reqPaused, respPaused     bool
	local                     *LocalResponse
	continued, closed         [4]int // proxy_continue_stream / proxy_close_stream per stream type
	done                      bool
	routeCacheCleared         int
}

// LocalResponse is an answer the plugin sent itself with proxy_send_local_response.
type LocalResponse struct {
	Status     int
	Details    string // Envoy's response code details
	Body       []byte
	Headers    Headers
	GrpcStatus int32
}

func (v *vm) newStream() (s *Stream) {
	v.enter()
	defer func() { s.err = errors.Join(s.err, v.leave()) }()
	s = &Stream{vm: v, id: v.plugin.newContextID(), props: map[string][]byte{}}
	v.streams[s.id] = s
	_, s.err = v.callOn(s.id, "proxy_on_context_create", v.exports.contextCreate, uint64(s.id), uint64(v.rootID))
	return s
}

// ID is the stream's context id.
func (s *Stream) ID() uint32 { return s.id }

// Worker is the index of the VM the stream runs on.
func (s *Stream) Worker() int { return s.vm.index }

// SetProperty sets a property this stream sees, such as "source.address" or "xds.route_name"
// (dot-separated path), overriding the plugin-wide value.
func (s *Stream) SetProperty(path, value string) {
	s.vm.mu.Lock()
	s.props[propertyKey(path)] = []byte(value)
	s.vm.mu.Unlock()
}

// Property returns a property of the stream: one the test set, or one the plugin set with
// proxy_set_property (Envoy's filter state wasm.<path>).
func (s *Stream) Property(path string) (string, bool) {
	s.vm.mu.Lock()
	defer s.vm.mu.Unlock()
	v, ok := s.props[propertyKey(path)]
	return string(v), ok
}

func (s *Stream) invoke(name string, fn api.Function, params ...uint64) (Action, error) {
	if s.err != nil {
		return Pause, s.err
	}
	r, err := s.vm.callOn(s.id, name, fn, params...)
	return Action(r), err
}

// RequestHeaders delivers the request headers (lower-cased, pseudo-headers included).
func (s *Stream) RequestHeaders(h Headers, endOfStream bool) (_ Action, err error) {
	v := s.vm
	v.enter()
	defer v.leaveWith(&err)
	s.reqHeaders = lowered(h)
	a, err := s.invoke("proxy_on_request_headers", v.exports.requestHeaders, uint64(s.id), uint64(len(h)), b2u(endOfStream))
	s.reqPaused = a == Pause && err == nil
	return a, err
}

// RequestBody delivers one chunk of the request body. As in Envoy, data the plugin paused on is
// buffered and handed to it again, with the new chunk appended, on the next call; Continue
// lets paused headers go on too.
func (s *Stream) RequestBody(chunk []byte, endOfStream bool) (_ Action, err error) {
	v := s.vm
	v.enter()
	defer v.leaveWith(&err)
	s.reqBuffer = append(s.reqBuffer, chunk...)
	a, err := s.invoke("proxy_on_request_body", v.exports.requestBody, uint64(s.id), uint64(len(s.reqBuffer)), b2u(endOfStream))
	if err == nil && a == Continue {
		// As Envoy does with allow_on_headers_stop_iteration: headers paused earlier go on
		// with the data.
		s.reqPaused = false
		s.flushRequest()
	}
	return a, err
}

// RequestTrailers delivers the request trailers.
func (s *Stream) RequestTrailers(t Headers) (_ Action, err error) {
	v := s.vm
	v.enter()
	defer v.leaveWith(&err)
	s.reqTrailers = lowered(t)
	return s.invoke("proxy_on_request_trailers", v.exports.requestTrailers, uint64(s.id), uint64(len(t)))
}

// ResponseHeaders delivers the upstream's response headers (":status" included).
func (s *Stream) ResponseHeaders(h Headers, endOfStream bool) (_ Action, err error) {
	v := s.vm
	v.enter()
	defer v.leaveWith(&err)
	s.respHeaders = lowered(h)
	a, err := s.invoke("proxy_on_response_headers", v.exports.responseHeaders, uint64(s.id), uint64(len(h)), b2u(endOfStream))
	s.respPaused = a == Pause && err == nil
	return a, err
}

// ResponseBody delivers one chunk of the response body, buffered like RequestBody.
func (s *Stream) ResponseBody(chunk []byte, endOfStream bool) (_ Action, err error) {
	v := s.vm
	v.enter()
	defer v.leaveWith(&err)
	s.respBuffer = append(s.respBuffer, chunk...)
	a, err := s.invoke("proxy_on_response_body", v.exports.responseBody, uint64(s.id), uint64(len(s.respBuffer)), b2u(endOfStream))
	if err == nil && a == Continue {
		s.respPaused = false
		s.flushResponse()
	}
	return a, err
}

// ResponseTrailers delivers the response trailers.
func (s *Stream) ResponseTrailers(t Headers) (_ Action, err error) {
	v := s.vm
	v.enter()
	defer v.leaveWith(&err)
	s.respTrailers = lowered(t)
	return s.invoke("proxy_on_response_trailers", v.exports.responseTrailers, uint64(s.id), uint64(len(t)))
}

// Complete ends the stream as Envoy does: proxy_on_done, proxy_on_log, proxy_on_delete.
func (s *Stream) Complete() (err error) {
	v := s.vm
	v.enter()
	defer v.leaveWith(&err)
	if s.done {
		return nil
	}
	s.done = true
	defer delete(v.streams, s.id)
	if s.err != nil {
		return s.err
	}
	id := uint64(s.id)
	if _, err := v.callOn(s.id, "proxy_on_done", v.exports.done, id); err != nil {
		return err
	}
	if _, err := v.callOn(s.id, "proxy_on_log", v.exports.log, id); err != nil {
		return err
	}
	_, err = v.callOn(s.id, "proxy_on_delete", v.exports.delete, id)
	return err
}

// passLocalReply runs the plugin's local reply through its own response callbacks, as Envoy
// does once the callback that sent it has returned; ClientResponse then shows the reply as
// the client gets it. A plugin that pauses its own reply would leave the client waiting in
// Envoy until a timeout: that is an error here.
func (s *Stream) passLocalReply() (err error) {
	v := s.vm
	v.enter()
	defer v.leaveWith(&err)
	l := s.local
	if s.done || s.err != nil {
		return nil
	}
	s.respHeaders = append(H(":status", strconv.Itoa(l.Status)), l.Headers...)
	s.respBuffer = append([]byte(nil), l.Body...)
	id := uint64(s.id)
	a, err := s.invoke("proxy_on_response_headers", v.exports.responseHeaders, id, uint64(len(s.respHeaders)), b2u(len(l.Body) == 0))
	if err == nil && a != Pause && len(l.Body) > 0 {
		a, err = s.invoke("proxy_on_response_body", v.exports.responseBody, id, uint64(len(s.respBuffer)), 1)
	}
	if err == nil && a == Pause {
		s.respPaused = true
		return fmt.Errorf("wasmhost: the plugin paused its own local reply (%d): Envoy would hold it from the client until a timeout", l.Status)
	}
	if err == nil {
		s.flushResponse()
	}
	return err
}

func (s *Stream) flushRequest() {
	s.upstreamBody = append(s.upstreamBody, s.reqBuffer...)
	s.reqBuffer = nil
}

func (s *Stream) flushResponse() {
	s.clientBody = append(s.clientBody, s.respBuffer...)
	s.respBuffer = nil
}

// continueStream is proxy_continue_stream: a paused request or response goes on, with any
// buffered body.
func (s *Stream) continueStream(kind uint32) {
	s.continued[kind]++
	switch kind {
	case streamRequest:
		s.reqPaused = false
		s.flushRequest()
	case streamResponse:
		s.respPaused = false
		s.flushResponse()
	}
}

// UpstreamRequest is the request as the upstream would receive it so far: the headers after
// the plugin's edits and the body chunks it let through.
func (s *Stream) UpstreamRequest() (Headers, []byte) {
	s.vm.mu.Lock()
	defer s.vm.mu.Unlock()
	return s.reqHeaders.Clone(), append([]byte(nil), s.upstreamBody...)
}

// ClientResponse is the upstream response as the client would receive it so far.
func (s *Stream) ClientResponse() (Headers, []byte) {
	s.vm.mu.Lock()
	defer s.vm.mu.Unlock()
	return s.respHeaders.Clone(), append([]byte(nil), s.clientBody...)
}

// RequestTrailersSeen returns the request trailers after the plugin's edits.
func (s *Stream) RequestTrailersSeen() Headers {
	s.vm.mu.Lock()
	defer s.vm.mu.Unlock()
	return s.reqTrailers.Clone()
}

// ResponseTrailersSeen returns the response trailers after the plugin's edits.
func (s *Stream) ResponseTrailersSeen() Headers {
	s.vm.mu.Lock()
	defer s.vm.mu.Unlock()
	return s.respTrailers.Clone()
}

// LocalResponse is the answer the plugin sent itself, or nil.
func (s *Stream) LocalResponse() *LocalResponse {
	s.vm.mu.Lock()
	defer s.vm.mu.Unlock()
	return s.local
}

// RequestPaused reports whether the request is held by the plugin (it returned Pause and has
// not resumed it with proxy_continue_stream).
func (s *Stream) RequestPaused() bool {
	s.vm.mu.Lock()
	defer s.vm.mu.Unlock()
	return s.reqPaused
}

// ResponsePaused is RequestPaused for the response.
func (s *Stream) ResponsePaused() bool {
	s.vm.mu.Lock()
	defer s.vm.mu.Unlock()
	return s.respPaused
}

// Resumed counts the plugin's proxy_continue_stream calls for the request (response false) or
// the response (response true).
func (s *Stream) Resumed(response bool) int {
	s.vm.mu.Lock()
	defer s.vm.mu.Unlock()
	return s.continued[b2i(response)]
}

// Closed counts the plugin's proxy_close_stream calls, like Resumed.
func (s *Stream) Closed(response bool) int {
	s.vm.mu.Lock()
	defer s.vm.mu.Unlock()
	return s.closed[b2i(response)]
}

// RouteCacheCleared counts the plugin's clear_route_cache foreign calls on this stream.
func (s *Stream) RouteCacheCleared() int {
	s.vm.mu.Lock()
	defer s.vm.mu.Unlock()
	return s.routeCacheCleared
}

// Logs returns the lines the plugin logged while this stream was the effective context.
func (s *Stream) Logs() []LogLine {
	var out []LogLine
	for _, l := range s.vm.plugin.Logs() {
		if l.ContextID == s.id && l.Worker == s.vm.index {
			out = append(out, l)
		}
	}
	return out
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
