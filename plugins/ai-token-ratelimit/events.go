package main

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/aiwasm/aiwasm/sdkwrap/sse"
	"github.com/aiwasm/aiwasm/sdkwrap/usage"
	"github.com/tidwall/gjson"
)

// answerEvent follows a streamed answer: the usage it reports, the text it generates (for
// the estimate and on_exhausted_mid_stream), and what the client sees - not the usage chunk
// the plugin asked for, and with finish, nothing after the budget ran out but a clean end.
func answerEvent(s *stream, ev sse.Event, end bool) []byte {
	c, st := s.Config, &s.State
	if !st.active || st.settled && !st.finished {
		return nil
	}
	if end {
		st.endStream(s)
		return nil
	}
	if st.meter == nil {
		st.meter = usage.NewStreamMeter(st.format)
	}
	// With include_usage every chunk but the last says "usage":null: not worth the meter's
	// look at the JSON.
	if st.format != usage.OpenAI || !strings.HasSuffix(ev.Data, `"usage":null}`) {
		st.meter.Observe(ev)
	}
	if !ev.HasData {
		return nil
	}
	st.textBytes += usage.CompletionEventBytes(st.format, ev.Data)
	if st.format != usage.OpenAI {
		return nil
	}
	if st.chunkID == "" && strings.HasPrefix(ev.Data, "{") {
		st.chunkID = gjson.Get(ev.Data, "id").String()
		st.chunkModel = gjson.Get(ev.Data, "model").String()
		st.created = gjson.Get(ev.Data, "created").Int()
	}
	switch {
	case st.finished:
		return []byte{}
	case st.addedUsage && usageOnly(ev.Data):
		return []byte{}
	case c.finish && st.allowance >= 0 && st.textBytes > 0 && usage.EstimateTokens(st.textBytes) > st.allowance:
		st.finished = true
		metrics.finished.Inc()
		s.Log().Infof("budget used up mid-stream: ended with finish_reason length after about %d completion tokens", st.allowance)
		return st.finishEvents()
	}
	return nil
}

// usageOnly says whether an OpenAI chunk is the usage chunk include_usage adds: no choices,
// a usage object.
func usageOnly(data string) bool {
	if !strings.Contains(data, `"usage"`) {
		return false
	}
	r := gjson.GetMany(data, "choices", "usage")
	return r[0].IsArray() && len(r[0].Array()) == 0 && r[1].IsObject()
}

// finishEvents end an OpenAI stream as a model that hit its length limit does: a chunk with
// finish_reason "length", then [DONE].
func (st *State) finishEvents() []byte {
	var b strings.Builder
	b.WriteString(`data: {"id":`)
	b.Write(jsonString(st.chunkID))
	b.WriteString(`,"object":"chat.completion.chunk","created":`)
	b.WriteString(strconv.FormatInt(st.created, 10))
	b.WriteString(`,"model":`)
	b.Write(jsonString(st.chunkModel))
	b.WriteString(`,"choices":[{"index":0,"delta":{},"finish_reason":"length"}]}` + "\n\ndata: [DONE]\n\n")
	return []byte(b.String())
}

// endStream charges a stream at its end: ai-proxy's usage, else the stream's own, else the
// estimate.
func (st *State) endStream(s *stream) {
	if st.settled {
		return
	}
	if u, ok := proxyUsage(s); ok {
		st.settle(s, u, false)
		return
	}
	if st.meter != nil {
		if u, ok := st.meter.Usage(); ok {
			st.settle(s, u, false)
			return
		}
	}
	st.settle(s, st.estimate(st.textBytes), true)
}

// jsonString is s as a JSON string (ids and model names come from the provider).
func jsonString(s string) []byte {
	b, _ := json.Marshal(s)
	return b
}
