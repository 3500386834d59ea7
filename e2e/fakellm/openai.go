package fakellm

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// systemFingerprint is what every OpenAI-format answer reports as its backend.
const systemFingerprint = "fp_fakellm"

// modelsCreated is the fixed "created" of every listed model.
const modelsCreated = 1700000000

// openAIChatRequest is the part of a chat completion request the fake reads.
type openAIChatRequest struct {
	Model               string                `json:"model"`
	Messages            []openAIMessage       `json:"messages"`
	Stream              bool                  `json:"stream"`
	StreamOptions       *streamOptions        `json:"stream_options"`
	MaxTokens           *int                  `json:"max_tokens"`
	MaxCompletionTokens *int                  `json:"max_completion_tokens"`
	Tools               []openAITool          `json:"tools"`
	ToolChoice          json.RawMessage       `json:"tool_choice"` // "none"|"auto"|"required" or an object
	ResponseFormat      *openAIResponseFormat `json:"response_format"`
	Stop                json.RawMessage       `json:"stop"` // string or array of strings
}

type openAIMessage struct {
	Role       string             `json:"role"`
	Content    json.RawMessage    `json:"content"` // string, array of parts, or null
	ToolCalls  []openAIToolCallIn `json:"tool_calls"`
	ToolCallID string             `json:"tool_call_id"`
}

type streamOptions struct {
	IncludeUsage bool `json:"include_usage"`
}

type openAIUsage struct {
	PromptTokens            int               `json:"prompt_tokens"`
	CompletionTokens        int               `json:"completion_tokens"`
	TotalTokens             int               `json:"total_tokens"`
	PromptTokensDetails     *promptDetails    `json:"prompt_tokens_details,omitempty"`
	CompletionTokensDetails *completionDetail `json:"completion_tokens_details,omitempty"`
}

type promptDetails struct {
	CachedTokens int `json:"cached_tokens"`
}

type completionDetail struct {
	ReasoningTokens int `json:"reasoning_tokens"`
}

func newOpenAIUsage(prompt, completion int) *openAIUsage {
	return &openAIUsage{PromptTokens: prompt, CompletionTokens: completion, TotalTokens: prompt + completion}
}

type chatCompletion struct {
	ID                string       `json:"id"`
	Object            string       `json:"object"`
	Created           int64        `json:"created"`
	Model             string       `json:"model"`
	SystemFingerprint string       `json:"system_fingerprint"`
	Choices           []chatChoice `json:"choices"`
	Usage             *openAIUsage `json:"usage,omitempty"`
}

type chatChoice struct {
	Index        int         `json:"index"`
	Message      chatMessage `json:"message"`
	Logprobs     *struct{}   `json:"logprobs"` // always null
	FinishReason string      `json:"finish_reason"`
}

type chatMessage struct {
	Role      string         `json:"role"`
	Content   *string        `json:"content"` // null for a tool call
	Refusal   *string        `json:"refusal"` // always null
	ToolCalls []chatToolCall `json:"tool_calls,omitempty"`
}

type chatChunk struct {
	ID                string            `json:"id"`
	Object            string            `json:"object"`
	Created           int64             `json:"created"`
	Model             string            `json:"model"`
	SystemFingerprint string            `json:"system_fingerprint"`
	Choices           []chatChunkChoice `json:"choices"`
	Usage             json.RawMessage   `json:"usage,omitempty"` // absent, null, or the usage
}

type chatChunkChoice struct {
	Index        int       `json:"index"`
	Delta        chatDelta `json:"delta"`
	Logprobs     *struct{} `json:"logprobs"`
	FinishReason *string   `json:"finish_reason"`
}

type chatDelta struct {
	Role      string         `json:"role,omitempty"`
	Content   *string        `json:"content,omitempty"`
	ToolCalls []chatToolCall `json:"tool_calls,omitempty"`
}

