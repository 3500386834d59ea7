package llm

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// goldenRule runs one translation on an input file of a testdata case. Its outputs are
// compared with files of the case: the translation's output in output, or, when it fails,
// the error message in output with its extension replaced by ".err".
type goldenRule struct {
	input, output string
	run           func(in []byte) (out []byte, extra map[string][]byte, err error)
}

var goldenRules = []goldenRule{
	{"openai_request.json", "anthropic_request.json", func(in []byte) ([]byte, map[string][]byte, error) {
		out, err := AnthropicRequest(in, 1024)
		return out, nil, err
	}},
	{"openai_request.json", "gemini_request.json", func(in []byte) ([]byte, map[string][]byte, error) {
		out, model, stream, err := GeminiRequest(in)
		method := ":generateContent"
		if stream {
			method = ":streamGenerateContent?alt=sse"
		}
		return out, map[string][]byte{"gemini_target.txt": []byte("POST models/" + model + method + "\n")}, err
	}},
	{"client_anthropic_request.json", "upstream_openai_request.json", func(in []byte) ([]byte, map[string][]byte, error) {
		out, err := OpenAIRequestFromAnthropic(in)
		return out, nil, err
	}},
	{"anthropic_response.json", "openai_response_from_anthropic.json", func(in []byte) ([]byte, map[string][]byte, error) {
		out, err := OpenAIResponseFromAnthropic(in)
		return out, nil, err
	}},
	{"gemini_response.json", "openai_response_from_gemini.json", func(in []byte) ([]byte, map[string][]byte, error) {
		out, err := OpenAIResponseFromGemini(in, "")
		return out, nil, err
	}},
	{"openai_response.json", "anthropic_response_from_openai.json", func(in []byte) ([]byte, map[string][]byte, error) {
		out, err := AnthropicResponseFromOpenAI(in)
		return out, nil, err
	}},
	{"anthropic_stream.sse", "openai_stream_from_anthropic.sse", func(in []byte) ([]byte, map[string][]byte, error) {
		return translateStream(OpenAIStreamFromAnthropic(""), in, 0), nil, nil
	}},
	{"gemini_stream.sse", "openai_stream_from_gemini.sse", func(in []byte) ([]byte, map[string][]byte, error) {
		return translateStream(OpenAIStreamFromGemini(""), in, 0), nil, nil
	}},
	{"openai_stream.sse", "anthropic_stream_from_openai.sse", func(in []byte) ([]byte, map[string][]byte, error) {
		return translateStream(AnthropicStreamFromOpenAI(""), in, 0), nil, nil
	}},
}

// TestGolden runs every rule on every case under testdata/ that has its input. With -update
// it rewrites the outputs instead, to be reviewed before they are committed.
func TestGolden(t *testing.T) {
	dirs, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		if !d.IsDir() || d.Name() == "fuzz" {
			continue
		}
		dir := filepath.Join("testdata", d.Name())
		ran := false
		for _, r := range goldenRules {
			in := filepath.Join(dir, r.input)
			if !exists(in) {
				continue
			}
			ran = true
			t.Run(d.Name()+"/"+strings.TrimSuffix(r.output, filepath.Ext(r.output)), func(t *testing.T) {
				runGolden(t, dir, r, mustRead(t, in))
			})
		}
		if !ran {
			t.Errorf("%s: no input file", dir)
		}
	}
}

func runGolden(t *testing.T, dir string, r goldenRule, in []byte) {
	outPath := filepath.Join(dir, r.output)
	errPath := strings.TrimSuffix(outPath, filepath.Ext(outPath)) + ".err"
	out, extra, err := r.run(in)
	checkError(t, r.output, err)
	if *update {
		os.Remove(outPath)
		os.Remove(errPath)
		for name := range extra {
			os.Remove(filepath.Join(dir, name))
		}
		if err != nil {
			writeFile(t, errPath, errorText(err))
			return
		}
		if strings.HasSuffix(outPath, ".json") {
			out = indentJSON(out)
		}
		writeFile(t, outPath, out)
		for name, b := range extra {
			writeFile(t, filepath.Join(dir, name), b)
		}
		return
	}
	if err != nil {
		if !exists(errPath) {
			t.Fatalf("unexpected error: %v", err)
		}
		if got, want := string(errorText(err)), string(mustRead(t, errPath)); got != want {
			t.Fatalf("error\n got: %s want: %s", got, want)
		}
		return
	}
	if !exists(outPath) {
		t.Fatalf("no error, but %s expects: %s", errPath, mustRead(t, errPath))
	}
	want := mustRead(t, outPath)
	if strings.HasSuffix(outPath, ".sse") {
		checkSSE(t, r.output, out)
		sameStream(t, r.output, out, want)
	} else {
		sameJSON(t, r.output, out, want)
	}
	for name, b := range extra {
		if got, want := string(b), string(mustRead(t, filepath.Join(dir, name))); got != want {
			t.Errorf("%s\n got: %s want: %s", name, got, want)
		}
	}
}

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
