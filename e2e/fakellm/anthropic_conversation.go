package fakellm

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// anthropicInBlock is the part of a request content block the fake reads.
type anthropicInBlock struct {
	Type      string          `json:"type"`
	ID        string          `json:"id"`          // tool_use
	ToolUseID string          `json:"tool_use_id"` // tool_result
	Content   json.RawMessage `json:"content"`     // tool_result: string or blocks
}

type anthropicTool struct {
	Name string `json:"name"`
}

type anthropicToolChoice struct {
	Type string `json:"type"` // auto, any, tool, none
	Name string `json:"name"` // with type tool
}

// anthropicConversation reads the system prompt and messages. Like the real API it
// requires every tool_result to answer a tool_use of the assistant message just before,
// and every tool_use to be answered in the message just after.
func anthropicConversation(system json.RawMessage, messages []anthropicMessage) (conversation, *apiError) {
	var conv conversation
	text, err := anthropicText(system)
	if err != nil {
		return conv, &apiError{status: 400, message: "system: " + err.Error()}
	}
	conv.texts = append(conv.texts, text)
	var toolUses []string // ids of the tool_use blocks of the previous message
	for i, m := range messages {
		text, err := anthropicText(m.Content)
		if err != nil {
			return conv, &apiError{status: 400, message: fmt.Sprintf("messages.%d.content: %v", i, err)}
		}
		conv.texts = append(conv.texts, text)
		var blocks []anthropicInBlock
		_ = json.Unmarshal(m.Content, &blocks) // a string content has no blocks; anthropicText checked the rest
		var results, uses, answered []string
		for k, b := range blocks {
			switch b.Type {
			case "tool_use":
				uses = append(uses, b.ID)
			case "tool_result":
				if !slices.Contains(toolUses, b.ToolUseID) {
					return conv, &apiError{status: 400, message: fmt.Sprintf("messages.%d.content.%d: unexpected `tool_use_id` found in `tool_result` blocks: %s. Each `tool_result` block must have a corresponding `tool_use` block in the previous message.", i, k, b.ToolUseID)}
				}
				answered = append(answered, b.ToolUseID)
				result, _ := contentText(b.Content)
				results = append(results, result)
				conv.texts = append(conv.texts, result)
			}
		}
		if missing := slices.DeleteFunc(toolUses, func(id string) bool { return slices.Contains(answered, id) }); len(missing) > 0 {
			return conv, &apiError{status: 400, message: fmt.Sprintf("messages.%d: `tool_use` ids were found without `tool_result` blocks immediately after: %s. Each `tool_use` block must have a corresponding `tool_result` block in the next message.", i-1, strings.Join(missing, ", "))}
		}
		toolUses = nil
		switch {
		case m.Role == "assistant":
			conv.last = turnOther
			toolUses = uses
			conv.toolCalls += len(uses)
		case len(results) > 0: // tool results, not a question: lastUser stays as it was
			conv.last, conv.toolResults = turnToolResult, results
		default:
			conv.lastUser, conv.last = text, turnUser
		}
	}
	return conv, nil
}

// anthropicRules reads tools, tool_choice and stop_sequences.
func anthropicRules(req anthropicRequest) (replyRules, *apiError) {
	rules := replyRules{maxTokens: *req.MaxTokens, stop: req.StopSequences}
	var declared []string
	for _, t := range req.Tools {
		if t.Name != "" {
			declared = append(declared, t.Name)
		}
	}
	if len(declared) == 0 {
		return rules, nil
	}
	choice := anthropicToolChoice{Type: "auto"}
	if req.ToolChoice != nil {
		choice = *req.ToolChoice
	}
	switch choice.Type {
	case "auto", "any":
		rules.tool = declared[0]
	case "tool":
		if !slices.Contains(declared, choice.Name) {
			return rules, &apiError{status: 400, message: fmt.Sprintf("tool_choice.name: tool %q is not among the declared tools", choice.Name)}
		}
		rules.tool = choice.Name
	case "none":
	default:
		return rules, &apiError{status: 400, message: "tool_choice.type: Input should be 'auto', 'any', 'tool' or 'none'"}
	}
	return rules, nil
}
