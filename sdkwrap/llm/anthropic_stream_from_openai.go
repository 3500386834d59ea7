package llm

import (
	"strconv"

	"github.com/aiwasm/aiwasm/sdkwrap/sse"
	"github.com/tidwall/gjson"
)

// AnthropicStreamFromOpenAI translates an OpenAI chat completion stream into Anthropic
// Messages events, for an Anthropic client whose request went to an OpenAI-compatible
// provider:
//
//	first chunk            message_start (usage not known yet: zeros)
//	content delta          content_block_start of a text block when none is open, then a
//	                       text_delta
//	tool_calls delta       with an id: the open block's content_block_stop and a new tool_use
//	                       block; arguments: input_json_delta
//	finish_reason          content_block_stop of the open block; the reason is kept
//	usage chunk            kept
//	[DONE]                 message_delta (stop_reason and usage, input tokens included) and
//	                       message_stop
//	{"error": ...}         an Anthropic error event, which ends the stream
//
// Only the first choice is translated. model names the model in message_start; "" uses the
// upstream's.
func AnthropicStreamFromOpenAI(model string) StreamTranslator {
	return &openAIToAnthropic{model: model}
}

type openAIToAnthropic struct {
	model   string
	started bool
	ended   bool
	// next is the index of the next content block; open that of the open block, -1 if none.
	next, open int
	openIsText bool
	// toolBlocks maps an OpenAI tool call index to its Anthropic block index.
	toolBlocks []int
	finish     string
	usage      tokenUsage
}

func (s *openAIToAnthropic) Event(dst []byte, ev sse.Event) ([]byte, error) {
	if !ev.HasData || s.ended {
		return dst, nil
	}
	data := ev.Data
	if data == "[DONE]" {
		return s.End(dst), nil
	}
	if !validJSON(data) {
		return dst, upstreamErr("", "event data is not valid JSON")
	}
	var id, model, choices, usage, apiErr gjson.Result
	gjson.Parse(data).ForEach(func(key, v gjson.Result) bool {
		switch key.Str {
		case "id":
			id = v
		case "model":
			model = v
		case "choices":
			choices = v
		case "usage":
			usage = v
		case "error":
			apiErr = v
		}
		return true
	})
	if apiErr.Exists() {
		s.ended = true
		return anthropicErrorEvent(dst, apiErr), nil
	}
	dst = s.start(dst, id, model)
	if usage.IsObject() {
		s.usage = openAITokenUsage(usage)
	}
	var choice gjson.Result
	choices.ForEach(func(_, c gjson.Result) bool {
		if c.Get("index").Int() == 0 {
			choice = c
			return false
		}
		return true
	})
	if !choice.Exists() {
		return dst, nil
	}
	var delta, finish gjson.Result
	choice.ForEach(func(key, v gjson.Result) bool {
		switch key.Str {
		case "delta":
			delta = v
		case "finish_reason":
			finish = v
		}
		return true
	})
	var content, refusal, toolCalls gjson.Result
	delta.ForEach(func(key, v gjson.Result) bool {
		switch key.Str {
		case "content":
			content = v
		case "refusal":
			refusal = v
		case "tool_calls":
			toolCalls = v
		}
		return true
	})
	for _, text := range [...]gjson.Result{content, refusal} {
		if text.Type == gjson.String && text.Str != "" {
			dst = s.text(dst, text.Raw)
		}
	}
	toolCalls.ForEach(func(_, c gjson.Result) bool {
		dst = s.toolCall(dst, c)
		return true
	})
	if finish.Type == gjson.String && finish.Str != "" {
		s.finish = finish.Str
		dst = s.closeBlock(dst)
	}
	return dst, nil
}

// start sends message_start once.
func (s *openAIToAnthropic) start(dst []byte, id, model gjson.Result) []byte {
	if s.started {
		return dst
	}
	s.started, s.open = true, -1
	dst = append(dst, "event: message_start\ndata: "...)
	w := jsonWriter{b: dst}
	w.open('{')
	w.keyStr("type", "message_start")
	w.keyOpen("message", '{')
	writeStringOr(&w, "id", id, "msg_openai")
	w.keyStr("type", "message")
	w.keyStr("role", "assistant")
	w.keyRaw("model", modelJSON(s.model, model))
	w.keyRaw("content", "[]")
	w.keyRaw("stop_reason", "null")
	w.keyRaw("stop_sequence", "null")
	w.keyRaw("usage", `{"input_tokens":0,"output_tokens":0}`)
	w.close('}')
	w.close('}')
	return append(w.b, "\n\n"...)
}