// serveChat answers POST /v1/chat/completions and Azure's chat/completions.
func serveChat(c *call) {
	var req openAIChatRequest
	if !c.decodeBody(&req) {
		return
	}
	model, ok := c.openAIModel(req.Model)
	if !ok {
		return
	}
	if req.Messages == nil {
		c.fail(apiError{status: 400, message: "Missing required parameter: 'messages'.", param: "messages"})
		return
	}
	if len(req.Messages) == 0 {
		c.fail(apiError{status: 400, message: "[] is too short - 'messages'", param: "messages"})
		return
	}
	conv, e := openAIConversation(req.Messages)
	if e != nil {
		c.fail(*e)
		return
	}
	rules, e := openAIRules(req)
	if e != nil {
		c.fail(*e)
		return
	}
	maxTokens := req.MaxTokens
	if req.MaxCompletionTokens != nil {
		maxTokens = req.MaxCompletionTokens
	}
	if rules.maxTokens, ok = c.openAIMaxTokens(maxTokens); !ok {
		return
	}
	a := newAnswer(conv, rules)
	finish := "stop"
	switch {
	case a.toolCall != nil:
		finish = "tool_calls"
	case a.truncated:
		finish = "length"
	}
	id, created := deterministicID("chatcmpl-", c.body), time.Now().Unix()
	if !req.Stream {
		msg := chatMessage{Role: "assistant", Content: &a.text}
		if a.toolCall != nil {
			msg.Content = nil
			msg.ToolCalls = []chatToolCall{openAIToolCall(*a.toolCall)}
		}
		out := chatCompletion{ID: id, Object: "chat.completion", Created: created, Model: model,
			SystemFingerprint: systemFingerprint,
			Choices:           []chatChoice{{Message: msg, FinishReason: finish}},
		}
		if !c.fault.NoUsage {
			out.Usage = chatUsage(a)
		}
		c.sendJSON(out)
		return
	}

	includeUsage := req.StreamOptions != nil && req.StreamOptions.IncludeUsage
	chunk := func(choices []chatChunkChoice, usage json.RawMessage) []byte {
		if usage == nil && includeUsage {
			usage = json.RawMessage("null") // with include_usage every other chunk says usage: null
		}
		return mustJSON(chatChunk{ID: id, Object: "chat.completion.chunk", Created: created, Model: model,
			SystemFingerprint: systemFingerprint, Choices: choices, Usage: usage})
	}
	var events []event
	if a.toolCall != nil {
		events = openAIToolCallEvents(*a.toolCall, chunk)
	} else {
		empty := ""
		events = []event{{data: chunk([]chatChunkChoice{{Delta: chatDelta{Role: "assistant", Content: &empty}}}, nil)}}
		for _, tok := range a.tokens {
			events = append(events, event{token: true, data: chunk([]chatChunkChoice{{Delta: chatDelta{Content: &tok}}}, nil)})
		}
	}
	events = append(events, event{data: chunk([]chatChunkChoice{{Delta: chatDelta{}, FinishReason: &finish}}, nil)})
	if includeUsage && !c.fault.NoUsage {
		events = append(events, event{data: chunk([]chatChunkChoice{}, mustJSON(chatUsage(a)))})
	}
	events = append(events, event{data: []byte("[DONE]")})
	c.sendStream(sseFraming{}, events)
}

func chatUsage(a answer) *openAIUsage {
	u := newOpenAIUsage(a.promptTokens, a.completionTokens())
	u.PromptTokensDetails = &promptDetails{}
	u.CompletionTokensDetails = &completionDetail{}
	return u
}

// openAIModel is the model an OpenAI-format answer names: the requested one, or on
// Azure the deployment (where the body's model is optional). A missing model answers
// 400 and returns false.
func (c *call) openAIModel(requested string) (string, bool) {
	if c.api == APIAzure {
		return c.pathModel, true
	}
	if requested == "" {
		c.fail(apiError{status: 400, message: "you must provide a model parameter"})
		return "", false
	}
	return requested, true
}

// openAIMaxTokens checks max_tokens / max_completion_tokens: absent means no limit,
// below 1 answers 400.
func (c *call) openAIMaxTokens(n *int) (int, bool) {
	if n == nil {
		return 0, true
	}
	if *n < 1 {
		c.fail(apiError{status: 400, message: fmt.Sprintf("Invalid 'max_tokens': integer below minimum value. Expected a value >= 1, but got %d instead.", *n), param: "max_tokens", code: "integer_below_min_value"})
		return 0, false
	}
	return *n, true
}

// openAIContentText is the text of a message's content (see contentText).
func openAIContentText(raw json.RawMessage) (string, error) {
	text, ok := contentText(raw)
	if !ok {
		return "", fmt.Errorf("content must be a string or an array of content parts")
	}
	return text, nil
}

// completionRequest is the part of a legacy completion request the fake reads.
type completionRequest struct {
	Model         string          `json:"model"`
	Prompt        json.RawMessage `json:"prompt"` // string or array of strings
	Stream        bool            `json:"stream"`
	StreamOptions *streamOptions  `json:"stream_options"`
	MaxTokens     *int            `json:"max_tokens"`
}

