package llm

import "strconv"

// openAIChunks writes chat.completion.chunk events. Every chunk of a stream shares its id,
// created and model, so their encoding is kept once, in head.
type openAIChunks struct {
	head []byte // `data: {"id":...,"object":"chat.completion.chunk","created":...,"model":...,"choices":[`
}

// start fixes the chunks' id and model, given as JSON strings.
func (c *openAIChunks) start(id, model string) {
	b := append(c.head[:0], `data: {"id":`...)
	b = append(b, id...)
	b = append(b, `,"object":"chat.completion.chunk","created":`...)
	b = strconv.AppendInt(b, now(), 10)
	b = append(b, `,"model":`...)
	b = append(b, model...)
	c.head = append(b, `,"choices":[`...)
}

// openChoice begins a chunk with one choice and opens its delta; the caller writes the
// delta's fields.
func (c *openAIChunks) openChoice(dst []byte, index int) []byte {
	dst = append(dst, c.head...)
	dst = append(dst, `{"index":`...)
	dst = strconv.AppendInt(dst, int64(index), 10)
	return append(dst, `,"delta":{`...)
}

// closeChoice ends what openChoice began, with a finish reason or null.
func closeChoice(dst []byte, finish string) []byte {
	dst = append(dst, `},"logprobs":null,"finish_reason":`...)
	if finish == "" {
		dst = append(dst, "null"...)
	} else {
		dst = appendJSONString(dst, finish)
	}
	return append(dst, "}]}\n\n"...)
}

// role writes the first chunk of a choice.
func (c *openAIChunks) role(dst []byte, index int) []byte {
	dst = c.openChoice(dst, index)
	dst = append(dst, `"role":"assistant","content":""`...)
	return closeChoice(dst, "")
}

// content writes a text delta; text is a JSON string.
func (c *openAIChunks) content(dst []byte, index int, text string) []byte {
	dst = c.openChoice(dst, index)
	dst = append(dst, `"content":`...)
	dst = append(dst, text...)
	return closeChoice(dst, "")
}

// toolStart announces tool call k of a choice: its id and name (JSON strings) and, when the
// upstream gives them whole, its arguments (a JSON string; "" for none yet).
func (c *openAIChunks) toolStart(dst []byte, index, k int, id, name, args string) []byte {
	dst = c.openChoice(dst, index)
	dst = append(dst, `"tool_calls":[{"index":`...)
	dst = strconv.AppendInt(dst, int64(k), 10)
	dst = append(dst, `,"id":`...)
	dst = append(dst, id...)
	dst = append(dst, `,"type":"function","function":{"name":`...)
	dst = append(dst, name...)
	dst = append(dst, `,"arguments":`...)
	if args == "" {
		args = `""`
	}
	dst = append(dst, args...)
	dst = append(dst, "}}]"...)
	return closeChoice(dst, "")
}

// toolArgs writes a fragment (a JSON string) of tool call k's arguments.
func (c *openAIChunks) toolArgs(dst []byte, index, k int, fragment string) []byte {
	dst = c.openChoice(dst, index)
	dst = append(dst, `"tool_calls":[{"index":`...)
	dst = strconv.AppendInt(dst, int64(k), 10)
	dst = append(dst, `,"function":{"arguments":`...)
	dst = append(dst, fragment...)
	dst = append(dst, "}}]"...)
	return closeChoice(dst, "")
}

// finish writes a choice's last chunk: an empty delta and the finish reason.
func (c *openAIChunks) finish(dst []byte, index int, reason string) []byte {
	return closeChoice(c.openChoice(dst, index), reason)
}

// usage writes the usage chunk, with no choices, as OpenAI sends it with include_usage.
func (c *openAIChunks) usage(dst []byte, t tokenUsage) []byte {
	dst = append(dst, c.head...)
	dst = append(dst, `],"usage":`...)
	w := jsonWriter{b: dst}
	writeOpenAIUsage(&w, t)
	return append(w.b, "}\n\n"...)
}

// done writes the end of an OpenAI stream.
func done(dst []byte) []byte { return append(dst, "data: [DONE]\n\n"...) }

// openAIErrorEvent writes an error in the middle of an OpenAI stream, as OpenAI sends it: a
// data line holding an error object.
func openAIErrorEvent(dst []byte, from Protocol, status int, data string) []byte {
	dst = append(dst, "data: "...)
	dst = append(dst, OpenAIError(from, status, []byte(data))...)
	return append(dst, "\n\n"...)
}
