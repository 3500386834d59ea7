package sse

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// openAIStream is a chat completion stream as OpenAI sends it with include_usage: events of
// about 220 bytes, the usage chunk, then [DONE].
func openAIStream(events int) []byte {
	var b strings.Builder
	words := []string{" The", " quick", " brown", " fox", " jumps", " over", " the", " lazy", " dog", "."}
	for i := 0; i < events; i++ {
		fmt.Fprintf(&b, `data: {"id":"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG","object":"chat.completion.chunk","created":1741570283,"model":"gpt-4o-2024-08-06","system_fingerprint":"fp_eb9dce56a8","choices":[{"index":0,"delta":{"content":%s},"logprobs":null,"finish_reason":null}],"usage":null}`+"\n\n",
			strconv.Quote(words[i%len(words)]))
	}
	b.WriteString(`data: {"id":"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG","object":"chat.completion.chunk","created":1741570283,"model":"gpt-4o-2024-08-06","system_fingerprint":"fp_eb9dce56a8","choices":[],"usage":{"prompt_tokens":19,"completion_tokens":` + strconv.Itoa(events) + `,"total_tokens":` + strconv.Itoa(events+19) + "}}\n\n")
	b.WriteString("data: [DONE]\n\n")
	return []byte(b.String())
}

func BenchmarkParse(b *testing.B) {
	stream := openAIStream(1000)
	for _, size := range []int{1024, 16 << 10, 509, 61} {
		b.Run("chunk="+strconv.Itoa(size), func(b *testing.B) {
			b.SetBytes(int64(len(stream)))
			b.ReportAllocs()
			events := 0
			emit := func(ev Event) { events += len(ev.Data) & 1 }
			var p Parser
			for b.Loop() {
				for i := 0; i < len(stream); i += size {
					if err := p.Feed(stream[i:min(i+size, len(stream))], emit); err != nil {
						b.Fatal(err)
					}
				}
				p.Flush()
			}
		})
	}
}

func BenchmarkAppendEvent(b *testing.B) {
	ev := Event{Event: "content_block_delta", Data: `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" word"}}`, HasData: true}
	buf := make([]byte, 0, 256)
	b.ReportAllocs()
	for b.Loop() {
		buf = AppendEvent(buf[:0], ev)
	}
	b.SetBytes(int64(len(buf)))
}
