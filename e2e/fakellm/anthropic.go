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
}

type anthropicMessage struct {
	Role    string          `json:"role"`
	Content json.RawMessage `json:"content"` // string or array of blocks
}

type anthropicResponse struct {
	ID           string           `json:"id"`
	Type         string           `json:"type"`
	Role         string           `json:"role"`
	Model        string           `json:"model"`
	Content      []anthropicBlock `json:"content"`
	StopReason   *string          `json:"stop_reason"`
	StopSequence *string          `json:"stop_sequence"` // always null
	Usage        *anthropicUsage  `json:"usage,omitempty"`
}

type anthropicBlock struct {
	Type string `json:"type"`
	Text string `json:"text"`
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
	anthropicBlockDelta struct {
		Type  string         `json:"type"`
		Index int            `json:"index"`
		Delta anthropicBlock `json:"delta"`
	}
	anthropicMessageDelta struct {
		Type  string `json:"type"`
		Delta struct {
			StopReason   string  `json:"stop_reason"`
			StopSequence *string `json:"stop_sequence"` // always null
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
	var conv conversation
	system, err := anthropicText(req.System)
	if err != nil {
		c.fail(apiError{status: 400, message: "system: " + err.Error()})
		return
	}
	conv.texts = append(conv.texts, system)
	for i, m := range req.Messages {
		text, err := anthropicText(m.Content)
		if err != nil {
			c.fail(apiError{status: 400, message: fmt.Sprintf("messages.%d.content: %v", i, err)})
			return
		}
		conv.texts = append(conv.texts, text)
		if m.Role == "user" {
			conv.lastUser = text
		}
	}
	a := newAnswer(conv, *req.MaxTokens)
	stopReason := "end_turn"
	if a.truncated {
		stopReason = "max_tokens"
	}
	id := deterministicID("msg_", c.body)
	if !req.Stream {
		out := anthropicResponse{ID: id, Type: "message", Role: "assistant", Model: req.Model,
			Content: []anthropicBlock{{Type: "text", Text: a.text}}, StopReason: &stopReason}
		if !c.fault.NoUsage {
			out.Usage = &anthropicUsage{InputTokens: a.promptTokens, OutputTokens: a.completionTokens()}
		}
		c.sendJSON(out)
		return
	}

	// message_start announces the message with no content yet; its usage reports the
	// input and, as in Anthropic's documented example, 1 output token so far.
	start := anthropicResponse{ID: id, Type: "message", Role: "assistant", Model: req.Model, Content: []anthropicBlock{}}
	end := anthropicMessageDelta{Type: "message_delta"}
	end.Delta.StopReason = stopReason
	if !c.fault.NoUsage {
		start.Usage = &anthropicUsage{InputTokens: a.promptTokens, OutputTokens: 1}
		end.Usage = &anthropicOutputUsage{OutputTokens: a.completionTokens()}
	}
	events := []event{
		{name: "message_start", data: mustJSON(anthropicMessageStart{Type: "message_start", Message: start})},
		{name: "content_block_start", data: []byte(`{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}`)},
		{name: "ping", data: []byte(`{"type": "ping"}`)},
	}
	for _, tok := range a.tokens {
		delta := anthropicBlockDelta{Type: "content_block_delta", Delta: anthropicBlock{Type: "text_delta", Text: tok}}
		events = append(events, event{name: "content_block_delta", token: true, data: mustJSON(delta)})
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
