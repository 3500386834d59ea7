package fakellm

import "encoding/json"

// chatToolCall is a tool call in an answer; in a stream's deltas it carries its index,
// and only its first delta the id, type and name.
type chatToolCall struct {
	Index    *int             `json:"index,omitempty"`
	ID       string           `json:"id,omitempty"`
	Type     string           `json:"type,omitempty"`
	Function chatFunctionCall `json:"function"`
}

type chatFunctionCall struct {
	Name      string `json:"name,omitempty"`
	Arguments string `json:"arguments"`
}

// openAIToolCall is the call as a non-stream answer's message lists it.
func openAIToolCall(call toolCall) chatToolCall {
	return chatToolCall{ID: call.openAIID(), Type: "function", Function: chatFunctionCall{Name: call.name, Arguments: call.arguments}}
}

// openAIToolCallEvents stream a tool call as the real API does: a first delta with the
// role, the call's index, id, type, name and empty arguments, then one delta per
// argument fragment carrying only the index and the fragment.
func openAIToolCallEvents(call toolCall, chunk func([]chatChunkChoice, json.RawMessage) []byte) []event {
	index := 0
	first := chatToolCall{Index: &index, ID: call.openAIID(), Type: "function", Function: chatFunctionCall{Name: call.name}}
	events := []event{{data: chunk([]chatChunkChoice{{Delta: chatDelta{Role: "assistant", ToolCalls: []chatToolCall{first}}}}, nil)}}
	for _, frag := range call.fragments {
		delta := chatDelta{ToolCalls: []chatToolCall{{Index: &index, Function: chatFunctionCall{Arguments: frag}}}}
		events = append(events, event{token: true, data: chunk([]chatChunkChoice{{Delta: delta}}, nil)})
	}
	return events
}
