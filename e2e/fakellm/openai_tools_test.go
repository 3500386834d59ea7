package fakellm

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/shared"
)

// toolPrompt has doubled and odd whitespace: the arguments must carry it exactly.
const toolPrompt = "Weather in  Paris\ntoday?"

func openAITools(names ...string) []openai.ChatCompletionToolUnionParam {
	var tools []openai.ChatCompletionToolUnionParam
	for _, n := range names {
		tools = append(tools, openai.ChatCompletionFunctionTool(shared.FunctionDefinitionParam{
			Name:       n,
			Parameters: shared.FunctionParameters{"type": "object", "properties": map[string]any{"query": map[string]any{"type": "string"}}},
		}))
	}
	return tools
}

func toolParams(choice openai.ChatCompletionToolChoiceOptionUnionParam) openai.ChatCompletionNewParams {
	return openai.ChatCompletionNewParams{
		Model: "gpt-4o",
		Messages: []openai.ChatCompletionMessageParamUnion{
			openai.SystemMessage("Use tools."),
			openai.UserMessage(toolPrompt),
		},
		Tools:      openAITools("lookup", "weather"),
		ToolChoice: choice,
	}
}

// streamChat runs a stream with include_usage and returns the accumulated completion
// and every tool-call delta seen.
func streamChat(t *testing.T, client openai.Client, params openai.ChatCompletionNewParams, opts ...option.RequestOption) (openai.ChatCompletionAccumulator, []openai.ChatCompletionChunkChoiceDeltaToolCall) {
	t.Helper()
	params.StreamOptions = openai.ChatCompletionStreamOptionsParam{IncludeUsage: openai.Bool(true)}
	stream := client.Chat.Completions.NewStreaming(context.Background(), params, opts...)
	var acc openai.ChatCompletionAccumulator
	var deltas []openai.ChatCompletionChunkChoiceDeltaToolCall
	for stream.Next() {
		chunk := stream.Current()
		acc.AddChunk(chunk)
		for _, ch := range chunk.Choices {
			deltas = append(deltas, ch.Delta.ToolCalls...)
		}
	}
	if err := stream.Err(); err != nil {
		t.Fatal(err)
	}
	return acc, deltas
}

