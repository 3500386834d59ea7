package llm

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/aiwasm/aiwasm/sdkwrap/sse"
)

// seedFiles adds the testdata files matching pattern to a fuzz corpus.
func seedFiles(f *testing.F, pattern string) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "*", pattern))
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// FuzzBodies gives arbitrary bytes to every whole-body translation: nothing may panic, every
// output must be JSON and every error one of the package's types.
func FuzzBodies(f *testing.F) {
	seedFiles(f, "*.json")
	f.Add([]byte(`{"messages":[{"role":"tool","tool_call_id":"x","content":[{"type":"image_url","image_url":"data:;base64,"}]}]}`))
	f.Add([]byte(`{"messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"f","parameters":{"$ref":"#/$defs/a","$defs":{"a":{"$ref":"#/$defs/a"}}}}}]}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		check := func(what string, out []byte, err error) {
			checkError(t, what, err)
			if err == nil && !json.Valid(out) {
				t.Fatalf("%s: output is not JSON: %s", what, out)
			}
		}
		out, err := AnthropicRequest(in, 0)
		check("AnthropicRequest", out, err)
		out, _, _, err = GeminiRequest(in)
		check("GeminiRequest", out, err)
		out, err = OpenAIRequestFromAnthropic(in)
		check("OpenAIRequestFromAnthropic", out, err)
		out, err = OpenAIResponseFromAnthropic(in)
		check("OpenAIResponseFromAnthropic", out, err)
		out, err = OpenAIResponseFromGemini(in, "m")
		check("OpenAIResponseFromGemini", out, err)
		out, err = AnthropicResponseFromOpenAI(in)
		check("AnthropicResponseFromOpenAI", out, err)
		for _, p := range []Protocol{OpenAI, Anthropic, Gemini} {
			check("OpenAIError", OpenAIError(p, 500, in), nil)
		}
		check("AnthropicError", AnthropicError(400, string(in)), nil)
	})
}

// FuzzStreams gives arbitrary bytes to every stream translator as an upstream stream, whole
// and cut at split: nothing may panic, the output must be complete events whose data is JSON
// (or [DONE]), and the cut must not change it.
func FuzzStreams(f *testing.F) {
	seedFiles(f, "*.sse")
	f.Fuzz(func(t *testing.T, in []byte) {
		for file, mk := range streamTranslators {
			whole := translateStream(mk(), in, 0)
			checkSSE(t, file, whole)
			cut := translateStream(mk(), in, 1+len(in)/3)
			if string(cut) != string(whole) {
				t.Fatalf("%s: output depends on the chunking\nwhole:\n%s\ncut:\n%s", file, whole, cut)
			}
		}
	})
}

// FuzzStreamEvent gives each translator arbitrary events, named or not: the same checks one
// level down, where random bytes rarely reach through an SSE parser.
func FuzzStreamEvent(f *testing.F) {
	for _, name := range []string{"message_start", "content_block_start", "content_block_delta", "message_delta", "error", ""} {
		f.Add(name, `{"type":"`+name+`","index":0}`)
	}
	f.Add("content_block_delta", `{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\"a"}}`)
	f.Add("", `{"candidates":[{"index":7,"content":{"parts":[{"functionCall":{"name":"f","args":{}},"thoughtSignature":"+/=="}]},"finishReason":"STOP"}]}`)
	f.Add("", `{"choices":[{"index":0,"delta":{"tool_calls":[{"index":3,"function":{"arguments":"x"}}]},"finish_reason":"length"}],"usage":{"prompt_tokens":1e30}}`)
	f.Fuzz(func(t *testing.T, name, data string) {
		for file, mk := range streamTranslators {
			tr := mk()
			var out []byte
			for i := 0; i < 3; i++ {
				var err error
				out, err = tr.Event(out, sse.Event{Event: name, Data: data, HasData: true})
				checkError(t, file, err)
			}
			checkSSE(t, file, tr.End(out))
		}
	})
}
