package usage

import (
	"strings"
	"testing"

	"github.com/aiwasm/aiwasm/sdkwrap/sse"
)

// meterStream parses stream with an sse.Parser, fed in chunks of the given size, and meters it.
func meterStream(t *testing.T, f Format, stream string, chunk int) *StreamMeter {
	t.Helper()
	m := NewStreamMeter(f)
	var p sse.Parser
	for i := 0; i < len(stream); i += chunk {
		if err := p.Feed([]byte(stream[i:min(i+chunk, len(stream))]), m.Observe); err != nil {
			t.Fatal(err)
		}
	}
	if ev, ok := p.Flush(); ok {
		m.Observe(ev)
	}
	return m
}

const openAIChunks = `data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1741570283,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1741570283,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"Hello"},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1741570283,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],"usage":null}

`

const openAIUsageChunk = `data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1741570283,"model":"gpt-4o-mini","choices":[],"usage":{"prompt_tokens":19,"completion_tokens":10,"total_tokens":29,"prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}}}

`

const anthropicStart = `event: message_start
data: {"type":"message_start","message":{"id":"msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY","type":"message","role":"assistant","content":[],"model":"claude-sonnet-4-20250514","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":25,"cache_creation_input_tokens":0,"cache_read_input_tokens":100,"output_tokens":1}}}

event: content_block_start
data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

event: ping
data: {"type": "ping"}

event: content_block_delta
data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello \"usage\": 99"}}

event: content_block_stop
data: {"type":"content_block_stop","index":0}

`

const anthropicEnd = `event: message_delta
data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":15}}

event: message_stop
data: {"type":"message_stop"}

`

const geminiStream = `data: {"candidates": [{"content": {"parts": [{"text": "The"}],"role": "model"},"index": 0}],"usageMetadata": {"promptTokenCount": 9,"totalTokenCount": 9},"modelVersion": "gemini-2.5-flash"}

data: {"candidates": [{"content": {"parts": [{"text": " answer"}],"role": "model"},"index": 0}],"usageMetadata": {"promptTokenCount": 9,"candidatesTokenCount": 2,"thoughtsTokenCount": 30,"totalTokenCount": 41},"modelVersion": "gemini-2.5-flash"}

data: {"candidates": [{"content": {"parts": [{"text": " is 42."}],"role": "model"},"finishReason": "STOP","index": 0}],"usageMetadata": {"promptTokenCount": 9,"candidatesTokenCount": 6,"thoughtsTokenCount": 30,"totalTokenCount": 45},"modelVersion": "gemini-2.5-flash"}

`

