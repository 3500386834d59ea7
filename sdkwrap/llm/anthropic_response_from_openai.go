package llm

import "github.com/tidwall/gjson"

// AnthropicResponseFromOpenAI translates an OpenAI chat completion into an Anthropic Messages
// response for an Anthropic client: the first choice's content (or refusal) as a text block,
// its tool_calls as tool_use blocks, finish_reason as stop_reason, and the usage with cached
// prompt tokens as cache_read_input_tokens. Tool call arguments that are not a JSON object
// cannot become a tool_use input: that is an *UpstreamError, like any body that is not a chat
// completion.
func AnthropicResponseFromOpenAI(body []byte) ([]byte, error) {
	doc, err := upstreamObject(body)
	if err != nil {
		return nil, err
	}
	if e := doc.Get("error"); e.Exists() {
		return nil, upstreamErr("", "an error instead of a completion: "+e.Get("message").Str)
	}
	choice := doc.Get("choices.0")
	msg := choice.Get("message")
	if !msg.IsObject() {
		return nil, upstreamErr("choices[0].message", "want an object")
	}
	w := jsonWriter{b: make([]byte, 0, len(body)+256)}
	w.open('{')
	writeStringOr(&w, "id", doc.Get("id"), "msg_openai")
	w.keyStr("type", "message")
	w.keyStr("role", "assistant")
	w.keyRaw("model", modelJSON("", doc.Get("model")))
	w.keyOpen("content", '[')
	content := msg.Get("content")
	switch {
	case content.Type == gjson.String:
		anthropicText(&w, content)
	case content.IsArray(): // some compatible APIs answer with parts
		content.ForEach(func(_, p gjson.Result) bool {
			if p.Get("type").Str == "text" {
				anthropicText(&w, p.Get("text"))
			}
			return true
		})
	}
	if refusal := msg.Get("refusal"); refusal.Type == gjson.String {
		anthropicText(&w, refusal)
	}
	var err2 error
	j := 0
	msg.Get("tool_calls").ForEach(func(_, c gjson.Result) bool {
		where := "choices[0].message." + at("tool_calls", j)
		id, name, args := c.Get("id"), c.Get("function.name"), c.Get("function.arguments")
		input := "{}"
		switch {
		case id.Type != gjson.String || name.Type != gjson.String:
			err2 = upstreamErr(where, "a tool call without id and name")
		case args.Type == gjson.String && !isBlank(args.Str):
			if !validJSON(args.Str) || !gjson.Parse(args.Str).IsObject() {
				err2 = upstreamErr(where+".function.arguments", "not a JSON object")
			}
			input = args.Str
		}
		if err2 != nil {
			return false
		}
		w.open('{')
		w.keyStr("type", "tool_use")
		w.keyRaw("id", id.Raw)
		w.keyRaw("name", name.Raw)
		w.keyRaw("input", input)
		w.close('}')
		j++
		return true
	})
	if err2 != nil {
		return nil, err2
	}
	w.close(']')
	reason := stopReasonFromOpenAI(choice.Get("finish_reason").Str)
	if j > 0 && reason == "end_turn" {
		reason = "tool_use" // compatible APIs that call tools but say "stop"
	}
	w.keyStr("stop_reason", reason)
	w.keyRaw("stop_sequence", "null")
	w.key("usage")
	writeAnthropicUsage(&w, openAITokenUsage(doc.Get("usage")))
	w.close('}')
	return w.b, nil
}
