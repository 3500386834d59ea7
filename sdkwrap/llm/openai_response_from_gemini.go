package llm

import "github.com/tidwall/gjson"

// OpenAIResponseFromGemini translates a Gemini generateContent response into an OpenAI chat
// completion, one choice per candidate: text parts joined as the content (thought summaries
// left out), functionCall parts as tool_calls with ids call_<k> (see gemini_callid.go). A
// prompt Gemini blocked (no candidates, promptFeedback.blockReason) gives one empty choice
// finished by content_filter. model names the model in the answer; "" uses Gemini's
// modelVersion. Errors are *UpstreamError.
func OpenAIResponseFromGemini(body []byte, model string) ([]byte, error) {
	doc, err := upstreamObject(body)
	if err != nil {
		return nil, err
	}
	a := readGeminiAnswer(doc)
	if a.err.Exists() {
		return nil, upstreamErr("", "an error instead of a response: "+a.err.Get("message").Str)
	}
	if a.candidates.Exists() && !a.candidates.IsArray() {
		return nil, upstreamErr("candidates", "want an array")
	}
	w := jsonWriter{b: make([]byte, 0, len(body)+256)}
	w.open('{')
	writeStringOr(&w, "id", a.responseID, "chatcmpl-gemini")
	w.keyStr("object", "chat.completion")
	w.keyInt("created", now())
	w.keyRaw("model", modelJSON(model, a.modelVersion))
	w.keyOpen("choices", '[')
	n := 0
	a.candidates.ForEach(func(_, c gjson.Result) bool {
		writeGeminiChoice(&w, n, c)
		n++
		return true
	})
	if n == 0 {
		// Nothing generated: the prompt was blocked, or the candidates were withheld.
		reason := finishStop
		if a.feedback.Get("blockReason").Exists() {
			reason = finishContentFilter
		}
		w.open('{')
		w.keyInt("index", 0)
		w.keyRaw("message", `{"role":"assistant","content":null}`)
		w.keyRaw("logprobs", "null")
		w.keyStr("finish_reason", reason)
		w.close('}')
	}
	w.close(']')
	if t := geminiTokenUsage(a.usage); t.seen {
		w.key("usage")
		writeOpenAIUsage(&w, t)
	}
	w.close('}')
	return w.b, nil
}

// writeGeminiChoice writes the n-th candidate as a choice.
func writeGeminiChoice(w *jsonWriter, n int, c gjson.Result) {
	index := int64(n)
	if i, ok := tokens(c.Get("index")); ok {
		index = i
	}
	parts := c.Get("content.parts").Array()
	w.open('{')
	w.keyInt("index", index)
	w.keyOpen("message", '{')
	w.keyStr("role", "assistant")
	w.key("content")
	texts := 0
	for _, p := range parts {
		if text := p.Get("text"); text.Type == gjson.String && p.Get("thought").Type != gjson.True {
			if texts == 0 {
				w.comma()
				w.b = append(w.b, '"')
			}
			texts++
			w.b = appendEscaped(w.b, text.Str)
		}
	}
	if texts == 0 {
		w.null()
	} else {
		w.b = append(w.b, '"')
		w.more = true
	}
	calls := 0
	for _, p := range parts {
		call := p.Get("functionCall")
		if !call.IsObject() {
			continue
		}
		if calls == 0 {
			w.keyOpen("tool_calls", '[')
		}
		writeGeminiToolCall(w, calls, call, p.Get("thoughtSignature").Str)
		calls++
	}
	if calls > 0 {
		w.close(']')
	}
	w.close('}')
	w.keyRaw("logprobs", "null")
	w.keyStr("finish_reason", finishFromGemini(c.Get("finishReason").Str, calls > 0))
	w.close('}')
}

// writeGeminiToolCall writes a functionCall as the k-th entry of tool_calls.
func writeGeminiToolCall(w *jsonWriter, k int, call gjson.Result, signature string) {
	args := call.Get("args")
	argsText := "{}"
	if args.IsObject() {
		argsText = compactJSON(args.Raw)
	}
	w.open('{')
	w.key("id")
	w.b = appendGeminiCallID(w.b, k, signature)
	w.more = true
	w.keyStr("type", "function")
	w.keyOpen("function", '{')
	w.key("name")
	w.str(call.Get("name").Str)
	w.keyStr("arguments", argsText)
	w.close('}')
	w.close('}')
}