// text writes a text delta (a JSON string), opening a text block if none is open.
func (s *openAIToAnthropic) text(dst []byte, text string) []byte {
	if s.open < 0 || !s.openIsText {
		dst = s.closeBlock(dst)
		s.open, s.openIsText = s.next, true
		s.next++
		dst = blockEvent(dst, "content_block_start", s.open)
		dst = append(dst, `,"content_block":{"type":"text","text":""}}`+"\n\n"...)
	}
	dst = blockEvent(dst, "content_block_delta", s.open)
	dst = append(dst, `,"delta":{"type":"text_delta","text":`...)
	dst = append(dst, text...)
	return append(dst, "}}\n\n"...)
}

// toolCall translates one entry of a tool_calls delta.
func (s *openAIToAnthropic) toolCall(dst []byte, c gjson.Result) []byte {
	k, ok := tokens(c.Get("index"))
	if !ok || k >= maxBlocks {
		return dst
	}
	id, name, args := c.Get("id"), c.Get("function.name"), c.Get("function.arguments")
	for int(k) >= len(s.toolBlocks) {
		s.toolBlocks = append(s.toolBlocks, -1)
	}
	block := s.toolBlocks[k]
	if block < 0 {
		// A new call: its first delta carries the id and name.
		dst = s.closeBlock(dst)
		block = s.next
		s.next++
		s.toolBlocks[k], s.open, s.openIsText = block, block, false
		dst = blockEvent(dst, "content_block_start", block)
		dst = append(dst, `,"content_block":{"type":"tool_use","id":`...)
		dst = appendJSONString(dst, id.Str)
		dst = append(dst, `,"name":`...)
		dst = appendJSONString(dst, name.Str)
		dst = append(dst, `,"input":{}}}`+"\n\n"...)
	}
	if args.Type == gjson.String && args.Str != "" {
		// OpenAI streams one call after another; a fragment for an earlier call still goes
		// to that call's block.
		dst = blockEvent(dst, "content_block_delta", block)
		dst = append(dst, `,"delta":{"type":"input_json_delta","partial_json":`...)
		dst = append(dst, args.Raw...)
		dst = append(dst, "}}\n\n"...)
	}
	return dst
}

// closeBlock sends content_block_stop for the open block, if any.
func (s *openAIToAnthropic) closeBlock(dst []byte) []byte {
	if s.open < 0 {
		return dst
	}
	dst = blockEvent(dst, "content_block_stop", s.open)
	s.open = -1
	return append(dst, "}\n\n"...)
}

// blockEvent begins a content block event: its event line and its data up to the index.
func blockEvent(dst []byte, typ string, index int) []byte {
	dst = append(dst, "event: "...)
	dst = append(dst, typ...)
	dst = append(dst, "\ndata: {\"type\":\""...)
	dst = append(dst, typ...)
	dst = append(dst, `","index":`...)
	return strconv.AppendInt(dst, int64(index), 10)
}

// End closes the Anthropic stream: the open block, message_delta with the stop reason (null
// if the upstream never gave one: the stream was cut) and the usage, and message_stop. A
// stream that never started gets an empty message first, so the client always sees a whole
// one.
func (s *openAIToAnthropic) End(dst []byte) []byte {
	if s.ended {
		return dst
	}
	dst = s.start(dst, gjson.Result{}, gjson.Result{})
	s.ended = true
	dst = s.closeBlock(dst)
	dst = append(dst, "event: message_delta\ndata: "...)
	w := jsonWriter{b: dst}
	w.open('{')
	w.keyStr("type", "message_delta")
	w.keyOpen("delta", '{')
	if s.finish != "" {
		w.keyStr("stop_reason", stopReasonFromOpenAI(s.finish))
	} else {
		w.keyRaw("stop_reason", "null")
	}
	w.keyRaw("stop_sequence", "null")
	w.close('}')
	w.key("usage")
	writeAnthropicUsage(&w, s.usage)
	w.close('}')
	dst = append(w.b, "\n\n"...)
	return append(dst, "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"...)
}

// anthropicErrorEvent writes an OpenAI stream's error object as an Anthropic error event.
func anthropicErrorEvent(dst []byte, apiErr gjson.Result) []byte {
	message := apiErr.Get("message").Str
	if apiErr.Type == gjson.String {
		message = apiErr.Str
	}
	if message == "" {
		message = "the upstream stream failed"
	}
	status := 500
	if t := apiErr.Get("type").Str; t == "invalid_request_error" {
		status = 400
	} else if t == "rate_limit_error" || apiErr.Get("code").Str == "rate_limit_exceeded" {
		status = 429
	}
	dst = append(dst, "event: error\ndata: "...)
	dst = append(dst, AnthropicError(status, message)...)
	return append(dst, "\n\n"...)
}
