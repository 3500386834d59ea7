package llm

import (
	"github.com/aiwasm/aiwasm/sdkwrap/sse"
	"github.com/tidwall/gjson"
)

// OpenAIStreamFromAnthropic translates an Anthropic Messages stream into OpenAI
// chat.completion.chunk events:
//
//	message_start                 the first chunk (role assistant); id from the message
//	content_block_start text      nothing (or its text, if any)
//	content_block_start tool_use  a tool_calls delta with index, id, name and empty arguments
//	content_block_delta           text_delta: a content delta; input_json_delta: an arguments fragment
//	message_delta                 a chunk with finish_reason (usage is kept for the end)
//	message_stop                  a usage chunk (choices empty), then data: [DONE]
//	error                         an OpenAI error event, which ends the stream
//	content_block_stop            nothing, or "{}" as the arguments of a tool call that had none
//	ping                          nothing; thinking blocks: nothing
//
// The usage chunk is sent whether or not the client asked for include_usage, since Anthropic
// always reports usage. model names the model in the chunks; "" uses Anthropic's.
func OpenAIStreamFromAnthropic(model string) StreamTranslator {
	return &anthropicToOpenAI{model: model}
}

// maxBlocks bounds the content block indexes the translator keeps track of.
const maxBlocks = 4096

// Block kinds besides a tool call's index.
const (
	blockText  = -1
	blockOther = -2 // thinking and server tool blocks: not translated
)

type anthropicToOpenAI struct {
	model   string
	chunks  openAIChunks
	started bool // the role chunk was sent
	// finished: the finish chunk was sent; ended: the stream's end (or an error) was.
	finished, ended bool
	// blocks maps an Anthropic content block index to a tool call index or a block kind.
	blocks []int
	tools  int
	// argsSent[k]: tool call k got an arguments fragment. One that got none by its
	// content_block_stop gets "{}", since OpenAI clients parse the arguments as JSON.
	argsSent []bool
	usage    anthropicUsage
}

func (s *anthropicToOpenAI) Event(dst []byte, ev sse.Event) ([]byte, error) {
	if !ev.HasData || s.ended {
		return dst, nil
	}
	data := ev.Data
	if !validJSON(data) {
		return dst, upstreamErr(ev.Event, "event data is not valid JSON")
	}
	var typ, index, delta, block, message, usage gjson.Result
	gjson.Parse(data).ForEach(func(key, v gjson.Result) bool {
		switch key.Str {
		case "type":
			typ = v
		case "index":
			index = v
		case "delta":
			delta = v
		case "content_block":
			block = v
		case "message":
			message = v
		case "usage":
			usage = v
		}
		return true
	})
	switch eventType(ev, typ.Str) {
	case "message_start":
		if !s.started {
			s.usage.merge(message.Get("usage"))
			return s.start(dst, message.Get("id"), message.Get("model")), nil
		}
	case "content_block_start":
		return s.blockStart(dst, index, block)
	case "content_block_delta":
		return s.blockDelta(dst, index, delta)
	case "content_block_stop":
		if i, ok := tokens(index); ok && int(i) < len(s.blocks) {
			if k := s.blocks[i]; k >= 0 && !s.argsSent[k] {
				s.argsSent[k] = true
				return s.chunks.toolArgs(dst, 0, k, `"{}"`), nil
			}
		}
	case "message_delta":
		s.usage.merge(usage)
		if reason := delta.Get("stop_reason"); reason.Type == gjson.String && !s.finished {
			dst = s.start(dst, gjson.Result{}, gjson.Result{})
			s.finished = true
			return s.chunks.finish(dst, 0, finishFromAnthropic(reason.Str)), nil
		}
	case "message_stop":
		dst = s.start(dst, gjson.Result{}, gjson.Result{})
		if !s.finished {
			s.finished = true
			dst = s.chunks.finish(dst, 0, finishStop)
		}
		return s.End(dst), nil
	case "error":
		s.ended = true
		status := anthropicTypeStatus(gjson.Get(data, "error.type").Str)
		return openAIErrorEvent(dst, Anthropic, status, data), nil
	}
	return dst, nil
}

