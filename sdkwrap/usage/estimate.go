package usage

import (
	"strings"

	"github.com/tidwall/gjson"
)

// Estimates, for answers that carry no usage and for reservations made before the answer.
//
// The method: the UTF-8 bytes of the text (message contents, tool-call arguments, reasoning)
// divided by 4, rounded up, and at least 1. Four bytes per token is the usual rule of thumb
// for English with OpenAI's and Anthropic's tokenizers; it overcounts code and languages with
// multi-byte letters, which is the safe side for a budget. JSON syntax, roles and ids are not
// text and are not counted.

// EstimateTokens is the estimate for textBytes bytes of text: ceil(textBytes / 4), at least 1.
func EstimateTokens(textBytes int64) int64 {
	if textBytes <= 0 {
		return 1
	}
	return (textBytes + 3) / 4
}

// FormatOfPath is the wire format a client speaks on path: Anthropic on /v1/messages, Gemini
// on :generateContent and :streamGenerateContent, OpenAI on everything else (chat and text
// completions, and every OpenAI-compatible API).
func FormatOfPath(path string) Format {
	path, _, _ = strings.Cut(path, "?")
	switch {
	case strings.HasSuffix(path, "/messages"):
		return Anthropic
	case strings.HasSuffix(path, ":generateContent"), strings.HasSuffix(path, ":streamGenerateContent"):
		return Gemini
	}
	return OpenAI
}

// promptPaths are where a request's text is, per format.
var promptPaths = [...][]string{
	OpenAI:    {"messages", "prompt", "input", "tools"},
	Anthropic: {"system", "messages", "tools"},
	Gemini:    {"systemInstruction", "contents", "tools"},
}

// PromptBytes is the bytes of text in a request body of format f: every string in its
// messages (prompt, input; system prompts; tool declarations), keys and syntax left out.
func PromptBytes(f Format, body []byte) int64 {
	if f < OpenAI || f > Gemini {
		return 0
	}
	var n int64
	for _, p := range promptPaths[f] {
		n += stringBytes(gjson.GetBytes(body, p), 0)
	}
	return n
}

// completionPaths are where an answer's generated text is, per format: whole bodies, then
// stream events.
var (
	completionPaths = [...][]string{
		OpenAI:    {"choices.#.message.content", "choices.#.message.reasoning_content", "choices.#.message.tool_calls.#.function.arguments", "choices.#.text"},
		Anthropic: {"content.#.text", "content.#.thinking", "content.#.input"},
		Gemini:    {"candidates.#.content.parts"},
	}
	completionEventPaths = [...][]string{
		OpenAI:    {"choices.#.delta.content", "choices.#.delta.reasoning_content", "choices.#.delta.tool_calls.#.function.arguments", "choices.#.text"},
		Anthropic: {"delta.text", "delta.thinking", "delta.partial_json"},
		Gemini:    {"candidates.#.content.parts"},
	}
)

// CompletionBytes is the bytes of generated text in a whole answer body of format f. A
// Gemini body may be the JSON array of a stream.
func CompletionBytes(f Format, body []byte) int64 {
	if f < OpenAI || f > Gemini {
		return 0
	}
	doc := gjson.ParseBytes(body)
	if f == Gemini && doc.IsArray() {
		var n int64
		doc.ForEach(func(_, item gjson.Result) bool {
			n += pathsBytes(item, completionPaths[f])
			return true
		})
		return n
	}
	return pathsBytes(doc, completionPaths[f])
}

// CompletionEventBytes is the bytes of generated text in one stream event's data. It runs
// for every event of a stream: OpenAI chunks, by far the most common, are read in one pass
// over their choices rather than with path queries.
func CompletionEventBytes(f Format, data string) int64 {
	if f < OpenAI || f > Gemini || data == "" || data[0] != '{' {
		return 0
	}
	if f == OpenAI {
		return openAIEventBytes(data)
	}
	return pathsBytes(gjson.Parse(data), completionEventPaths[f])
}

// openAIEventBytes adds up the string values of a chat chunk's content, reasoning_content
// and tool-call arguments, and a text completion chunk's text, in one pass over the chunk's
// strings: every string is skipped whole, so a member name inside a value never matches.
// Escapes count as written (\n is two bytes): close enough for an estimate, and no JSON is
// parsed for the hundreds of chunks of a stream.
func openAIEventBytes(data string) int64 {
	var n int64
	for i := 0; i < len(data); i++ {
		if data[i] != '"' {
			continue
		}
		end := i + 1 + stringEnd(data[i+1:]) // the closing quote
		name := data[i+1 : end]
		i = end
		if end+2 < len(data) && data[end+1] == ':' && data[end+2] == '"' && isTextMember(name) {
			l := stringEnd(data[end+3:])
			n += int64(l)
			i = end + 3 + l
		}
	}
	return n
}

func isTextMember(name string) bool {
	switch name {
	case "content", "reasoning_content", "arguments", "text":
		return true
	}
	return false
}

// stringEnd is the length of the JSON string body at the start of s, up to its closing quote.
func stringEnd(s string) int {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return len(s)
}

func pathsBytes(doc gjson.Result, paths []string) int64 {
	var n int64
	for _, p := range paths {
		n += stringBytes(doc.Get(p), 0)
	}
	return n
}

// notText are members whose strings are labels, not text a model reads as tokens.
var notText = map[string]bool{"role": true, "type": true, "id": true, "tool_call_id": true, "tool_use_id": true,
	"cache_control": true, "mimeType": true, "mime_type": true, "signature": true}

// stringBytes sums the lengths of the strings in v, at any depth (objects' values, not their
// keys, and not the labels notText names); a deeper nesting than any real request has stops
// the walk.
func stringBytes(v gjson.Result, depth int) int64 {
	switch {
	case depth > 32:
		return 0
	case v.Type == gjson.String:
		return int64(len(v.Str))
	case v.IsArray() || v.IsObject():
		var n int64
		v.ForEach(func(k, item gjson.Result) bool {
			if k.Type != gjson.String || !notText[k.Str] {
				n += stringBytes(item, depth+1)
			}
			return true
		})
		return n
	}
	return 0
}
