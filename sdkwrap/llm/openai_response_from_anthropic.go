package llm

import "github.com/tidwall/gjson"

// OpenAIResponseFromAnthropic translates an Anthropic Messages response into an OpenAI chat
// completion: text blocks joined as the content, tool_use blocks as tool_calls (their input
// as the arguments string), the stop reason as finish_reason and the usage with cache reads
// and writes counted as prompt tokens. Thinking blocks are dropped. The id and model are
// Anthropic's. Errors are *UpstreamError.
func OpenAIResponseFromAnthropic(body []byte) ([]byte, error) {
	doc, err := upstreamObject(body)
	if err != nil {
		return nil, err
	}
	var typ, id, model, content, stopReason, usage gjson.Result
	doc.ForEach(func(key, v gjson.Result) bool {
		switch key.Str {
		case "type":
			typ = v
		case "id":
			id = v
		case "model":
			model = v
		case "content":
			content = v
		case "stop_reason":
			stopReason = v
		case "usage":
			usage = v
		}
		return true
	})
	if typ.Str == "error" {
		return nil, upstreamErr("", "an error instead of a message: "+doc.Get("error.message").Str)
	}
	if content.Exists() && content.Type != gjson.Null && !content.IsArray() {
		return nil, upstreamErr("content", "want an array of blocks")
	}
	w := jsonWriter{b: make([]byte, 0, len(body)+256)}
	w.open('{')
	writeStringOr(&w, "id", id, "chatcmpl-anthropic")
	w.keyStr("object", "chat.completion")
	w.keyInt("created", now())
	w.keyRaw("model", modelJSON("", model))
	w.keyOpen("choices", '[')
	w.open('{')
	w.keyInt("index", 0)
	w.keyOpen("message", '{')
	w.keyStr("role", "assistant")
	blocks := content.Array()
	writeJoinedText(&w, blocks)
	calls := 0
	for j, b := range blocks {
		if b.Get("type").Str != "tool_use" {
			continue
		}
		id, name, input := b.Get("id"), b.Get("name"), b.Get("input")
		if id.Type != gjson.String || name.Type != gjson.String {
			return nil, upstreamErr(at("content", j), "a tool_use block without id and name")
		}
		if calls == 0 {
			w.keyOpen("tool_calls", '[')
		}
		calls++
		args := "{}"
		if input.IsObject() {
			args = compactJSON(input.Raw)
		}
		writeOpenAIToolCall(&w, id.Raw, name.Raw, args)
	}
	if calls > 0 {
		w.close(']')
	}
	w.close('}')
	w.keyRaw("logprobs", "null")
	w.keyStr("finish_reason", finishFromAnthropic(stopReason.Str))
	w.close('}')
	w.close(']')
	if usage.IsObject() {
		var u anthropicUsage
		u.merge(usage)
		w.key("usage")
		writeOpenAIUsage(&w, u.openAI())
	}
	w.close('}')
	return w.b, nil
}
