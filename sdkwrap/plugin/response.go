package plugin

import (
	"strings"

	"github.com/aiwasm/aiwasm/sdkwrap/sse"
	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm"
	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/types"
)

// ResponseMode is how the framework hands the response body to the plugin.
type ResponseMode int

const (
	// ModeNone: the body passes by unseen.
	ModeNone ResponseMode = iota
	// ModeBuffer: the whole body goes to ResponseBody.
	ModeBuffer
	// ModeChunks: each chunk goes to ResponseChunk as it passes.
	ModeChunks
	// ModeEvents: each server-sent event goes to ResponseEvent as it completes.
	ModeEvents
)

// SetResponseMode chooses how this response's body is handled, overriding the default: events
// for a text/event-stream answer when ResponseEvent is set, else the whole body when
// ResponseBody is set, else chunks when ResponseChunk is set. Call it from ResponseHeaders
// (or earlier). A mode whose handler is nil means ModeNone.
func (s *Stream[C, S]) SetResponseMode(m ResponseMode) {
	s.resp.mode, s.resp.chosen = m, true
}

// ReplaceResponseBody sends body to the client instead of the upstream's. Call it from
// ResponseBody.
func (s *Stream[C, S]) ReplaceResponseBody(body []byte) {
	if err := proxywasm.ReplaceHttpResponseBody(body); err != nil {
		s.log.Warnf("replacing the response body: %v", err)
	}
}

func (s *Stream[C, S]) defaultResponseMode() ResponseMode {
	def := s.def
	if def.ResponseEvent != nil {
		ct, _ := proxywasm.GetHttpResponseHeader("content-type")
		if strings.HasPrefix(strings.ToLower(strings.TrimSpace(ct)), "text/event-stream") {
			return ModeEvents
		}
	}
	switch {
	case def.ResponseBody != nil:
		return ModeBuffer
	case def.ResponseChunk != nil:
		return ModeChunks
	}
	return ModeNone
}

// usableMode drops a mode whose handler is missing.
func (s *Stream[C, S]) usableMode(m ResponseMode) ResponseMode {
	def := s.def
	switch {
	case m == ModeBuffer && def.ResponseBody == nil,
		m == ModeChunks && def.ResponseChunk == nil,
		m == ModeEvents && def.ResponseEvent == nil:
		return ModeNone
	}
	return m
}

func (s *Stream[C, S]) responseHeaders(endOfStream bool) types.Action {
	if !s.resp.chosen {
		s.resp.mode = s.defaultResponseMode()
	}
	action := types.ActionContinue
	if s.def.ResponseHeaders != nil {
		action = s.paused(s.def.ResponseHeaders(s))
	}
	s.resp.mode = s.usableMode(s.resp.mode)
	if endOfStream {
		s.resp.mode = ModeNone
	}
	if s.resp.mode != ModeNone {
		// The plugin may change the body's size; Envoy would keep the old content-length.
		_ = proxywasm.RemoveHttpResponseHeader("content-length")
	}
	return action
}

func (s *Stream[C, S]) responseBody(bodySize int, endOfStream bool) types.Action {
	if s.waiting && s.resp.mode != ModeBuffer {
		return types.ActionPause // as for the request: chunks wait unseen in Envoy's buffer
	}
	switch s.resp.mode {
	case ModeBuffer:
		return s.bufferedResponse(bodySize, endOfStream)
	case ModeChunks:
		chunk := s.responseChunk(bodySize)
		if out := s.def.ResponseChunk(s, chunk, endOfStream); out != nil {
			s.ReplaceResponseBody(out)
		}
	case ModeEvents:
		s.responseEvents(bodySize, endOfStream)
	}
	return types.ActionContinue
}

func (s *Stream[C, S]) responseChunk(bodySize int) []byte {
	if bodySize == 0 {
		return nil
	}
	chunk, err := proxywasm.GetHttpResponseBody(0, bodySize)
	if err != nil {
		s.log.Warnf("reading a response chunk: %v", err)
	}
	return chunk
}

func (s *Stream[C, S]) bufferedResponse(bodySize int, endOfStream bool) types.Action {
	if bodySize > s.def.MaxResponseBody {
		// Held back so far, now let go untouched: losing the answer would be worse than
		// not seeing it.
		s.log.Warnf("response body over %d bytes: passed on without the plugin", s.def.MaxResponseBody)
		s.resp.mode = ModeNone
		return types.ActionContinue
	}
	if !endOfStream {
		return types.ActionPause
	}
	body, err := proxywasm.GetHttpResponseBody(0, bodySize)
	if err != nil && bodySize > 0 {
		s.log.Warnf("reading the response body: %v", err)
		return types.ActionContinue
	}
	return s.paused(s.def.ResponseBody(s, body))
}

// responseEvents turns this chunk into the bytes of the events it completes, as the plugin
// rewrote them; an incomplete event waits in the parser for the next chunk.
func (s *Stream[C, S]) responseEvents(bodySize int, endOfStream bool) {
	chunk := s.responseChunk(bodySize)
	out := s.resp.out[:0]
	emit := func(ev sse.Event) {
		if repl := s.def.ResponseEvent(s, ev, false); repl != nil {
			out = append(out, repl...)
		} else {
			out = append(out, ev.Raw...)
		}
	}
	if s.resp.events == nil {
		s.resp.events = &sse.Parser{MaxEventSize: s.def.MaxResponseBody}
	}
	if err := s.resp.events.Feed(chunk, emit); err != nil {
		// Not an event stream we can follow: send what is held and stop looking.
		s.log.Warnf("response events: %v; passing the rest on untouched", err)
		out = append(out, s.resp.events.Unparsed()...)
		s.resp.mode = ModeNone
	}
	if endOfStream && s.resp.mode == ModeEvents {
		if ev, ok := s.resp.events.Flush(); ok {
			emit(ev)
		}
		out = append(out, s.def.ResponseEvent(s, sse.Event{}, true)...)
	}
	s.resp.out = out
	if string(out) != string(chunk) {
		s.ReplaceResponseBody(out)
	}
}
