package fakellm

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// anthropicRequest is the part of a Messages API request the fake reads.
type anthropicRequest struct {
	Model     string             `json:"model"`
	Messages  []anthropicMessage `json:"messages"`
	System    json.RawMessage    `json:"system"` // string or array of text blocks
	MaxTokens *int               `json:"max_tokens"`
	Stream    bool               `json:"stream"`

	Tools         []anthropicTool      `json:"tools"`
	ToolChoice    *anthropicToolChoice `json:"tool_choice"`
	StopSequences []string             `json:"stop_sequences"`
}

type anthropicMessage struct {
	Role    string          `json:"role"`
	Content json.RawMessage `json:"content"` // string or array of blocks
}

type anthropicResponse struct {
	ID           string          `json:"id"`
	Type         string          `json:"type"`
	Role         string          `json:"role"`
	Model        string          `json:"model"`
	Content      []any           `json:"content"` // anthropicBlock or anthropicToolUse
	StopReason   *string         `json:"stop_reason"`
	StopSequence *string         `json:"stop_sequence"` // null unless a stop sequence ended the answer
	Usage        *anthropicUsage `json:"usage,omitempty"`
}

// anthropicBlock is a text block, or a text_delta.
type anthropicBlock struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

type anthropicToolUse struct {
	Type  string          `json:"type"` // tool_use
	ID    string          `json:"id"`
	Name  string          `json:"name"`
	Input json.RawMessage `json:"input"`
}

// anthropicJSONDelta is an input_json_delta: one fragment of a tool_use's input.
type anthropicJSONDelta struct {
	Type        string `json:"type"`
	PartialJSON string `json:"partial_json"`
}

type anthropicUsage struct {
	InputTokens              int `json:"input_tokens"`
	CacheCreationInputTokens int `json:"cache_creation_input_tokens"`
	CacheReadInputTokens     int `json:"cache_read_input_tokens"`
	OutputTokens             int `json:"output_tokens"`
}

// The stream events that carry data.
type (
	anthropicMessageStart struct {
		Type    string            `json:"type"`
		Message anthropicResponse `json:"message"`
	}
	anthropicBlockStart struct {
		Type         string `json:"type"`
		Index        int    `json:"index"`
		ContentBlock any    `json:"content_block"`
	}
	anthropicBlockDelta struct {
		Type  string `json:"type"`
		Index int    `json:"index"`
		Delta any    `json:"delta"` // anthropicBlock (text_delta) or anthropicJSONDelta
	}
	anthropicMessageDelta struct {
		Type  string `json:"type"`
		Delta struct {
			StopReason   string  `json:"stop_reason"`
			StopSequence *string `json:"stop_sequence"`
		} `json:"delta"`
		Usage *anthropicOutputUsage `json:"usage,omitempty"`
	}
	anthropicOutputUsage struct {
		OutputTokens int `json:"output_tokens"`
	}
)

// serveAnthropicMessages answers POST /v1/messages.
func serveAnthropicMessages(c *call) {
	if c.r.Header.Get("anthropic-version") == "" {
		c.fail(apiError{status: http.StatusBadRequest, message: "anthropic-version: header is required"})
		return
	}
	var req anthropicRequest
	if !c.decodeBody(&req) {
		return
	}
	switch {
	case req.Model == "":
		c.fail(apiError{status: 400, message: "model: Field required"})
		return
	case req.MaxTokens == nil:
		c.fail(apiError{status: 400, message: "max_tokens: Field required"})
		return
	case *req.MaxTokens < 1:
		c.fail(apiError{status: 400, message: "max_tokens: Input should be greater than or equal to 1"})
		return
	case req.Messages == nil:
		c.fail(apiError{status: 400, message: "messages: Field required"})
		return
	}
	conv, e := anthropicConversation(req.System, req.Messages)
	if e != nil {
		c.fail(*e)
		return
	}
	rules, e := anthropicRules(req)
	if e != nil {
		c.fail(*e)
		return
	}
	a := newAnswer(conv, rules)
	stopReason := "end_turn"
	var stopSequence *string
	switch {
	case a.toolCall != nil:
		stopReason = "tool_use"
	case a.truncated:
		stopReason = "max_tokens"
	case a.stopSequence != "":
		stopReason, stopSequence = "stop_sequence", &a.stopSequence
	}
	var block any = anthropicBlock{Type: "text", Text: a.text}
	if a.toolCall != nil {
		block = anthropicToolUse{Type: "tool_use", ID: a.toolCall.anthropicID(), Name: a.toolCall.name, Input: json.RawMessage(a.toolCall.arguments)}
	}
	id := deterministicID("msg_", c.body)
	if !req.Stream {
		out := anthropicResponse{ID: id, Type: "message", Role: "assistant", Model: req.Model,
			Content: []any{block}, StopReason: &stopReason, StopSequence: stopSequence}
		if !c.fault.NoUsage {
			out.Usage = &anthropicUsage{InputTokens: a.promptTokens, OutputTokens: a.completionTokens()}
		}
		c.sendJSON(out)
		return
	}

	// message_start announces the message with no content yet; its usage reports the
	// input and, as in Anthropic's documented example, 1 output token so far.
	start := anthropicResponse{ID: id, Type: "message", Role: "assistant", Model: req.Model, Content: []any{}}
	end := anthropicMessageDelta{Type: "message_delta"}
	end.Delta.StopReason, end.Delta.StopSequence = stopReason, stopSequence
	if !c.fault.NoUsage {
		start.Usage = &anthropicUsage{InputTokens: a.promptTokens, OutputTokens: 1}
		end.Usage = &anthropicOutputUsage{OutputTokens: a.completionTokens()}
	}
	events := []event{
		{name: "message_start", data: mustJSON(anthropicMessageStart{Type: "message_start", Message: start})},
		{name: "content_block_start", data: mustJSON(anthropicBlockStart{Type: "content_block_start", ContentBlock: emptyBlock(block)})},
		{name: "ping", data: []byte(`{"type": "ping"}`)},
	}
	for _, tok := range a.tokens {
		var delta any = anthropicBlock{Type: "text_delta", Text: tok}
		if a.toolCall != nil {
			delta = anthropicJSONDelta{Type: "input_json_delta", PartialJSON: tok}
		}
		events = append(events, event{name: "content_block_delta", token: true,
			data: mustJSON(anthropicBlockDelta{Type: "content_block_delta", Delta: delta})})
	}
	events = append(events,
		event{name: "content_block_stop", data: []byte(`{"type":"content_block_stop","index":0}`)},
		event{name: "message_delta", data: mustJSON(end)},
		event{name: "message_stop", data: []byte(`{"type":"message_stop"}`)},
	)
	c.sendStream(sseFraming{}, events)
}

// anthropicText is the text of a system prompt or message content (see contentText).
func anthropicText(raw json.RawMessage) (string, error) {
	text, ok := contentText(raw)
	if !ok {
		return "", fmt.Errorf("Input should be a valid string or a list of content blocks")
	}
	return text, nil
}

// emptyBlock is how content_block_start announces a block: a text block with no text
// yet, a tool_use with its id and name and an empty input (the deltas bring the rest).
func emptyBlock(block any) any {
	switch b := block.(type) {
	case anthropicToolUse:
		b.Input = json.RawMessage("{}")
		return b
	case anthropicBlock:
		b.Text = ""
		return b
	}
	return block
}
