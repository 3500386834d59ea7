package usage

import (
	"strings"
	"testing"

	"github.com/aiwasm/aiwasm/sdkwrap/sse"
)

// FuzzUsage feeds arbitrary bytes as a body, as a stream and as one event's data, in every
// format: nothing may panic and no count may be negative.
func FuzzUsage(f *testing.F) {
	f.Add([]byte(`{"usage":{"prompt_tokens":19,"completion_tokens":10,"total_tokens":29}}`))
	f.Add([]byte(`{"type":"message_start","message":{"usage":{"input_tokens":25,"cache_read_input_tokens":100,"output_tokens":1}}}`))
	f.Add([]byte(`{"usageMetadata":{"promptTokenCount":9,"candidatesTokenCount":6,"thoughtsTokenCount":30,"totalTokenCount":45}}`))
	f.Add([]byte(`[{"usageMetadata":{"promptTokenCount":1e400}},{"usageMetadata":{"candidatesTokenCount":-1}}]`))
	f.Add([]byte(anthropicStart + anthropicEnd))
	f.Add([]byte(openAIChunks + openAIUsageChunk + "data: [DONE]\n\n"))
	f.Add([]byte(geminiStream))
	f.Fuzz(func(t *testing.T, input []byte) {
		check := func(what string, f Format, u Usage, ok bool) {
			if u.Prompt < 0 || u.Completion < 0 || u.Total < 0 {
				t.Fatalf("%s %v: negative usage %+v", what, f, u)
			}
			if !ok && u != (Usage{}) {
				t.Fatalf("%s %v: usage %+v reported as not seen", what, f, u)
			}
		}
		for _, f := range []Format{0, OpenAI, Anthropic, Gemini} {
			body, bodyOK := FromBody(f, input)
			check("body", f, body, bodyOK)

			m := NewStreamMeter(f)
			var p sse.Parser
			_ = p.Feed(input, m.Observe)
			if ev, ok := p.Flush(); ok {
				m.Observe(ev)
			}
			u, ok := m.Usage()
			check("stream", f, u, ok)

			for _, name := range []string{"", "message_start", "message_delta"} {
				m := NewStreamMeter(f)
				m.Observe(sse.Event{Event: name, Data: string(input), HasData: true})
				u, ok := m.Usage()
				check("event", f, u, ok)
				// OpenAI and Gemini read an event's data exactly like a body (the meter skips
				// data that does not spell out the usage key, which FromBody does not need).
				if (f == OpenAI || f == Gemini) && strings.Contains(string(input), `"usage`) && (u != body || ok != bodyOK) {
					t.Fatalf("%v: event gives %+v %v, body gives %+v %v", f, u, ok, body, bodyOK)
				}
			}
		}
	})
}
