package usage

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aiwasm/aiwasm/sdkwrap/sse"
)

// openAIStream100 is a 100-event chat completion stream with include_usage.
func openAIStream100() []byte {
	var b strings.Builder
	for i := 0; i < 100; i++ {
		fmt.Fprintf(&b, `data: {"id":"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG","object":"chat.completion.chunk","created":1741570283,"model":"gpt-4o-2024-08-06","system_fingerprint":"fp_eb9dce56a8","choices":[{"index":0,"delta":{"content":" word%d"},"logprobs":null,"finish_reason":null}],"usage":null}`+"\n\n", i)
	}
	b.WriteString(openAIUsageChunk)
	b.WriteString("data: [DONE]\n\n")
	return []byte(b.String())
}

// BenchmarkStreamMeter measures what a rate-limit plugin spends on a stream: parsing it in
// 1 KiB chunks and metering every event.
func BenchmarkStreamMeter(b *testing.B) {
	stream := openAIStream100()
	b.SetBytes(int64(len(stream)))
	b.ReportAllocs()
	for b.Loop() {
		m := NewStreamMeter(OpenAI)
		var p sse.Parser
		for i := 0; i < len(stream); i += 1024 {
			if err := p.Feed(stream[i:min(i+1024, len(stream))], m.Observe); err != nil {
				b.Fatal(err)
			}
		}
		if u, ok := m.Usage(); !ok || u.Total != 29 {
			b.Fatalf("usage %+v %v", u, ok)
		}
	}
}

// BenchmarkStreamMeterObserve measures the meter alone, on events already parsed.
func BenchmarkStreamMeterObserve(b *testing.B) {
	var events []sse.Event
	var p sse.Parser
	stream := openAIStream100()
	_ = p.Feed(stream, func(ev sse.Event) { events = append(events, ev) })
	b.SetBytes(int64(len(stream)))
	b.ReportAllocs()
	for b.Loop() {
		m := NewStreamMeter(OpenAI)
		for _, ev := range events {
			m.Observe(ev)
		}
	}
}

func BenchmarkFromBody(b *testing.B) {
	body := []byte(`{"id":"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG","object":"chat.completion","created":1741570283,"model":"gpt-4o-2024-08-06","choices":[{"index":0,"message":{"role":"assistant","content":"` +
		strings.Repeat("lorem ipsum ", 200) + `","refusal":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":1117,"completion_tokens":46,"total_tokens":1163,"prompt_tokens_details":{"cached_tokens":1024}}}`)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := FromBody(OpenAI, body); !ok {
			b.Fatal("no usage")
		}
	}
}