func TestStreamMeter(t *testing.T) {
	crlf := func(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }
	tests := []struct {
		name      string
		format    Format
		stream    string
		want      Usage
		ok        bool
		malformed int
	}{
		{"openai include_usage", OpenAI, openAIChunks + openAIUsageChunk + "data: [DONE]\n\n", Usage{19, 10, 29}, true, 0},
		{"openai crlf", OpenAI, crlf(openAIChunks + openAIUsageChunk + "data: [DONE]\n\n"), Usage{19, 10, 29}, true, 0},
		{"openai without usage", OpenAI, openAIChunks + "data: [DONE]\n\n", Usage{}, false, 0},
		{"openai cut before usage", OpenAI, openAIChunks[:300], Usage{}, false, 0},
		{"openai cut inside usage chunk", OpenAI, openAIChunks + openAIUsageChunk[:150], Usage{}, false, 1},
		{"openai no final blank line", OpenAI, openAIChunks + strings.TrimSuffix(openAIUsageChunk, "\n"), Usage{19, 10, 29}, true, 0},
		{"openai malformed chunks", OpenAI, "data: {\"usage\":{\"prompt_tokens\":\n\ndata: {broken\n\n" + openAIUsageChunk + "data: [DONE]\n\n", Usage{19, 10, 29}, true, 1},
		{"openai broken chunk with null usage not counted", OpenAI, "data: {\"choices\":[{\"delta\":{\"content\":\"x\"}}],\"usage\":null\n\n" + openAIUsageChunk, Usage{19, 10, 29}, true, 0},
		{"openai keep-alive comments", OpenAI, ": OPENROUTER PROCESSING\n\n" + openAIChunks + ": ping\n\n" + openAIUsageChunk, Usage{19, 10, 29}, true, 0},
		{"openai non-utf8", OpenAI, "data: {\"choices\":[{\"delta\":{\"content\":\"\xff\xfe\"}}],\"usage\":null}\n\n" + openAIUsageChunk, Usage{19, 10, 29}, true, 0},
		{"openai usage in every chunk", OpenAI,
			"data: {\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":1,\"total_tokens\":6}}\n\n" +
				"data: {\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2,\"total_tokens\":7}}\n\n",
			Usage{5, 2, 7}, true, 0},
		{"openai later null does not erase", OpenAI, openAIUsageChunk + "data: {\"choices\":[],\"usage\":null}\n\n", Usage{19, 10, 29}, true, 0},
		{"openai error event", OpenAI, "data: {\"error\":{\"message\":\"overloaded\"}}\n\n", Usage{}, false, 0},

		{"anthropic", Anthropic, anthropicStart + anthropicEnd, Usage{125, 15, 140}, true, 0},
		{"anthropic crlf", Anthropic, crlf(anthropicStart + anthropicEnd), Usage{125, 15, 140}, true, 0},
		{"anthropic cut after message_start", Anthropic, anthropicStart, Usage{125, 1, 126}, true, 0},
		{"anthropic cut inside message_start", Anthropic, anthropicStart[:strings.Index(anthropicStart, `"output_tokens"`)], Usage{}, false, 1},
		{"anthropic cumulative deltas replace", Anthropic, anthropicStart +
			"event: message_delta\ndata: {\"type\":\"message_delta\",\"usage\":{\"output_tokens\":40}}\n\n" + anthropicEnd,
			Usage{125, 15, 140}, true, 0},
		{"anthropic delta with input counts", Anthropic, anthropicStart +
			"event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"input_tokens\":3000,\"cache_read_input_tokens\":null,\"output_tokens\":70,\"server_tool_use\":{\"web_search_requests\":1}}}\n\n",
			Usage{3100, 70, 3170}, true, 0},
		{"anthropic without event names", Anthropic, strings.ReplaceAll(strings.ReplaceAll(anthropicStart+anthropicEnd, "event: message_start\n", ""), "event: message_delta\n", ""),
			Usage{125, 15, 140}, true, 0},
		{"anthropic event name without json type", Anthropic, "event: message_delta\ndata: {\"usage\":{\"output_tokens\":9}}\n\n", Usage{0, 9, 9}, true, 0},
		{"anthropic error event", Anthropic, anthropicStart + "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n",
			Usage{125, 1, 126}, true, 0},
		{"anthropic other events with usage ignored", Anthropic, "event: message_stop\ndata: {\"type\":\"message_stop\",\"usage\":{\"output_tokens\":9}}\n\n", Usage{}, false, 0},
		{"anthropic malformed delta", Anthropic, anthropicStart + "event: message_delta\ndata: {\"type\":\"message_delta\",\"usage\":{\"output_tokens\":1\n\n", Usage{125, 1, 126}, true, 1},
		{"anthropic negative ignored", Anthropic, anthropicStart + "event: message_delta\ndata: {\"type\":\"message_delta\",\"usage\":{\"output_tokens\":-7}}\n\n", Usage{125, 1, 126}, true, 0},

		{"gemini last wins", Gemini, geminiStream, Usage{9, 36, 45}, true, 0},
		{"gemini crlf", Gemini, crlf(geminiStream), Usage{9, 36, 45}, true, 0},
		{"gemini cut", Gemini, geminiStream[:len(geminiStream)-80], Usage{9, 32, 41}, true, 1},
		{"gemini chunk without usage", Gemini, "data: {\"candidates\":[]}\n\n", Usage{}, false, 0},
		{"gemini huge", Gemini, "data: {\"usageMetadata\":{\"promptTokenCount\":1e30,\"candidatesTokenCount\":99999999999999999999999}}\n\n",
			Usage{1<<63 - 1, 1<<63 - 1, 1<<63 - 1}, true, 0},

		{"wrong format", Gemini, openAIChunks + openAIUsageChunk, Usage{}, false, 0},
		{"zero format", 0, openAIUsageChunk, Usage{}, false, 0},
		{"not sse at all", OpenAI, "\x00\xff{\"usage\": garbage \r\n\r\n", Usage{}, false, 0},
		{"binary data", OpenAI, "data: \x00\xff{\"usage\": garbage \r\n\r\n", Usage{}, false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, chunk := range []int{len(tt.stream) + 1, 1, 7, 64} {
				m := meterStream(t, tt.format, tt.stream, chunk)
				got, ok := m.Usage()
				if got != tt.want || ok != tt.ok || m.Malformed() != tt.malformed {
					t.Fatalf("chunks of %d: Usage() = %+v, %v, Malformed() = %d; want %+v, %v, %d",
						chunk, got, ok, m.Malformed(), tt.want, tt.ok, tt.malformed)
				}
			}
		})
	}
}

// TestStreamMeterMatchesBody: a stream event carrying a whole response reads like the body.
func TestStreamMeterMatchesBody(t *testing.T) {
	for _, tc := range []struct {
		format Format
		body   string
	}{
		{OpenAI, `{"usage":{"prompt_tokens":3,"completion_tokens":4}}`},
		{Gemini, `{"usageMetadata":{"promptTokenCount":3,"thoughtsTokenCount":4}}`},
	} {
		m := NewStreamMeter(tc.format)
		m.Observe(sse.Event{Data: tc.body, HasData: true})
		got, ok := m.Usage()
		want, wantOK := FromBody(tc.format, []byte(tc.body))
		if got != want || ok != wantOK || !ok {
			t.Fatalf("%v: meter %+v %v, body %+v %v", tc.format, got, ok, want, wantOK)
		}
	}
}

// The text shortcut for "usage":null chunks never hides real usage, whatever the content says.
func TestNullUsageText(t *testing.T) {
	for _, tc := range []struct {
		data string
		want bool
	}{
		{`{"choices":[{"delta":{"content":"hi"}}],"usage":null}`, true},
		{`{"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7}}`, false},
		{`{"choices":[{"delta":{"content":"the \"usage\":null field"}}],"usage":{"total_tokens":7}}`, false},
		{`{"choices":[{"delta":{"content":"a \"usage\" word"}}],"usage":null}`, false}, // read with gjson instead
		{`{"usage": null}`, false},
	} {
		if got := nullUsageText(tc.data); got != tc.want {
			t.Errorf("%s: %v", tc.data, got)
		}
	}
	m := NewStreamMeter(OpenAI)
	m.Observe(sse.Event{HasData: true, Data: `{"choices":[{"delta":{"content":"the \"usage\":null field"}}],"usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7}}`})
	if u, ok := m.Usage(); !ok || u.Total != 7 {
		t.Fatalf("usage %+v %v", u, ok)
	}
}