// start sends the role chunk once; id and model (JSON strings) come from message_start, and
// stand-ins are used if the stream did not begin with one.
func (s *anthropicToOpenAI) start(dst []byte, id, model gjson.Result) []byte {
	if s.started {
		return dst
	}
	s.started = true
	idRaw := `"chatcmpl-anthropic"`
	if id.Type == gjson.String {
		idRaw = id.Raw
	}
	s.chunks.start(idRaw, modelJSON(s.model, model))
	return s.chunks.role(dst, 0)
}

func (s *anthropicToOpenAI) blockStart(dst []byte, index, block gjson.Result) ([]byte, error) {
	i, ok := tokens(index)
	if !ok || i >= maxBlocks {
		return dst, upstreamErr("content_block_start.index", "want a block index")
	}
	for int(i) >= len(s.blocks) {
		s.blocks = append(s.blocks, blockOther)
	}
	dst = s.start(dst, gjson.Result{}, gjson.Result{})
	switch block.Get("type").Str {
	case "text":
		s.blocks[i] = blockText
		if text := block.Get("text"); text.Type == gjson.String && text.Str != "" {
			dst = s.chunks.content(dst, 0, text.Raw)
		}
	case "tool_use":
		id, name := block.Get("id"), block.Get("name")
		if id.Type != gjson.String || name.Type != gjson.String {
			return dst, upstreamErr("content_block_start.content_block", "a tool_use block without id and name")
		}
		s.blocks[i] = s.tools
		dst = s.chunks.toolStart(dst, 0, s.tools, id.Raw, name.Raw, "")
		s.tools++
		s.argsSent = append(s.argsSent, false)
	default:
		s.blocks[i] = blockOther
	}
	return dst, nil
}

func (s *anthropicToOpenAI) blockDelta(dst []byte, index, delta gjson.Result) ([]byte, error) {
	var typ, text, partial gjson.Result
	delta.ForEach(func(key, v gjson.Result) bool {
		switch key.Str {
		case "type":
			typ = v
		case "text":
			text = v
		case "partial_json":
			partial = v
		}
		return true
	})
	switch typ.Str {
	case "text_delta":
		if text.Type != gjson.String {
			return dst, upstreamErr("content_block_delta.delta.text", "want a string")
		}
		if text.Str == "" {
			return dst, nil
		}
		dst = s.start(dst, gjson.Result{}, gjson.Result{})
		return s.chunks.content(dst, 0, text.Raw), nil
	case "input_json_delta":
		i, ok := tokens(index)
		if !ok || int(i) >= len(s.blocks) || s.blocks[i] < 0 {
			return dst, upstreamErr("content_block_delta.index", "input_json_delta for a block that is not a tool call")
		}
		if partial.Type != gjson.String {
			return dst, upstreamErr("content_block_delta.delta.partial_json", "want a string")
		}
		if partial.Str == "" {
			return dst, nil
		}
		s.argsSent[s.blocks[i]] = true
		return s.chunks.toolArgs(dst, 0, s.blocks[i], partial.Raw), nil
	}
	return dst, nil // thinking, signature and citation deltas
}

// End closes the stream: the usage chunk, if Anthropic reported usage, and [DONE]. A stream
// cut before message_delta gets no finish chunk: a null finish_reason is how an OpenAI client
// can tell the answer is incomplete.
func (s *anthropicToOpenAI) End(dst []byte) []byte {
	if s.ended {
		return dst
	}
	s.ended = true
	if s.usage.seen {
		dst = s.start(dst, gjson.Result{}, gjson.Result{})
		dst = s.chunks.usage(dst, s.usage.openAI())
	}
	return done(dst)
}

// anthropicTypeStatus is the HTTP status Anthropic documents for an error type, for errors
// that arrive inside a stream.
func anthropicTypeStatus(t string) int {
	switch t {
	case "invalid_request_error":
		return 400
	case "authentication_error":
		return 401
	case "permission_error":
		return 403
	case "not_found_error":
		return 404
	case "request_too_large":
		return 413
	case "rate_limit_error":
		return 429
	case "overloaded_error":
		return 529
	}
	return 500
}