func TestOpenAIToolCallsWithSDK(t *testing.T) {
	srv := startFake(t, Config{})
	client := newOpenAIClient(srv.URL()+"/v1", "k")
	promptTokens := int64(CountTokens("Use tools.") + CountTokens(toolPrompt))
	for _, tc := range []struct {
		name   string
		choice openai.ChatCompletionToolChoiceOptionUnionParam
		tool   string // "": a text answer
	}{
		{"no tool_choice", openai.ChatCompletionToolChoiceOptionUnionParam{}, "lookup"},
		{"auto", openai.ChatCompletionToolChoiceOptionUnionParam{OfAuto: openai.String("auto")}, "lookup"},
		{"required", openai.ChatCompletionToolChoiceOptionUnionParam{OfAuto: openai.String("required")}, "lookup"},
		{"named", openai.ToolChoiceOptionFunctionToolChoice(openai.ChatCompletionNamedToolChoiceFunctionParam{Name: "weather"}), "weather"},
		{"allowed tools", openai.ToolChoiceOptionAllowedTools(openai.ChatCompletionAllowedToolsParam{
			Mode: openai.ChatCompletionAllowedToolsModeRequired, Tools: []map[string]any{{"type": "function", "function": map[string]any{"name": "weather"}}},
		}), "weather"},
		{"none", openai.ChatCompletionToolChoiceOptionUnionParam{OfAuto: openai.String("none")}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := client.Chat.Completions.New(context.Background(), toolParams(tc.choice))
			if err != nil {
				t.Fatal(err)
			}
			acc, deltas := streamChat(t, client, toolParams(tc.choice))
			msg, got := res.Choices[0].Message, acc.Choices[0].Message
			if res.Usage.PromptTokens != promptTokens || !sameUsage(acc.Usage, res.Usage) {
				t.Errorf("usage %+v, stream usage %+v, want %d prompt tokens in both", res.Usage, acc.Usage, promptTokens)
			}
			if tc.tool == "" {
				if msg.Content != Reply(toolPrompt) || len(msg.ToolCalls) != 0 || res.Choices[0].FinishReason != "stop" {
					t.Errorf("message %+v finish %q, want the usual text", msg, res.Choices[0].FinishReason)
				}
				if got.Content != msg.Content || len(deltas) != 0 {
					t.Errorf("stream %q with %d tool deltas", got.Content, len(deltas))
				}
				return
			}

			if res.Choices[0].FinishReason != "tool_calls" || msg.Content != "" || len(msg.ToolCalls) != 1 {
				t.Fatalf("finish %q content %q tool calls %+v", res.Choices[0].FinishReason, msg.Content, msg.ToolCalls)
			}
			call := msg.ToolCalls[0]
			var args struct{ Query string }
			if err := json.Unmarshal([]byte(call.Function.Arguments), &args); err != nil || args.Query != toolPrompt {
				t.Errorf("arguments %s: query %q, %v", call.Function.Arguments, args.Query, err)
			}
			if call.ID != "call_fake_1" || call.Type != "function" || call.Function.Name != tc.tool {
				t.Errorf("call %+v, want call_fake_1 function %s", call, tc.tool)
			}
			if res.Usage.CompletionTokens != int64(len(splitArguments(call.Function.Arguments))) {
				t.Errorf("completion tokens %d for arguments %s", res.Usage.CompletionTokens, call.Function.Arguments)
			}

			// The stream: one delta with id and name, then the arguments in fragments,
			// all at index 0, which put together equal the non-stream call.
			if acc.Choices[0].FinishReason != "tool_calls" || len(got.ToolCalls) != 1 {
				t.Fatalf("stream finish %q tool calls %+v", acc.Choices[0].FinishReason, got.ToolCalls)
			}
			if g := got.ToolCalls[0]; g.ID != call.ID || g.Function.Name != call.Function.Name || g.Function.Arguments != call.Function.Arguments {
				t.Errorf("streamed call %+v, want %+v", g, call)
			}
			var fragments []string
			for i, d := range deltas {
				if d.Index != 0 {
					t.Errorf("delta %d index %d", i, d.Index)
				}
				if (d.ID != "") != (i == 0) || (d.Function.Name != "") != (i == 0) {
					t.Errorf("delta %d: id %q name %q; only the first carries them", i, d.ID, d.Function.Name)
				}
				if d.Function.Arguments != "" {
					fragments = append(fragments, d.Function.Arguments)
				}
			}
			if len(fragments) < 2 || strings.Join(fragments, "") != call.Function.Arguments {
				t.Errorf("argument fragments %q, want at least 2 making %s", fragments, call.Function.Arguments)
			}
		})
	}
}

func sameUsage(a, b openai.CompletionUsage) bool {
	return a.PromptTokens == b.PromptTokens && a.CompletionTokens == b.CompletionTokens && a.TotalTokens == b.TotalTokens
}

// A whole round: the call, its result, the text about it, then a new question and a
// new call with a new id.
func TestOpenAIToolRoundTripWithSDK(t *testing.T) {
	srv := startFake(t, Config{})
	client := newOpenAIClient(srv.URL()+"/v1", "k")
	ctx := context.Background()
	params := toolParams(openai.ChatCompletionToolChoiceOptionUnionParam{})
	first, err := client.Chat.Completions.New(ctx, params)
	if err != nil {
		t.Fatal(err)
	}
	call := first.Choices[0].Message.ToolCalls[0]
	params.Messages = append(params.Messages, first.Choices[0].Message.ToParam(), openai.ToolMessage("Sunny,  22 C", call.ID))

	res, err := client.Chat.Completions.New(ctx, params)
	if err != nil {
		t.Fatal(err)
	}
	if res.Choices[0].Message.Content != "Tool said: Sunny, 22 C" || res.Choices[0].FinishReason != "stop" || len(res.Choices[0].Message.ToolCalls) != 0 {
		t.Errorf("after the tool: %+v finish %q", res.Choices[0].Message, res.Choices[0].FinishReason)
	}
	// The tool result counts as prompt; the call's arguments do not.
	if want := int64(CountTokens("Use tools.") + CountTokens(toolPrompt) + 3); res.Usage.PromptTokens != want {
		t.Errorf("prompt tokens %d, want %d", res.Usage.PromptTokens, want)
	}
	acc, _ := streamChat(t, client, params)
	if acc.Choices[0].Message.Content != res.Choices[0].Message.Content || !sameUsage(acc.Usage, res.Usage) {
		t.Errorf("stream %q %+v, want %q %+v", acc.Choices[0].Message.Content, acc.Usage, res.Choices[0].Message.Content, res.Usage)
	}

	params.Messages = append(params.Messages, res.Choices[0].Message.ToParam(), openai.UserMessage("And tomorrow?"))
	next, err := client.Chat.Completions.New(ctx, params)
	if err != nil {
		t.Fatal(err)
	}
	if c := next.Choices[0].Message.ToolCalls; len(c) != 1 || c[0].ID != "call_fake_2" || c[0].Function.Arguments != `{"query":"And tomorrow?"}` {
		t.Errorf("second call %+v", c)
	}
}

