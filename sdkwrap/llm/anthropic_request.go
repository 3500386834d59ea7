package llm

import "github.com/tidwall/gjson"

// DefaultMaxTokens is the max_tokens AnthropicRequest sends when the request has none and the
// caller gave no default: Anthropic requires the field.
const DefaultMaxTokens = 4096

// AnthropicRequest translates an OpenAI chat completion request into an Anthropic Messages
// request. defaultMaxTokens is sent as max_tokens when the request sets neither max_tokens nor
// max_completion_tokens (DefaultMaxTokens if it is not positive). System and developer
// messages, wherever they are, become the top-level system prompt in their order.
//
// Anthropic has no JSON mode: response_format json_object is dropped (OpenAI requires the
// prompt itself to ask for JSON, so the instruction is already there) and json_schema is
// refused, since nothing would enforce the schema. n above 1 is refused too.
//
// Errors are *RequestError.
func AnthropicRequest(openai []byte, defaultMaxTokens int) ([]byte, error) {
	req, err := readOpenAIRequest(openai)
	if err != nil {
		return nil, err
	}
	w := jsonWriter{b: make([]byte, 0, len(openai)+len(openai)/4+64)}
	w.open('{')
	if req.model.Exists() {
		w.keyRaw("model", req.model.Raw)
	}
	limit, ok, err := req.outputLimit()
	if err != nil {
		return nil, err
	}
	if !ok {
		limit = int64(defaultMaxTokens)
		if limit <= 0 {
			limit = DefaultMaxTokens
		}
	}
	w.keyInt("max_tokens", limit)
	if err := anthropicConversation(&w, req.messages); err != nil {
		return nil, err
	}
	if err := anthropicParameters(&w, &req); err != nil {
		return nil, err
	}
	if err := anthropicTools(&w, &req); err != nil {
		return nil, err
	}
	w.close('}')
	return w.b, nil
}

// anthropicParameters writes the sampling and output parameters.
func anthropicParameters(w *jsonWriter, req *openAIRequest) error {
	for _, p := range [...]struct {
		from, to string
		v        gjson.Result
	}{{"temperature", "temperature", req.temperature}, {"top_p", "top_p", req.topP}} {
		raw, ok, err := number(p.from, p.v)
		if err != nil {
			return err
		}
		if ok {
			w.keyRaw(p.to, raw)
		}
	}
	if err := writeStop(w, "stop_sequences", req.stop); err != nil {
		return err
	}
	stream, err := req.streaming()
	if err != nil {
		return err
	}
	if stream {
		w.keyRaw("stream", "true")
	}
	n, err := req.choices()
	if err != nil {
		return err
	}
	if n > 1 {
		return requestErr("n", "Anthropic returns a single choice; n must be 1")
	}
	if req.user.Exists() {
		if req.user.Type != gjson.String {
			return requestErr("user", "want a string")
		}
		w.keyOpen("metadata", '{')
		w.keyRaw("user_id", req.user.Raw)
		w.close('}')
	}
	switch format := req.responseFormat.Get("type"); {
	case !req.responseFormat.Exists():
	case !req.responseFormat.IsObject() || format.Type != gjson.String:
		return requestErr("response_format.type", "want a string")
	case format.Str == "json_schema":
		return requestErr("response_format", "json_schema is not supported by Anthropic models; use json_object and describe the schema in the prompt")
	case format.Str != "text" && format.Str != "json_object":
		return requestErr("response_format.type", "want text, json_object or json_schema")
	}
	return nil
}

// anthropicConversation writes messages, then the system prompt.
func anthropicConversation(w *jsonWriter, messages gjson.Result) error {
	a := &anthropicTurns{turnWriter{w: w, field: "content"}}
	systems, at, err := writeConversation(w, "messages", messages, a)
	if err != nil {
		return err
	}
	return anthropicSystem(w, systems, at)
}

// anthropicTurns writes Anthropic's turns (conversationWriter).
type anthropicTurns struct{ turnWriter }

func (t *anthropicTurns) writer() *turnWriter { return &t.turnWriter }

// anthropicSystem writes the system prompt: the one string as it is, or text blocks.
func anthropicSystem(w *jsonWriter, systems []gjson.Result, at []int) error {
	if len(systems) == 0 {
		return nil
	}
	if len(systems) == 1 && systems[0].Type == gjson.String {
		w.keyRaw("system", systems[0].Raw)
		return nil
	}
	m := w.mark()
	w.keyOpen("system", '[')
	start := w.mark()
	if err := eachSystemText(systems, at, func(text gjson.Result) { anthropicText(w, text) }); err != nil {
		return err
	}
	if !w.since(start) {
		w.reset(m) // only empty system messages
		return nil
	}
	w.close(']')
	return nil
}

