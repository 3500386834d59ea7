package llm

import (
	"bytes"
	"math/rand"
	"path/filepath"
	"testing"

	"github.com/aiwasm/aiwasm/sdkwrap/sse"
)

// streamTranslators names a constructor for each upstream stream file of testdata.
var streamTranslators = map[string]func() StreamTranslator{
	"anthropic_stream.sse": func() StreamTranslator { return OpenAIStreamFromAnthropic("") },
	"gemini_stream.sse":    func() StreamTranslator { return OpenAIStreamFromGemini("") },
	"openai_stream.sse":    func() StreamTranslator { return AnthropicStreamFromOpenAI("") },
}

// TestStreamChunking feeds every stream of testdata cut in many ways: fixed chunk sizes and
// random cuts. The body's chunks never line up with events in a proxy; the output must not
// depend on them.
func TestStreamChunking(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for _, file := range sortedKeys(streamTranslators) {
		paths, _ := filepath.Glob(filepath.Join("testdata", "*", file))
		for _, path := range paths {
			in := mustRead(t, path)
			newTranslator := streamTranslators[file]
			whole := translateStream(newTranslator(), in, 0)
			for _, size := range []int{1, 2, 3, 5, 7, 13, 64, 1000} {
				if got := translateStream(newTranslator(), in, size); !bytes.Equal(got, whole) {
					t.Errorf("%s in chunks of %d:\n%s\nwhole:\n%s", path, size, got, whole)
				}
			}
			for n := 0; n < 20; n++ {
				if got := translateRandomCuts(newTranslator(), in, rng); !bytes.Equal(got, whole) {
					t.Errorf("%s cut at random:\n%s\nwhole:\n%s", path, got, whole)
				}
			}
		}
	}
}

// translateRandomCuts feeds stream in chunks of random sizes, each written into a reused
// buffer, as a proxy's body buffers are.
func translateRandomCuts(tr StreamTranslator, stream []byte, rng *rand.Rand) []byte {
	var p sse.Parser
	var out []byte
	buf := make([]byte, 0, 64)
	emit := func(ev sse.Event) {
		var err error
		if out, err = tr.Event(out, ev); err != nil {
			out = append(out, ": "+err.Error()+"\n\n"...)
		}
	}
	for len(stream) > 0 {
		n := min(1+rng.Intn(40), len(stream))
		buf = append(buf[:0], stream[:n]...)
		stream = stream[n:]
		if err := p.Feed(buf, emit); err != nil {
			panic(err)
		}
		for i := range buf {
			buf[i] = 'X' // the translator must not keep the chunk
		}
	}
	if ev, ok := p.Flush(); ok {
		emit(ev)
	}
	return tr.End(out)
}

// TestEndIsIdempotent: End after a proper end, or twice, adds nothing.
func TestEndIsIdempotent(t *testing.T) {
	for _, file := range sortedKeys(streamTranslators) {
		paths, _ := filepath.Glob(filepath.Join("testdata", "*", file))
		for _, path := range paths {
			tr := streamTranslators[file]()
			out := translateStream(tr, mustRead(t, path), 0)
			if again := tr.End(nil); len(again) != 0 {
				t.Errorf("%s: a second End wrote %q", path, again)
			}
			checkSSE(t, path, out)
		}
	}
}

// TestEndOfEmptyStream: an upstream that sent nothing still gives the client a closed stream.
func TestEndOfEmptyStream(t *testing.T) {
	if got := string(OpenAIStreamFromAnthropic("m").End(nil)); got != "data: [DONE]\n\n" {
		t.Errorf("Anthropic: %q", got)
	}
	if got := string(OpenAIStreamFromGemini("m").End(nil)); got != "data: [DONE]\n\n" {
		t.Errorf("Gemini: %q", got)
	}
	out := AnthropicStreamFromOpenAI("m").End(nil)
	checkSSE(t, "OpenAI", out)
	m := readAnthropicStream(t, out)
	if m.Text != "" || len(m.Calls) != 0 || m.Finish != "" {
		t.Errorf("OpenAI: %+v from %s", m, out)
	}
	if evs := parseEvents(t, out); len(evs) != 3 || evs[0].Event != "message_start" || evs[2].Event != "message_stop" {
		t.Errorf("OpenAI: %s", out)
	}
}

// TestStreamModelOverride: a model given to the translator is what the client sees.
func TestStreamModelOverride(t *testing.T) {
	for file, mk := range map[string]func(string) StreamTranslator{
		"stream_anthropic_text/anthropic_stream.sse": OpenAIStreamFromAnthropic,
		"stream_gemini_text/gemini_stream.sse":       OpenAIStreamFromGemini,
		"stream_openai_text/openai_stream.sse":       AnthropicStreamFromOpenAI,
	} {
		out := translateStream(mk(`my "alias"`), mustRead(t, filepath.Join("testdata", file)), 0)
		if !bytes.Contains(out, []byte(`"model":"my \"alias\""`)) {
			t.Errorf("%s: model not overridden:\n%s", file, out)
		}
	}
}

// TestMalformedEvent: an event that is not JSON is reported and skipped, adding nothing; the
// stream goes on.
func TestMalformedEvent(t *testing.T) {
	for name, tr := range map[string]StreamTranslator{
		"anthropic": OpenAIStreamFromAnthropic(""),
		"gemini":    OpenAIStreamFromGemini(""),
		"openai":    AnthropicStreamFromOpenAI(""),
	} {
		out, err := tr.Event([]byte("kept"), sse.Event{Event: "content_block_delta", Data: `{"type":"content_bl`, HasData: true})
		var up *UpstreamError
		if string(out) != "kept" || err == nil || !asUpstream(err, &up) {
			t.Errorf("%s: %q, %v", name, out, err)
		}
		checkSSE(t, name, tr.End(nil))
	}
}

func asUpstream(err error, target **UpstreamError) bool {
	e, ok := err.(*UpstreamError)
	*target = e
	return ok
}
