package llm

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aiwasm/aiwasm/sdkwrap/sse"
)

// anthropicStream is an Anthropic stream of n text deltas, shaped as the API sends them.
func anthropicStream(n int) []byte {
	var b strings.Builder
	b.WriteString("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_01XFDUDYJgAACzvnptvVoYEL\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"model\":\"claude-sonnet-4-5-20250929\",\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":25,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":1}}}\n\n")
	b.WriteString("event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n")
	b.WriteString("event: ping\ndata: {\"type\": \"ping\"}\n\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\" token%d, more\"}}\n\n", i)
	}
	b.WriteString("event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n")
	fmt.Fprintf(&b, "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":%d}}\n\n", n)
	b.WriteString("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n")
	return []byte(b.String())
}

// geminiStream is a streamGenerateContent?alt=sse stream of n chunks.
func geminiStream(n int) []byte {
	var b strings.Builder
	for i := 0; i < n; i++ {
		finish := ""
		if i == n-1 {
			finish = `,"finishReason":"STOP"`
		}
		fmt.Fprintf(&b, "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \" token%d, more\"}],\"role\": \"model\"}%s,\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 7,\"candidatesTokenCount\": %d,\"totalTokenCount\": %d,\"promptTokensDetails\": [{\"modality\": \"TEXT\",\"tokenCount\": 7}]},\"modelVersion\": \"gemini-2.5-flash\",\"responseId\": \"qcxUaMe1Fe2znvgP4s6XuQ4\"}\r\n\r\n", i, finish, i+1, i+8)
	}
	return []byte(b.String())
}

// openAIStream is a chat completion stream of n content chunks with include_usage.
func openAIStream(n int) []byte {
	var b strings.Builder
	const head = `data: {"id":"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG","object":"chat.completion.chunk","created":1741570283,"model":"gpt-4o-2024-08-06","system_fingerprint":"fp_eb9dce56a8","choices":[`
	b.WriteString(head + `{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}],"usage":null}` + "\n\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, head+`{"index":0,"delta":{"content":" token%d, more"},"logprobs":null,"finish_reason":null}],"usage":null}`+"\n\n", i)
	}
	b.WriteString(head + `{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],"usage":null}` + "\n\n")
	fmt.Fprintf(&b, head+`],"usage":{"prompt_tokens":7,"completion_tokens":%d,"total_tokens":%d}}`+"\n\n", n, n+7)
	b.WriteString("data: [DONE]\n\n")
	return []byte(b.String())
}

// benchStream measures a translator on a stream: "events" translates events parsed
// beforehand, "parse+events" also parses the stream from 1 KiB chunks, as the plugin does.
// MB/s are of upstream SSE.
func benchStream(b *testing.B, stream []byte, mk func() StreamTranslator) {
	var events []sse.Event
	var p sse.Parser
	p.Feed(stream, func(ev sse.Event) { events = append(events, ev) })
	out := make([]byte, 0, 4096)
	b.Run("events", func(b *testing.B) {
		b.SetBytes(int64(len(stream)))
		b.ReportAllocs()
		for b.Loop() {
			tr := mk()
			for _, ev := range events {
				out, _ = tr.Event(out[:0], ev)
			}
			out = tr.End(out[:0])
		}
	})
	b.Run("parse+events", func(b *testing.B) {
		b.SetBytes(int64(len(stream)))
		b.ReportAllocs()
		for b.Loop() {
			tr := mk()
			var p sse.Parser
			emit := func(ev sse.Event) { out, _ = tr.Event(out, ev) }
			for i := 0; i < len(stream); i += 1024 {
				out = out[:0]
				p.Feed(stream[i:min(i+1024, len(stream))], emit)
			}
			out = tr.End(out[:0])
		}
	})
}

func BenchmarkOpenAIStreamFromAnthropic(b *testing.B) {
	benchStream(b, anthropicStream(1000), func() StreamTranslator { return OpenAIStreamFromAnthropic("") })
}

func BenchmarkOpenAIStreamFromGemini(b *testing.B) {
	benchStream(b, geminiStream(1000), func() StreamTranslator { return OpenAIStreamFromGemini("") })
}

func BenchmarkAnthropicStreamFromOpenAI(b *testing.B) {
	benchStream(b, openAIStream(1000), func() StreamTranslator { return AnthropicStreamFromOpenAI("") })
}

// request2KB is a chat request of about 2 KB: a system prompt, a few turns, a tool call and
// its result, two tools.
func request2KB() []byte {
	const turn = `{"role":"user","content":"Please summarise the previous answer in two sentences and keep the tone friendly."},` +
		`{"role":"assistant","content":"Sure: the report covers third-quarter sales, which rose by eight percent, and lists the risks for next year."},`
	return []byte(`{"model":"gpt-4o","max_tokens":512,"temperature":0.3,"stream":true,"stream_options":{"include_usage":true},` +
		`"messages":[{"role":"system","content":"You are a careful assistant for the finance team. Answer briefly and cite figures."},` +
		strings.Repeat(turn, 4) +
		`{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_report","arguments":"{\"quarter\":\"Q3\",\"year\":2025}"}}]},` +
		`{"role":"tool","tool_call_id":"call_1","content":"{\"sales\":1200000,\"growth\":0.08}"},` +
		`{"role":"user","content":"And how does that compare with last year?"}],` +
		`"tools":[{"type":"function","function":{"name":"get_report","description":"Fetch a quarterly report","parameters":{"type":"object","properties":{"quarter":{"type":"string","enum":["Q1","Q2","Q3","Q4"]},"year":{"type":"integer"}},"required":["quarter","year"],"additionalProperties":false}}},` +
		`{"type":"function","function":{"name":"get_rate","description":"Exchange rate","parameters":{"type":"object","properties":{"currency":{"type":"string"}},"required":["currency"]}}}]}`)
}

func BenchmarkAnthropicRequest(b *testing.B) {
	req := request2KB()
	b.SetBytes(int64(len(req)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := AnthropicRequest(req, 1024); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGeminiRequest(b *testing.B) {
	req := request2KB()
	b.SetBytes(int64(len(req)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, _, err := GeminiRequest(req); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOpenAIRequestFromAnthropic(b *testing.B) {
	req, err := AnthropicRequest(request2KB(), 1024)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(req)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := OpenAIRequestFromAnthropic(req); err != nil {
			b.Fatal(err)
		}
	}
}

// TestBenchInputs keeps the benchmark inputs honest: they translate without errors.
func TestBenchInputs(t *testing.T) {
	if n := len(request2KB()); n < 1900 || n > 2300 {
		t.Errorf("request2KB is %d bytes", n)
	}
	for name, c := range map[string]struct {
		stream []byte
		mk     func() StreamTranslator
	}{
		"anthropic": {anthropicStream(10), func() StreamTranslator { return OpenAIStreamFromAnthropic("") }},
		"gemini":    {geminiStream(10), func() StreamTranslator { return OpenAIStreamFromGemini("") }},
		"openai":    {openAIStream(10), func() StreamTranslator { return AnthropicStreamFromOpenAI("") }},
	} {
		out := translateStream(c.mk(), c.stream, 0)
		checkSSE(t, name, out)
		if strings.Contains(string(out), ": upstream") {
			t.Errorf("%s: %s", name, out)
		}
	}
}
