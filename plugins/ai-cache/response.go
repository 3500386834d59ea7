package main

import (
	"errors"
	"strings"

	"github.com/aiwasm/aiwasm/sdkwrap/cachestore"
	"github.com/aiwasm/aiwasm/sdkwrap/plugin"
	"github.com/aiwasm/aiwasm/sdkwrap/sse"
)

// onResponseHeaders adds the status header and decides whether the answer may be stored:
// only a 200, unencoded, JSON or an event stream. A stored answer is copied as it passes:
// the client gets every byte when it would have without the cache.
func onResponseHeaders(s *stream) plugin.Action {
	st := &s.State
	if !st.candidate {
		return plugin.Continue
	}
	if st.status == statusNone {
		decide(s, statusBypass) // the body was never seen: too large, or none
	}
	s.SetResponseHeader(s.Config.statusHeader, st.status.header())
	if !st.write || !st.hasKey || st.status != statusMiss {
		s.SetResponseMode(plugin.ModeNone)
		return plugin.Continue
	}
	ct := strings.ToLower(s.ResponseHeader("content-type"))
	enc := strings.ToLower(s.ResponseHeader("content-encoding"))
	switch {
	case s.ResponseHeader(":status") != "200", enc != "" && enc != "identity":
		skipStore(s, "status or encoding")
		s.SetResponseMode(plugin.ModeNone)
	case strings.HasPrefix(ct, "text/event-stream"):
		st.capture = newStreamCapture()
		s.SetResponseMode(plugin.ModeEvents)
	case strings.HasPrefix(ct, "application/json"):
		s.SetResponseMode(plugin.ModeChunks)
	default:
		skipStore(s, "content type")
		s.SetResponseMode(plugin.ModeNone)
	}
	return plugin.Continue
}

// onResponseChunk copies a JSON answer as it passes and stores it at its end.
func onResponseChunk(s *stream, chunk []byte, end bool) []byte {
	st := &s.State
	if !st.overflow {
		if len(st.body)+len(chunk) > s.Config.maxAnswer {
			st.overflow, st.body = true, nil
		} else {
			st.body = append(st.body, chunk...)
		}
	}
	if end {
		if st.overflow {
			skipStore(s, "too large")
			return nil
		}
		value, reason := storable(s.Config, st.body)
		st.body = nil
		if reason != "" {
			skipStore(s, reason)
			return nil
		}
		put(s, value)
	}
	return nil
}

// onResponseEvent follows a streamed answer event by event (each passes on unchanged) and
// stores what it amounts to once it ended with [DONE].
func onResponseEvent(s *stream, ev sse.Event, end bool) []byte {
	st := &s.State
	if st.capture == nil {
		return nil
	}
	if !end {
		st.capture.add(ev, s.Config.maxAnswer)
		return nil
	}
	value, reason := st.capture.answer()
	st.capture = nil
	if reason == "" {
		value, reason = storable(s.Config, value)
	}
	if reason != "" {
		skipStore(s, reason)
		return nil
	}
	put(s, value)
	return nil
}

// put stores an answer under the request's key, and indexes a semantic question.
func put(s *stream, value []byte) {
	st, m := &s.State, metricsOf(s.Root())
	res, err := s.Config.store.Put(st.key, value, s.Config.ttl)
	m.evictions.Add(uint64(res.Evicted))
	m.bytes.Add(res.BytesDelta)
	if err != nil {
		if errors.Is(err, cachestore.ErrTooLarge) {
			skipStore(s, "too large")
			return
		}
		s.Log().Warnf("storing an answer: %v", err)
		m.errors.Inc()
		return
	}
	if !res.Pending {
		m.stores.Inc() // else once the store acknowledges it
	}
	if st.vector != nil {
		indexQuestion(s)
	}
}

func skipStore(s *stream, reason string) {
	metricsOf(s.Root()).storeSkipped.Inc()
	if s.Log().Enabled(plugin.LevelDebug) {
		s.Log().Debugf("answer not stored: %s", reason)
	}
}