// eachSystemText calls write with every text part of the system messages (at are their
// indexes in messages, for errors): a system message holds text only.
func eachSystemText(systems []gjson.Result, at []int, write func(text gjson.Result)) error {
	for k, content := range systems {
		i := at[k]
		err := forEachPart(content, func() string { return msgPath(i, ".content") }, func(j int, p contentPart) error {
			if err := textOnly(p, func() string { return partPath(i, "content", j, "") }, "a system message"); err != nil {
				return err
			}
			write(p.text)
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// anthropicText writes a text block, unless the text is empty: Anthropic refuses empty text
// blocks.
func anthropicText(w *jsonWriter, text gjson.Result) bool {
	if text.Str == "" {
		return false
	}
	w.open('{')
	w.keyStr("type", "text")
	w.keyRaw("text", text.Raw)
	w.close('}')
	return true
}

// user writes a user message's parts into the user turn.
func (t *anthropicTurns) user(i int, content gjson.Result) error {
	return forEachPart(content, func() string { return msgPath(i, ".content") }, func(j int, p contentPart) error {
		return anthropicPart(&t.turnWriter, "user", p, func() string { return partPath(i, "content", j, "") })
	})
}

// anthropicPart writes one content part as a block of role's turn.
func anthropicPart(t *turnWriter, role string, p contentPart, where func() string) error {
	w := t.w
	switch p.kind {
	case textPart:
		if p.text.Str == "" {
			return nil
		}
		t.block(role)
		anthropicText(w, p.text)
		return nil
	case audioPart:
		return requestErr(where(), "Anthropic models do not take audio input")
	}
	t.block(role)
	w.open('{')
	if p.kind == imagePart {
		w.keyStr("type", "image")
	} else {
		w.keyStr("type", "document")
	}
	w.keyOpen("source", '{')
	if p.url != "" {
		w.keyStr("type", "url")
		w.keyStr("url", p.url)
	} else {
		w.keyStr("type", "base64")
		w.keyStr("media_type", p.mime)
		w.keyStr("data", p.data)
	}
	w.close('}')
	w.close('}')
	return nil
}

// assistant writes an assistant message: its text, then its tool calls as tool_use
// blocks.
func (t *anthropicTurns) assistant(i int, m openAIMessage) error {
	err := forEachPart(m.content, func() string { return msgPath(i, ".content") }, func(j int, p contentPart) error {
		where := func() string { return partPath(i, "content", j, "") }
		if err := textOnly(p, where, "an assistant message"); err != nil {
			return err
		}
		return anthropicPart(&t.turnWriter, "assistant", p, where)
	})
	if err != nil {
		return err
	}
	return forEachToolCall(i, m.toolCalls, func(c toolCall) error {
		t.block("assistant")
		w := t.w
		w.open('{')
		w.keyStr("type", "tool_use")
		w.keyStr("id", anthropicToolID(c.id.Str))
		w.keyRaw("name", c.name.Raw)
		w.keyRaw("input", c.args)
		w.close('}')
		return nil
	})
}

// toolResult writes a tool message as a tool_result block of the user turn.
func (t *anthropicTurns) toolResult(i int, m openAIMessage) error {
	if m.toolCallID.Type != gjson.String {
		return requestErr(msgPath(i, ".tool_call_id"), "want a string")
	}
	t.block("user")
	w := t.w
	w.open('{')
	w.keyStr("type", "tool_result")
	w.keyStr("tool_use_id", anthropicToolID(m.toolCallID.Str))
	switch {
	case m.content.Type == gjson.String:
		if m.content.Str != "" {
			w.keyRaw("content", m.content.Raw)
		}
	case m.content.IsArray():
		// Blocks inside a tool_result: text and images, as in a user turn.
		w.keyOpen("content", '[')
		inner := turnWriter{w: w, role: "user"} // already inside: block() never opens a turn
		err := forEachPart(m.content, func() string { return msgPath(i, ".content") }, func(j int, p contentPart) error {
			where := func() string { return partPath(i, "content", j, "") }
			if p.kind != textPart && p.kind != imagePart {
				return requestErr(where(), "a tool result can only hold text and images")
			}
			return anthropicPart(&inner, "user", p, where)
		})
		if err != nil {
			return err
		}
		w.close(']')
	case m.content.Exists() && m.content.Type != gjson.Null:
		return requestErr(msgPath(i, ".content"), "want a string or an array of parts")
	}
	w.close('}')
	return nil
}