func TestOpenAIToolValidationWithSDK(t *testing.T) {
	srv := startFake(t, Config{})
	client := newOpenAIClient(srv.URL()+"/v1", "k")
	callMsg := func(ids ...string) openai.ChatCompletionMessageParamUnion {
		var calls []openai.ChatCompletionMessageToolCallUnionParam
		for _, id := range ids {
			calls = append(calls, openai.ChatCompletionMessageToolCallUnionParam{OfFunction: &openai.ChatCompletionMessageFunctionToolCallParam{
				ID: id, Function: openai.ChatCompletionMessageFunctionToolCallFunctionParam{Name: "lookup", Arguments: "{}"}}})
		}
		return openai.ChatCompletionMessageParamUnion{OfAssistant: &openai.ChatCompletionAssistantMessageParam{ToolCalls: calls}}
	}
	user := openai.UserMessage("hi")
	for _, tc := range []struct {
		name     string
		messages []openai.ChatCompletionMessageParamUnion
		choice   openai.ChatCompletionToolChoiceOptionUnionParam
		param    string
		message  string
	}{
		{"tool without a call", []openai.ChatCompletionMessageParamUnion{user, openai.ToolMessage("x", "call_1")}, openai.ChatCompletionToolChoiceOptionUnionParam{},
			"messages.[1].role", "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'."},
		{"tool after a text answer", []openai.ChatCompletionMessageParamUnion{user, callMsg("call_1"), openai.ToolMessage("x", "call_1"), openai.AssistantMessage("ok"), openai.ToolMessage("y", "call_1")}, openai.ChatCompletionToolChoiceOptionUnionParam{},
			"messages.[4].role", "Invalid parameter: messages with role 'tool' must be a response"},
		{"wrong id", []openai.ChatCompletionMessageParamUnion{user, callMsg("call_1"), openai.ToolMessage("x", "call_2")}, openai.ChatCompletionToolChoiceOptionUnionParam{},
			"messages.[2].tool_call_id", "Invalid parameter: 'tool_call_id' of 'call_2' not found in 'tool_calls' of previous message."},
		{"call left unanswered", []openai.ChatCompletionMessageParamUnion{user, callMsg("call_1", "call_2"), openai.ToolMessage("x", "call_1"), user}, openai.ChatCompletionToolChoiceOptionUnionParam{},
			"messages.[1].role", "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: call_2"},
		{"ends with a call", []openai.ChatCompletionMessageParamUnion{user, callMsg("call_1")}, openai.ChatCompletionToolChoiceOptionUnionParam{},
			"messages.[1].role", "An assistant message with 'tool_calls' must be followed"},
		{"named tool not declared", []openai.ChatCompletionMessageParamUnion{user}, openai.ToolChoiceOptionFunctionToolChoice(openai.ChatCompletionNamedToolChoiceFunctionParam{Name: "nope"}),
			"tool_choice", "Invalid value for 'tool_choice'"},
		{"unknown tool_choice", []openai.ChatCompletionMessageParamUnion{user}, openai.ChatCompletionToolChoiceOptionUnionParam{OfAuto: openai.String("always")},
			"tool_choice", "Invalid value: 'always'."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := client.Chat.Completions.New(context.Background(), openai.ChatCompletionNewParams{
				Model: "gpt-4o", Messages: tc.messages, Tools: openAITools("lookup"), ToolChoice: tc.choice,
			})
			var apiErr *openai.Error
			if !errors.As(err, &apiErr) {
				t.Fatalf("error %v, want an API error", err)
			}
			if apiErr.StatusCode != 400 || apiErr.Type != "invalid_request_error" || apiErr.Param != tc.param || !strings.HasPrefix(apiErr.Message, tc.message) {
				t.Errorf("%d type %q param %q message %q; want 400 param %q message %q...", apiErr.StatusCode, apiErr.Type, apiErr.Param, apiErr.Message, tc.param, tc.message)
			}
		})
	}
}

