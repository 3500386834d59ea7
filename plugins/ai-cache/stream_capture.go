package main

import (
	"encoding/json"
	"sort"

	"github.com/aiwasm/aiwasm/sdkwrap/jsonguard"
	"github.com/aiwasm/aiwasm/sdkwrap/sse"
	"github.com/tidwall/gjson"
)

// streamCapture accumulates a streamed chat completion as its events pass, into the
// chat.completion it amounts to. It keeps the text, never the events.
type streamCapture struct {
	id, model, fingerprint string
	created                int64
	choices                map[int64]*capturedChoice
	usage                  json.RawMessage
	done                   bool   // data: [DONE] seen
	failed                 string // why the stream cannot be stored
	size                   int
}

type capturedChoice struct {
	content, refusal []byte
	hasRefusal       bool
	calls            []capturedCall
	finish           string
}

type capturedCall struct {
	id, name string
	args     []byte
}

func newStreamCapture() *streamCapture {
	return &streamCapture{choices: map[int64]*capturedChoice{}}
}

// add takes one event; limit bounds the text kept.
func (c *streamCapture) add(ev sse.Event, limit int) {
	if c.failed != "" || !ev.HasData {
		return
	}
	if ev.Data == "[DONE]" {
		c.done = true
		return
	}
	if c.done {
		c.failed = "data after [DONE]"
		return
	}
	if !jsonguard.Valid(ev.Data) {
		c.failed = "an event that is not JSON"
		return
	}
	chunk := gjson.Parse(ev.Data)
	if chunk.Get("error").Exists() {
		c.failed = "an error event"
		return
	}
	if c.id == "" {
		c.id, c.model, c.created = chunk.Get("id").Str, chunk.Get("model").Str, chunk.Get("created").Int()
		c.fingerprint = chunk.Get("system_fingerprint").Str
	}
	if u := chunk.Get("usage"); u.IsObject() {
		c.usage = json.RawMessage(u.Raw)
	}
	c.size += len(ev.Data)
	if c.size > limit {
		c.failed = "too large"
		return
	}
	chunk.Get("choices").ForEach(func(_, ch gjson.Result) bool {
		i := ch.Get("index").Int()
		cc := c.choices[i]
		if cc == nil {
			cc = &capturedChoice{}
			c.choices[i] = cc
		}
		d := ch.Get("delta")
		cc.content = append(cc.content, d.Get("content").Str...)
		if r := d.Get("refusal"); r.Type == gjson.String {
			cc.refusal, cc.hasRefusal = append(cc.refusal, r.Str...), true
		}
		d.Get("tool_calls").ForEach(func(_, t gjson.Result) bool {
			k := int(t.Get("index").Int())
			if k < 0 || k > 128 {
				c.failed = "a tool call index out of range"
				return false
			}
			for len(cc.calls) <= k {
				cc.calls = append(cc.calls, capturedCall{})
			}
			call := &cc.calls[k]
			if id := t.Get("id").Str; id != "" {
				call.id = id
			}
			if name := t.Get("function.name").Str; name != "" {
				call.name = name
			}
			call.args = append(call.args, t.Get("function.arguments").Str...)
			return true
		})
		if f := ch.Get("finish_reason"); f.Type == gjson.String {
			cc.finish = f.Str
		}
		return true
	})
}

// answer is the chat.completion the stream amounts to, or why there is none: a stream
// without [DONE] (cut, or an error) is never an answer.
func (c *streamCapture) answer() ([]byte, string) {
	switch {
	case c.failed != "":
		return nil, c.failed
	case !c.done:
		return nil, "no [DONE]"
	case len(c.choices) == 0:
		return nil, "no choices"
	}
	type call struct {
		ID       string `json:"id"`
		Type     string `json:"type"`
		Function struct {
			Name      string `json:"name"`
			Arguments string `json:"arguments"`
		} `json:"function"`
	}
	type message struct {
		Role      string  `json:"role"`
		Content   *string `json:"content"`
		Refusal   *string `json:"refusal,omitempty"`
		ToolCalls []call  `json:"tool_calls,omitempty"`
	}
	type choice struct {
		Index        int64   `json:"index"`
		Message      message `json:"message"`
		Logprobs     any     `json:"logprobs"`
		FinishReason *string `json:"finish_reason"`
	}
	out := struct {
		ID                string          `json:"id"`
		Object            string          `json:"object"`
		Created           int64           `json:"created"`
		Model             string          `json:"model"`
		Choices           []choice        `json:"choices"`
		Usage             json.RawMessage `json:"usage,omitempty"`
		SystemFingerprint string          `json:"system_fingerprint,omitempty"`
	}{ID: c.id, Object: "chat.completion", Created: c.created, Model: c.model, Usage: c.usage, SystemFingerprint: c.fingerprint}
	indexes := make([]int64, 0, len(c.choices))
	for i := range c.choices {
		indexes = append(indexes, i)
	}
	sort.Slice(indexes, func(a, b int) bool { return indexes[a] < indexes[b] })
	for _, i := range indexes {
		cc := c.choices[i]
		ch := choice{Index: i, Message: message{Role: "assistant"}}
		if cc.finish != "" {
			f := cc.finish
			ch.FinishReason = &f
		}
		if len(cc.content) > 0 || len(cc.calls) == 0 {
			s := string(cc.content)
			ch.Message.Content = &s
		}
		if cc.hasRefusal {
			s := string(cc.refusal)
			ch.Message.Refusal = &s
		}
		for _, k := range cc.calls {
			var tc call
			tc.ID, tc.Type, tc.Function.Name, tc.Function.Arguments = k.id, "function", k.name, string(k.args)
			ch.Message.ToolCalls = append(ch.Message.ToolCalls, tc)
		}
		out.Choices = append(out.Choices, ch)
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, "unencodable"
	}
	return b, ""
}
