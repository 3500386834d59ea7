package plugin

import (
	"github.com/aiwasm/aiwasm/sdkwrap/bridge"
	"github.com/aiwasm/aiwasm/sdkwrap/sse"
	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm"
	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/types"
)

// Stream is one request through the plugin (a proxy-wasm HTTP context). Handlers get it
// with the configuration that matched the request and the plugin's own per-request state.
type Stream[C, S any] struct {
	types.DefaultHttpContext

	// Config is the configuration that matched this request (global or a rule's).
	Config *C
	// State is the plugin's per-request state, zero when the request starts.
	State S

	def  *Plugin[C, S]
	root *Root[C]
	id   uint32
	log  Logger

	active  bool // a configuration matched; otherwise every callback passes through
	inResp  bool // the response has started: Resume resumes the response
	replied bool // the plugin answered the request itself
	// waiting: a handler returned Pause (to wait for an asynchronous answer) and Resume has
	// not been called. Body callbacks keep the stream paused meanwhile: a body callback that
	// returned Continue would make Envoy send the held headers on with the chunk
	// (allow_on_headers_stop_iteration), before the answer.
	waiting   bool
	reqBody   requestBody
	resp      responseBody
	consumer  string
	haveConsm bool
}

func newStream[C, S any](def *Plugin[C, S], root *Root[C], id uint32) *Stream[C, S] {
	return &Stream[C, S]{def: def, root: root, id: id, log: root.log}
}

// ID is the host's id for this stream.
func (s *Stream[C, S]) ID() uint32 { return s.id }

// Root is the plugin instance the stream belongs to.
func (s *Stream[C, S]) Root() *Root[C] { return s.root }

// Log is the stream's logger, prefixed [plugin] [x-request-id].
func (s *Stream[C, S]) Log() *Logger { return &s.log }

// Replied reports whether the plugin answered the request itself (Reply, Fail).
func (s *Stream[C, S]) Replied() bool { return s.replied }

// Resume lets a paused stream go on: the request, or the response once it has started.
// Call it from the callback of an asynchronous call made while the stream was paused.
func (s *Stream[C, S]) Resume() {
	s.waiting = false
	var err error
	if s.inResp {
		err = proxywasm.ResumeHttpResponse()
	} else {
		err = proxywasm.ResumeHttpRequest()
	}
	if err != nil {
		s.log.Warnf("resume: %v", err)
	}
}

// paused records a handler's Pause; the stream then waits for Resume.
func (s *Stream[C, S]) paused(a types.Action) types.Action {
	if a == types.ActionPause && !s.replied {
		s.waiting = true
	}
	return a
}

// held is a body callback's action while the stream may be waiting for Resume.
func (s *Stream[C, S]) held(a types.Action) types.Action {
	if s.waiting {
		return types.ActionPause
	}
	return a
}

func (s *Stream[C, S]) OnHttpRequestHeaders(_ int, endOfStream bool) types.Action {
	s.log = s.root.log.lazyRequestID()
	s.Config = s.root.match(s)
	if s.Config == nil {
		return types.ActionContinue
	}
	s.active = true
	return s.requestHeaders(endOfStream)
}

func (s *Stream[C, S]) OnHttpRequestBody(bodySize int, endOfStream bool) types.Action {
	if !s.active || s.replied {
		return types.ActionContinue
	}
	return s.held(s.requestBody(bodySize, endOfStream))
}

func (s *Stream[C, S]) OnHttpResponseHeaders(_ int, endOfStream bool) types.Action {
	s.inResp = true
	if !s.active || s.replied || bridge.PanicReplied(s.id) {
		// Envoy passes a plugin's own local reply through the plugin's response
		// callbacks: handlers are for the upstream's answer, the reply is already final.
		return types.ActionContinue
	}
	return s.responseHeaders(endOfStream)
}

func (s *Stream[C, S]) OnHttpResponseBody(bodySize int, endOfStream bool) types.Action {
	if !s.active || s.replied || bridge.PanicReplied(s.id) {
		return types.ActionContinue
	}
	return s.held(s.responseBody(bodySize, endOfStream))
}

func (s *Stream[C, S]) OnHttpStreamDone() {
	if s.active && s.def.Done != nil {
		s.def.Done(s)
	}
}

// responseBody is how the response body is being handled.
type responseBody struct {
	mode   ResponseMode
	chosen bool        // the plugin chose the mode itself
	events *sse.Parser // made for the first event stream
	out    []byte      // the bytes to send for the current chunk (event mode)
}
