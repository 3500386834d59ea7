package fakellm

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// The parts of a chat completion request that shape the answer beyond the messages.
type (
	openAITool struct {
		Type     string          `json:"type"`
		Function *openAIFunction `json:"function"`
	}
	openAIFunction struct {
		Name string `json:"name"`
	}
	openAIToolCallIn struct {
		ID string `json:"id"` // what the tool messages after it answer
	}
	openAIResponseFormat struct {
		Type string `json:"type"`
	}
)

// openAIConversation reads the messages, checking that tool messages answer the tool
// calls of the assistant message just before them, and every call gets its answer, as
// the real API does. System and developer messages count as prompt but never as the
// last message.
func openAIConversation(messages []openAIMessage) (conversation, *apiError) {
	var conv conversation
	var calls []string   // ids of the latest assistant tool calls, while tool messages may follow
	var pending []string // those not answered yet
	callsAt := 0         // index of the assistant message that made them
	unanswered := func() *apiError {
		return &apiError{status: 400, param: fmt.Sprintf("messages.[%d].role", callsAt),
			message: "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: " + strings.Join(pending, ", ")}
	}
	for i, m := range messages {
		text, err := openAIContentText(m.Content)
		if err != nil {
			return conv, &apiError{status: 400, message: fmt.Sprintf("Invalid content in messages[%d]: %v", i, err), param: fmt.Sprintf("messages.[%d].content", i)}
		}
		conv.texts = append(conv.texts, text)
		if m.Role == "tool" {
			if calls == nil {
				return conv, &apiError{status: 400, param: fmt.Sprintf("messages.[%d].role", i),
					message: "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'."}
			}
			if !slices.Contains(calls, m.ToolCallID) {
				return conv, &apiError{status: 400, param: fmt.Sprintf("messages.[%d].tool_call_id", i),
					message: fmt.Sprintf("Invalid parameter: 'tool_call_id' of '%s' not found in 'tool_calls' of previous message.", m.ToolCallID)}
			}
			pending = slices.DeleteFunc(pending, func(id string) bool { return id == m.ToolCallID })
			if conv.last != turnToolResult {
				conv.toolResults = nil
			}
			conv.last = turnToolResult
			conv.toolResults = append(conv.toolResults, text)
			continue
		}
		if len(pending) > 0 {
			return conv, unanswered()
		}
		calls = nil
		switch m.Role {
		case "system", "developer":
			// Instructions: prompt tokens, but they leave the last turn as it was.
		case "user":
			conv.lastUser, conv.last = text, turnUser
		default:
			conv.last = turnOther
			if len(m.ToolCalls) > 0 {
				for _, tc := range m.ToolCalls {
					calls = append(calls, tc.ID)
				}
				pending, callsAt = slices.Clone(calls), i
				conv.toolCalls += len(m.ToolCalls)
			}
		}
	}
	if len(pending) > 0 {
		return conv, unanswered()
	}
	return conv, nil
}

// openAIRules reads tools, tool_choice, response_format and stop (max tokens are read
// apart, for their own error).
func openAIRules(req openAIChatRequest) (replyRules, *apiError) {
	var rules replyRules
	var e *apiError
	if rules.tool, e = openAIToolToCall(req.Tools, req.ToolChoice); e != nil {
		return rules, e
	}
	if f := req.ResponseFormat; f != nil {
		switch f.Type {
		case "json_object", "json_schema":
			rules.jsonMode = true
		case "text":
		default:
			return rules, &apiError{status: 400, param: "response_format.type",
				message: fmt.Sprintf("Invalid value: '%s'. Supported values are: 'json_object', 'json_schema', and 'text'.", f.Type)}
		}
	}
	stop, ok := optionalStrings(req.Stop)
	if !ok {
		return rules, &apiError{status: 400, param: "stop", message: "Invalid type for 'stop': expected a string or an array of strings."}
	}
	rules.stop = stop
	return rules, nil
}

// openAIToolToCall is the function tool the answer calls: the one tool_choice names,
// else the first declared; "" with tool_choice "none" or no function tool.
func openAIToolToCall(tools []openAITool, choice json.RawMessage) (string, *apiError) {
	var declared []string
	for _, t := range tools {
		if t.Type == "function" && t.Function != nil && t.Function.Name != "" {
			declared = append(declared, t.Function.Name)
		}
	}
	first := ""
	if len(declared) > 0 {
		first = declared[0]
	}
	if len(choice) == 0 || string(choice) == "null" {
		return first, nil
	}
	var mode string
	if json.Unmarshal(choice, &mode) == nil {
		switch mode {
		case "none":
			return "", nil
		case "auto", "required":
			return first, nil
		}
		return "", &apiError{status: 400, param: "tool_choice",
			message: fmt.Sprintf("Invalid value: '%s'. Supported values are: 'none', 'auto', and 'required'.", mode)}
	}
	var named struct {
		Type         string          `json:"type"`
		Function     *openAIFunction `json:"function"`
		AllowedTools *struct {
			Tools []openAITool `json:"tools"`
		} `json:"allowed_tools"`
	}
	if err := json.Unmarshal(choice, &named); err != nil {
		return "", &apiError{status: 400, param: "tool_choice", message: "Invalid type for 'tool_choice': expected a string or an object."}
	}
	switch named.Type {
	case "function":
		if named.Function == nil || !slices.Contains(declared, named.Function.Name) {
			return "", &apiError{status: 400, param: "tool_choice", message: "Invalid value for 'tool_choice': the function it names is not among the declared 'tools'."}
		}
		return named.Function.Name, nil
	case "allowed_tools":
		if named.AllowedTools != nil {
			for _, t := range named.AllowedTools.Tools {
				if t.Function != nil && slices.Contains(declared, t.Function.Name) {
					return t.Function.Name, nil
				}
			}
		}
	}
	return "", nil // a custom tool, or nothing allowed: the fake answers text
}