type textCompletion struct {
	ID                string             `json:"id"`
	Object            string             `json:"object"`
	Created           int64              `json:"created"`
	Model             string             `json:"model"`
	SystemFingerprint string             `json:"system_fingerprint"`
	Choices           []completionChoice `json:"choices"`
	Usage             json.RawMessage    `json:"usage,omitempty"`
}

type completionChoice struct {
	Text         string    `json:"text"`
	Index        int       `json:"index"`
	Logprobs     *struct{} `json:"logprobs"`
	FinishReason *string   `json:"finish_reason"`
}

// serveCompletions answers POST /v1/completions and Azure's completions. An array of
// prompts gets one choice per prompt (index = position); a stream sends them one after
// the other.
func serveCompletions(c *call) {
	var req completionRequest
	if !c.decodeBody(&req) {
		return
	}
	model, ok := c.openAIModel(req.Model)
	if !ok {
		return
	}
	prompts, ok := completionPrompts(req.Prompt)
	if !ok {
		c.fail(apiError{status: 400, message: "'prompt' must be a string or an array of strings", param: "prompt"})
		return
	}
	limit, ok := c.openAIMaxTokens(req.MaxTokens)
	if !ok {
		return
	}
	answers := make([]answer, len(prompts))
	promptTokens, completionTokens := 0, 0
	for i, p := range prompts {
		answers[i] = newAnswer(conversation{lastUser: p, texts: []string{p}, last: turnUser}, replyRules{maxTokens: limit})
		promptTokens += answers[i].promptTokens
		completionTokens += answers[i].completionTokens()
	}
	usage := mustJSON(newOpenAIUsage(promptTokens, completionTokens))
	id, created := deterministicID("cmpl-", c.body), time.Now().Unix()
	body := func(choices []completionChoice, usage json.RawMessage) textCompletion {
		return textCompletion{ID: id, Object: "text_completion", Created: created, Model: model,
			SystemFingerprint: systemFingerprint, Choices: choices, Usage: usage}
	}
	if !req.Stream {
		var choices []completionChoice
		for i, a := range answers {
			choices = append(choices, completionChoice{Text: a.text, Index: i, FinishReason: ptr(finishReason(a))})
		}
		if c.fault.NoUsage {
			usage = nil
		}
		c.sendJSON(body(choices, usage))
		return
	}

	includeUsage := req.StreamOptions != nil && req.StreamOptions.IncludeUsage
	var null json.RawMessage
	if includeUsage {
		null = json.RawMessage("null")
	}
	var events []event
	for i, a := range answers {
		for _, tok := range a.tokens {
			events = append(events, event{token: true, data: mustJSON(body([]completionChoice{{Text: tok, Index: i}}, null))})
		}
		events = append(events, event{data: mustJSON(body([]completionChoice{{Index: i, FinishReason: ptr(finishReason(a))}}, null))})
	}
	if includeUsage && !c.fault.NoUsage {
		events = append(events, event{data: mustJSON(body([]completionChoice{}, usage))})
	}
	events = append(events, event{data: []byte("[DONE]")})
	c.sendStream(sseFraming{}, events)
}

// completionPrompts reads "prompt": a string, an array of strings, or absent ("").
func completionPrompts(raw json.RawMessage) ([]string, bool) {
	if len(raw) == 0 || string(raw) == "null" {
		return []string{""}, true
	}
	return stringOrStrings(raw)
}

func finishReason(a answer) string {
	if a.truncated {
		return "length"
	}
	return "stop"
}

type modelObject struct {
	ID      string `json:"id"`
	Object  string `json:"object"`
	Created int64  `json:"created"`
	OwnedBy string `json:"owned_by"`
}

func newModelObject(id string) modelObject {
	return modelObject{ID: id, Object: "model", Created: modelsCreated, OwnedBy: "fakellm"}
}

// serveModels answers GET /v1/models with Config.Models.
func serveModels(c *call) {
	list := struct {
		Object string        `json:"object"`
		Data   []modelObject `json:"data"`
	}{Object: "list", Data: []modelObject{}}
	for _, id := range c.h.cfg.Models {
		list.Data = append(list.Data, newModelObject(id))
	}
	c.sendJSON(list)
}

// serveModel answers GET /v1/models/{id}: 404 model_not_found for an id not in Config.Models.
func serveModel(c *call) {
	if !slices.Contains(c.h.cfg.Models, c.pathModel) {
		c.fail(apiError{status: 404, message: fmt.Sprintf("The model '%s' does not exist", c.pathModel), param: "model", code: "model_not_found"})
		return
	}
	c.sendJSON(newModelObject(c.pathModel))
}

func ptr[T any](v T) *T { return &v }
