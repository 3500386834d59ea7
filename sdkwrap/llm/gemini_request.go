package llm

import (
	"strings"

	"github.com/tidwall/gjson"
)

// GeminiRequest translates an OpenAI chat completion request into a Gemini generateContent
// request body. The model and streaming are not part of Gemini's body but of its URL
// (models/{model}:generateContent, or :streamGenerateContent?alt=sse when stream is true), so
// they are returned for the caller to build it; a "models/" prefix is removed from model.
//
// System and developer messages become systemInstruction; tool results become
// functionResponse parts, named after the call they answer (Gemini matches results to calls
// by name). Tool and response schemas are rewritten into the OpenAPI subset Gemini accepts
// (see geminiSchema).
//
// Errors are *RequestError.
func GeminiRequest(openai []byte) (body []byte, model string, stream bool, err error) {
	req, err := readOpenAIRequest(openai)
	if err != nil {
		return nil, "", false, err
	}
	if stream, err = req.streaming(); err != nil {
		return nil, "", false, err
	}
	model = strings.TrimPrefix(req.model.Str, "models/")
	w := jsonWriter{b: make([]byte, 0, len(openai)+len(openai)/4+64)}
	w.open('{')
	if err := geminiConversation(&w, req.messages); err != nil {
		return nil, "", false, err
	}
	if err := geminiTools(&w, &req); err != nil {
		return nil, "", false, err
	}
	if err := geminiGenerationConfig(&w, &req); err != nil {
		return nil, "", false, err
	}
	w.close('}')
	return w.b, model, stream, nil
}

// geminiConversation writes messages as contents, then the system instruction.
func geminiConversation(w *jsonWriter, messages gjson.Result) error {
	c := &geminiContents{t: turnWriter{w: w, field: "parts"}}
	systems, at, err := writeConversation(w, "contents", messages, c)
	if err != nil {
		return err
	}
	return geminiSystem(w, systems, at)
}

// geminiSystem writes systemInstruction, one text part per system text.
func geminiSystem(w *jsonWriter, systems []gjson.Result, at []int) error {
	m := w.mark()
	w.keyOpen("systemInstruction", '{')
	w.keyOpen("parts", '[')
	start := w.mark()
	if err := eachSystemText(systems, at, func(text gjson.Result) { geminiText(w, text) }); err != nil {
		return err
	}
	if !w.since(start) {
		w.reset(m)
		return nil
	}
	w.close(']')
	w.close('}')
	return nil
}

// geminiContents writes the turns, remembering the name of every tool call so that a later
// tool result can name the function it answers.
type geminiContents struct {
	t     turnWriter
	calls []namedCall
}

type namedCall struct{ id, name string }

func (c *geminiContents) writer() *turnWriter { return &c.t }

// geminiText writes a text part unless it is empty (Gemini refuses empty parts).
func geminiText(w *jsonWriter, text gjson.Result) {
	if text.Str == "" {
		return
	}
	w.open('{')
	w.keyRaw("text", text.Raw)
	w.close('}')
}

func (c *geminiContents) user(i int, content gjson.Result) error {
	return forEachPart(content, func() string { return msgPath(i, ".content") }, func(j int, p contentPart) error {
		c.part("user", p)
		return nil
	})
}

// part writes one content part into role's turn.
func (c *geminiContents) part(role string, p contentPart) {
	w := c.t.w
	if p.kind == textPart {
		if p.text.Str != "" {
			c.t.block(role)
			geminiText(w, p.text)
		}
		return
	}
	c.t.block(role)
	w.open('{')
	if p.url != "" {
		w.keyOpen("fileData", '{')
		w.keyStr("mimeType", p.mime)
		w.keyStr("fileUri", p.url)
	} else {
		w.keyOpen("inlineData", '{')
		w.keyStr("mimeType", p.mime)
		w.keyStr("data", p.data)
	}
	w.close('}')
	w.close('}')
}

// assistant writes an assistant message as a model turn: text, then functionCall parts.
func (c *geminiContents) assistant(i int, m openAIMessage) error {
	err := forEachPart(m.content, func() string { return msgPath(i, ".content") }, func(j int, p contentPart) error {
		if err := textOnly(p, func() string { return partPath(i, "content", j, "") }, "an assistant message"); err != nil {
			return err
		}
		c.part("model", p)
		return nil
	})
	if err != nil {
		return err
	}
	return forEachToolCall(i, m.toolCalls, func(call toolCall) error {
		c.calls = append(c.calls, namedCall{id: call.id.Str, name: call.name.Str})
		c.t.block("model")
		w := c.t.w
		w.open('{')
		w.keyOpen("functionCall", '{')
		w.keyRaw("name", call.name.Raw)
		w.keyRaw("args", call.args)
		w.close('}')
		if sig := geminiSignature(call.id.Str); sig != "" {
			w.keyStr("thoughtSignature", sig)
		}
		w.close('}')
		return nil
	})
}

// toolResult writes a tool message as a functionResponse part of the user turn. Gemini wants
// the response as an object: a result that is a JSON object is sent as it is, anything else
// as {"output": text}, the key Gemini documents for a function's output.
func (c *geminiContents) toolResult(i int, m openAIMessage) error {
	name := ""
	if m.toolCallID.Type == gjson.String {
		// The latest call with that id: Gemini ids (call_<k>) repeat from one turn to the next.
		for k := len(c.calls) - 1; k >= 0; k-- {
			if c.calls[k].id == m.toolCallID.Str {
				name = c.calls[k].name
				break
			}
		}
	}
	if name == "" && m.name.Type == gjson.String {
		name = m.name.Str
	}
	if name == "" {
		return requestErr(msgPath(i, ".tool_call_id"), "no earlier assistant tool call has this id; Gemini needs the function's name")
	}
	var text string
	switch {
	case m.content.Type == gjson.String:
		text = m.content.Str
	default:
		var b strings.Builder
		err := forEachPart(m.content, func() string { return msgPath(i, ".content") }, func(j int, p contentPart) error {
			if err := textOnly(p, func() string { return partPath(i, "content", j, "") }, "a tool result sent to Gemini"); err != nil {
				return err
			}
			b.WriteString(p.text.Str)
			return nil
		})
		if err != nil {
			return err
		}
		text = b.String()
	}
	c.t.block("user")
	w := c.t.w
	w.open('{')
	w.keyOpen("functionResponse", '{')
	w.keyStr("name", name)
	if validJSON(text) && gjson.Parse(text).IsObject() {
		w.keyRaw("response", text)
	} else {
		w.keyOpen("response", '{')
		w.keyStr("output", text)
		w.close('}')
	}
	w.close('}')
	w.close('}')
	return nil
}
