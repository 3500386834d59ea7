package llm

import "github.com/tidwall/gjson"

// OpenAIRequestFromAnthropic translates a Messages request from an Anthropic client into an
// OpenAI chat completion request. The system prompt becomes the first message; a user turn's
// tool_result blocks become tool messages, placed before the rest of the turn as OpenAI
// wants them right after the assistant's tool calls. A streamed request asks for
// stream_options.include_usage, so that the stream can report usage back to the client as
// Anthropic does.
//
// Dropped: top_k, thinking, service_tier, cache_control, is_error of tool results; thinking
// blocks of earlier assistant turns. Errors are *RequestError.
func OpenAIRequestFromAnthropic(anthropic []byte) ([]byte, error) {
	if !validJSONBytes(anthropic) {
		return nil, requestErr("", "the request body is not valid JSON")
	}
	doc := gjson.ParseBytes(anthropic)
	if !doc.IsObject() {
		return nil, requestErr("", "the request body must be a JSON object")
	}
	var model, maxTokens, system, messages, temperature, topP, stop, stream, tools, toolChoice, metadata gjson.Result
	doc.ForEach(func(key, v gjson.Result) bool {
		if v.Type == gjson.Null {
			return true
		}
		switch key.Str {
		case "model":
			model = v
		case "max_tokens":
			maxTokens = v
		case "system":
			system = v
		case "messages":
			messages = v
		case "temperature":
			temperature = v
		case "top_p":
			topP = v
		case "stop_sequences":
			stop = v
		case "stream":
			stream = v
		case "tools":
			tools = v
		case "tool_choice":
			toolChoice = v
		case "metadata":
			metadata = v
		}
		return true
	})
	if model.Exists() && model.Type != gjson.String {
		return nil, requestErr("model", "want a string")
	}
	if !messages.IsArray() {
		return nil, requestErr("messages", "want an array of messages")
	}
	w := jsonWriter{b: make([]byte, 0, len(anthropic)+len(anthropic)/4+64)}
	w.open('{')
	if model.Exists() {
		w.keyRaw("model", model.Raw)
	}
	w.keyOpen("messages", '[')
	if err := openAISystem(&w, system); err != nil {
		return nil, err
	}
	var err error
	i := 0
	messages.ForEach(func(_, m gjson.Result) bool {
		err = openAIMessageFromAnthropic(&w, i, m)
		i++
		return err == nil
	})
	if err != nil {
		return nil, err
	}
	w.close(']')
	if maxTokens.Exists() {
		n, ok := positiveInt(maxTokens)
		if !ok {
			return nil, requestErr("max_tokens", "want a positive integer")
		}
		w.keyInt("max_tokens", n)
	}
	for _, p := range [...]struct {
		name string
		v    gjson.Result
	}{{"temperature", temperature}, {"top_p", topP}} {
		raw, ok, err := number(p.name, p.v)
		if err != nil {
			return nil, err
		}
		if ok {
			w.keyRaw(p.name, raw)
		}
	}
	if stop.Exists() {
		if !stop.IsArray() {
			return nil, requestErr("stop_sequences", "want an array of strings")
		}
		if err := writeStop(&w, "stop", stop); err != nil {
			return nil, requestErr("stop_sequences", "want an array of strings")
		}
	}
	switch stream.Type {
	case gjson.True:
		w.keyRaw("stream", "true")
		w.keyRaw("stream_options", `{"include_usage":true}`)
	case gjson.False:
	default:
		if stream.Exists() {
			return nil, requestErr("stream", "want true or false")
		}
	}
	if err := openAIToolsFromAnthropic(&w, tools, toolChoice); err != nil {
		return nil, err
	}
	if user := metadata.Get("user_id"); user.Type == gjson.String {
		w.keyRaw("user", user.Raw)
	}
	w.close('}')
	return w.b, nil
}
