package plugin

import (
	"strconv"

	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm"
	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/types"
)

// requestBody is how the request body is being handled.
type requestBody struct {
	buffer   bool // RequestBody wants the whole body
	held     bool // the headers wait for the body (HoldHeadersForBody)
	max      int  // buffer at most this many bytes
	passOver bool // a larger body goes on unseen instead of being refused
}

// LimitRequestBody sets this request's body limit (default: the plugin's MaxRequestBody).
// Over it the body is refused with 413, or with passOver it goes upstream without RequestBody
// seeing it (logged at warn) - no more than max bytes are ever buffered for the plugin. Call
// it from RequestHeaders.
func (s *Stream[C, S]) LimitRequestBody(max int, passOver bool) {
	s.reqBody.max, s.reqBody.passOver = max, passOver
}

// SkipRequestBody tells the framework this request's body is not needed: it is not
// buffered and RequestBody is not called. Call it from RequestHeaders.
func (s *Stream[C, S]) SkipRequestBody() {
	s.reqBody.buffer = false
}

// ReplaceRequestBody sends body upstream instead of the client's. Call it from
// RequestBody, or from an asynchronous answer while the request waits for it. While the
// headers are still held, content-length becomes the new body's length (Envoy would keep the
// old one and cut the body); otherwise the framework removed it before the headers left.
func (s *Stream[C, S]) ReplaceRequestBody(body []byte) {
	if err := proxywasm.ReplaceHttpRequestBody(body); err != nil {
		s.log.Warnf("replacing the request body: %v", err)
		return
	}
	if s.reqBody.held || s.waiting && !s.inResp {
		_ = proxywasm.ReplaceHttpRequestHeader("content-length", strconv.Itoa(len(body)))
	}
}

func (s *Stream[C, S]) requestHeaders(endOfStream bool) types.Action {
	def := s.def
	s.reqBody = requestBody{buffer: def.RequestBody != nil && !endOfStream, max: def.MaxRequestBody}
	if !endOfStream && (def.RequestChunk != nil || def.RequestBody != nil && !def.HoldHeadersForBody) {
		// The headers leave before the body is seen; if a handler changes the body's size
		// the old content-length would cut it, and Envoy does not fix it.
		_ = proxywasm.RemoveHttpRequestHeader("content-length")
	}
	action := types.ActionContinue
	if def.RequestHeaders != nil {
		action = s.paused(def.RequestHeaders(s))
	}
	if s.replied || action == types.ActionPause {
		return types.ActionPause
	}
	if s.reqBody.buffer && def.HoldHeadersForBody {
		s.reqBody.held = true
		return types.ActionPause
	}
	return types.ActionContinue
}

func (s *Stream[C, S]) requestBody(bodySize int, endOfStream bool) types.Action {
	if s.waiting && !s.reqBody.buffer {
		// Envoy buffers these chunks and sends them on at Resume; RequestChunk does not see
		// them (it would see them again with every later chunk).
		return types.ActionPause
	}
	if !s.reqBody.buffer {
		if s.def.RequestChunk != nil {
			s.requestChunk(bodySize, endOfStream)
		}
		return types.ActionContinue
	}
	if bodySize > s.reqBody.max {
		s.reqBody.buffer = false
		if s.reqBody.passOver {
			// Held headers and what was buffered go on together.
			s.log.Warnf("request body over %d bytes: passed on unchecked", s.reqBody.max)
			return types.ActionContinue
		}
		return s.Fail(413, "invalid_request_error", "request_too_large",
			"request body is larger than "+strconv.Itoa(s.reqBody.max)+" bytes")
	}
	if !endOfStream {
		return types.ActionPause // the host keeps buffering
	}
	s.reqBody.buffer = false
	body, err := proxywasm.GetHttpRequestBody(0, bodySize)
	if err != nil {
		s.log.Errorf("reading the request body: %v", err)
		return s.Fail(500, "server_error", "plugin_error", "the gateway could not read the request body")
	}
	action := s.paused(s.def.RequestBody(s, body))
	if s.replied {
		return types.ActionPause
	}
	return action
}

func (s *Stream[C, S]) requestChunk(bodySize int, endOfStream bool) {
	var chunk []byte
	if bodySize > 0 {
		var err error
		if chunk, err = proxywasm.GetHttpRequestBody(0, bodySize); err != nil {
			s.log.Warnf("reading a request chunk: %v", err)
			return
		}
	}
	if out := s.def.RequestChunk(s, chunk, endOfStream); out != nil {
		s.ReplaceRequestBody(out)
	}
}