// The raw stream, where the SDK would hide details: the first tool-call delta holds
// id, type, name and empty arguments; the others only index and a fragment.
func TestOpenAIToolCallWireShape(t *testing.T) {
	srv := startFake(t, Config{})
	url := srv.URL() + "/v1/chat/completions"
	body := `{"model":"m","tools":[{"type":"function","function":{"name":"lookup"}}],"messages":[{"role":"user","content":"a b"}]%s}`
	whole := post(t, url, strings.Replace(body, "%s", "", 1)).json(t)
	msg := field(whole, "choices", 0, "message").(map[string]any)
	if c, ok := msg["content"]; !ok || c != nil {
		t.Errorf("content %v (present %v), want null", c, ok)
	}
	if _, ok := field(msg, "tool_calls", 0).(map[string]any)["index"]; ok {
		t.Errorf("a non-stream tool call has an index: %v", msg)
	}
	if field(msg, "tool_calls", 0, "function", "arguments") != `{"query":"a b"}` {
		t.Errorf("arguments %v", field(msg, "tool_calls", 0, "function", "arguments"))
	}

	events := parseSSE(t, post(t, url, strings.Replace(body, "%s", `,"stream":true`, 1)).body)
	// first delta, fragments `{"query":`, `"a`, ` b"}`, finish, [DONE]
	if len(events) != 6 || events[5].data != "[DONE]" {
		t.Fatalf("%d events: %v", len(events), events)
	}
	first := mustUnmarshal(t, events[0].data)
	call := field(first, "choices", 0, "delta", "tool_calls", 0)
	if field(first, "choices", 0, "delta", "role") != "assistant" || field(call, "index") != 0.0 || field(call, "id") != "call_fake_1" ||
		field(call, "type") != "function" || field(call, "function", "name") != "lookup" || field(call, "function", "arguments") != "" {
		t.Errorf("first chunk %s", events[0].data)
	}
	for i, want := range []string{`{"query":`, `"a`, ` b"}`} {
		call := field(mustUnmarshal(t, events[1+i].data), "choices", 0, "delta", "tool_calls", 0).(map[string]any)
		if len(call) != 2 || call["index"] != 0.0 || field(call, "function", "arguments") != want || len(call["function"].(map[string]any)) != 1 {
			t.Errorf("fragment %d = %s, want only index 0 and arguments %q", i, events[1+i].data, want)
		}
	}
	if field(mustUnmarshal(t, events[4].data), "choices", 0, "finish_reason") != "tool_calls" {
		t.Errorf("finish chunk %s", events[4].data)
	}

	// Faults count argument fragments as tokens.
	cut := post(t, url, strings.Replace(body, "%s", `,"stream":true`, 1), HeaderCutAfter+": 2")
	if cut.err == nil || strings.Count(string(cut.body), `"arguments"`) != 3 {
		t.Errorf("cut after 2 fragments: err %v, body %s", cut.err, cut.body)
	}
}

func TestAzureToolCallWithSDK(t *testing.T) {
	srv := startFake(t, Config{})
	client := newAzureClient(srv, "dep", "k")
	res, err := client.Chat.Completions.New(context.Background(), toolParams(openai.ChatCompletionToolChoiceOptionUnionParam{}))
	if err != nil {
		t.Fatal(err)
	}
	if res.Model != "dep" || res.Choices[0].FinishReason != "tool_calls" || res.Choices[0].Message.ToolCalls[0].Function.Arguments != ToolArguments(toolPrompt) {
		t.Errorf("azure tool call %+v", res)
	}
}
