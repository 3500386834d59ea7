package main

import (
	"strconv"

	"github.com/aiwasm/aiwasm/sdkwrap/cachestore"
	"github.com/aiwasm/aiwasm/sdkwrap/filterstate"
	"github.com/aiwasm/aiwasm/sdkwrap/jsonguard"
	"github.com/aiwasm/aiwasm/sdkwrap/plugin"
	"github.com/tidwall/gjson"
)

type entry = cachestore.Entry

// SimilarityHeader carries a semantic hit's cosine similarity.
const SimilarityHeader = "x-ai-cache-similarity"

// serveHit answers the request with a stored answer (a chat.completion JSON body), in the
// format the client asked for. similarity is a semantic hit's, 0 for an exact one.
func serveHit(s *stream, e entry, similarity float64) plugin.Action {
	st := &s.State
	if !jsonguard.Valid(e.Value) {
		s.Log().Warnf("cache entry %s unreadable: treated as a miss", st.key)
		metricsOf(s.Root()).errors.Inc()
		return plugin.Continue
	}
	// Before the reply: ai-token-ratelimit's response callbacks read it and do not charge.
	decide(s, statusHit)
	headers := make([][2]string, 0, 5)
	var body []byte
	if st.stream {
		headers = append(headers, [2]string{"content-type", "text/event-stream"}, [2]string{"cache-control", "no-cache"})
		body = appendChunks(nil, gjson.ParseBytes(e.Value))
	} else {
		headers = append(headers, [2]string{"content-type", "application/json"})
		body = e.Value
	}
	age := int64(0)
	if now := nowTime(); now.After(e.Stored) {
		age = int64(now.Sub(e.Stored).Seconds())
	}
	headers = append(headers, [2]string{s.Config.statusHeader, statusHit.header()}, [2]string{"age", strconv.FormatInt(age, 10)})
	if similarity > 0 {
		v := strconv.FormatFloat(similarity, 'f', 4, 64)
		headers = append(headers, [2]string{SimilarityHeader, v})
		s.SetFilterState(filterstate.CacheSimilarity, v)
		metricsOf(s.Root()).semanticHits.Inc()
	}
	return s.Reply(200, headers, body)
}

// appendChunks writes a stored chat.completion as the stream OpenAI would have sent: per
// choice a role chunk, the content (and refusal, tool calls) in one chunk each, the finish
// chunk; then the usage chunk (as ai-proxy always sends it) and [DONE].
func appendChunks(dst []byte, answer gjson.Result) []byte {
	head := append([]byte(`data: {"id":`), rawOr(answer.Get("id"), `"chatcmpl-cached"`)...)
	head = append(head, `,"object":"chat.completion.chunk","created":`...)
	head = append(head, rawOr(answer.Get("created"), "0")...)
	head = append(head, `,"model":`...)
	head = append(head, rawOr(answer.Get("model"), `""`)...)
	if fp := answer.Get("system_fingerprint"); fp.Type == gjson.String {
		head = append(append(head, `,"system_fingerprint":`...), fp.Raw...)
	}
	head = append(head, `,"choices":[`...)
	chunk := func(index, delta, finish string) {
		dst = append(dst, head...)
		dst = append(dst, `{"index":`...)
		dst = append(dst, index...)
		dst = append(dst, `,"delta":{`...)
		dst = append(dst, delta...)
		dst = append(dst, `},"logprobs":null,"finish_reason":`...)
		dst = append(dst, finish...)
		dst = append(dst, "}]}\n\n"...)
	}
	answer.Get("choices").ForEach(func(_, c gjson.Result) bool {
		index := rawOr(c.Get("index"), "0")
		msg := c.Get("message")
		chunk(index, `"role":"assistant","content":""`, "null")
		if content := msg.Get("content"); content.Type == gjson.String && content.Str != "" {
			chunk(index, `"content":`+content.Raw, "null")
		}
		if refusal := msg.Get("refusal"); refusal.Type == gjson.String && refusal.Str != "" {
			chunk(index, `"refusal":`+refusal.Raw, "null")
		}
		if calls := msg.Get("tool_calls"); calls.IsArray() && len(calls.Array()) > 0 {
			delta := []byte(`"tool_calls":[`)
			for k, call := range calls.Array() {
				if k > 0 {
					delta = append(delta, ',')
				}
				delta = append(delta, `{"index":`...)
				delta = strconv.AppendInt(delta, int64(k), 10)
				delta = append(delta, `,"id":`...)
				delta = append(delta, rawOr(call.Get("id"), `""`)...)
				delta = append(delta, `,"type":"function","function":{"name":`...)
				delta = append(delta, rawOr(call.Get("function.name"), `""`)...)
				delta = append(delta, `,"arguments":`...)
				delta = append(delta, rawOr(call.Get("function.arguments"), `""`)...)
				delta = append(delta, "}}"...)
			}
			chunk(index, string(append(delta, ']')), "null")
		}
		chunk(index, "", rawOr(c.Get("finish_reason"), `"stop"`))
		return true
	})
	if u := answer.Get("usage"); u.IsObject() {
		dst = append(dst, head...)
		dst = append(dst, `],"usage":`...)
		dst = append(dst, u.Raw...)
		dst = append(dst, "}\n\n"...)
	}
	return append(dst, "data: [DONE]\n\n"...)
}

// rawOr is v's JSON text, or def when v is absent or null.
func rawOr(v gjson.Result, def string) string {
	if !v.Exists() || v.Type == gjson.Null {
		return def
	}
	return v.Raw
}
