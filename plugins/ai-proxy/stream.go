package main

import (
	"strings"
	"time"

	"github.com/aiwasm/aiwasm/sdkwrap/cluster"
	"github.com/aiwasm/aiwasm/sdkwrap/llm"
	"github.com/aiwasm/aiwasm/sdkwrap/sse"
	"github.com/aiwasm/aiwasm/sdkwrap/usage"
	"github.com/tidwall/gjson"
)

// Streamed answers, event by event: translated to the client's API when the provider speaks
// another (llm's stream translators), metered for usage on the provider's own events, and
// watched for the first token.

// maxPayloadLog bounds what logging.payloads keeps of a streamed answer.
const maxPayloadLog = 64 << 10

// setupStream prepares the translation of the current attempt's stream.
func (st *State) setupStream() {
	p := &st.p
	st.meter = usage.NewStreamMeter(usageFormat(p.proto))
	st.tr = nil
	if p.native {
		return
	}
	switch p.proto {
	case llm.Anthropic:
		st.tr = llm.OpenAIStreamFromAnthropic("")
	case llm.Gemini:
		st.tr = llm.OpenAIStreamFromGemini("")
	}
	if st.client == llm.Anthropic {
		if st.tr == nil {
			st.tr = llm.AnthropicStreamFromOpenAI("")
		} else {
			st.tr = &chained{first: st.tr, second: llm.AnthropicStreamFromOpenAI("")}
		}
	}
}

// event takes one upstream event: meters it, notes the first token, and appends what the
// client gets to dst (the event as it is when nothing translates).
func (st *State) event(dst []byte, ev sse.Event) []byte {
	st.meter.Observe(ev)
	if !st.haveTTFT && firstToken(st.p.proto, ev) {
		st.ttft, st.haveTTFT = time.Since(st.start), true
	}
	if st.tr == nil {
		return append(dst, ev.Raw...)
	}
	out, err := st.tr.Event(dst, ev)
	if err != nil {
		st.translateErrors++
	}
	return out
}

// endStream closes the client's stream (the translator's closing events) and records usage.
func (st *State) endStream(dst []byte) []byte {
	if st.tr != nil {
		dst = st.tr.End(dst)
	}
	if u, ok := st.meter.Usage(); ok {
		st.usage, st.haveUsage = u, true
	}
	return dst
}

// firstToken reports an upstream event that carries the first piece of the answer: content
// or a tool call.
func firstToken(p llm.Protocol, ev sse.Event) bool {
	if !ev.HasData {
		return false
	}
	switch p {
	case llm.Anthropic:
		return ev.Event == "content_block_delta" || strings.Contains(ev.Data, `"content_block_delta"`)
	case llm.Gemini:
		return gjson.Get(ev.Data, "candidates.0.content.parts.0").Exists()
	}
	if !strings.Contains(ev.Data, `"choices"`) {
		return false
	}
	c := gjson.Get(ev.Data, "choices.0")
	return c.Get("delta.content").Str != "" || c.Get("delta.tool_calls").Exists() ||
		c.Get("text").Str != "" || c.Get("delta.refusal").Str != ""
}

// replyStream answers a streamed request served in call mode after route mode failed: the
// provider's whole SSE body, translated as route mode would, as a local reply.
func (st *State) replyStream(s *stream, resp cluster.Response) {
	if !strings.HasPrefix(strings.ToLower(resp.Header("content-type")), "text/event-stream") {
		// The provider did not stream: answer its JSON, translated.
		out, err := st.clientAnswer(resp.Body)
		if err != nil {
			s.Log().Warnf("instance %s: %v", st.in.Name, err)
			st.fail(s, 502, "server_error", "bad_upstream_answer", "instance "+st.in.Name+" answered with a body the gateway could not read")
			return
		}
		st.ttft, st.haveTTFT = st.now.Sub(st.start), true
		st.reply(s, resp.Status, jsonHeaders, out)
		return
	}
	st.setupStream()
	out := make([]byte, 0, len(resp.Body)+len(resp.Body)/2)
	var parser sse.Parser
	emit := func(ev sse.Event) { out = st.event(out, ev) }
	if err := parser.Feed(resp.Body, emit); err != nil {
		s.Log().Warnf("instance %s: its stream: %v", st.in.Name, err)
	}
	if ev, ok := parser.Flush(); ok {
		emit(ev)
	}
	out = st.endStream(out)
	st.logTranslateErrors(s)
	if s.Config.Logging.Payloads {
		s.Log().Infof("response body: %s", out)
	}
	st.reply(s, 200, sseHeaders, out)
}

var sseHeaders = [][2]string{{"content-type", "text/event-stream"}, {"cache-control", "no-cache"}}

func (st *State) logTranslateErrors(s *stream) {
	if st.translateErrors > 0 {
		s.Log().Warnf("instance %s: %d stream events could not be translated", st.in.Name, st.translateErrors)
	}
}

// chained translates with first, then translates first's output with second: a Gemini stream
// for an Anthropic client goes Gemini -> OpenAI -> Anthropic.
type chained struct {
	first, second llm.StreamTranslator
	parser        sse.Parser
	mid           []byte
}

func (c *chained) Event(dst []byte, ev sse.Event) ([]byte, error) {
	mid, err := c.first.Event(c.mid[:0], ev)
	c.mid = mid
	return c.feed(dst, mid, err)
}

func (c *chained) End(dst []byte) []byte {
	c.mid = c.first.End(c.mid[:0])
	dst, _ = c.feed(dst, c.mid, nil)
	if ev, ok := c.parser.Flush(); ok {
		dst, _ = c.second.Event(dst, ev)
	}
	return c.second.End(dst)
}

func (c *chained) feed(dst, mid []byte, err error) ([]byte, error) {
	perr := c.parser.Feed(mid, func(ev sse.Event) {
		var e error
		if dst, e = c.second.Event(dst, ev); e != nil && err == nil {
			err = e
		}
	})
	if err == nil {
		err = perr
	}
	return dst, err
}
