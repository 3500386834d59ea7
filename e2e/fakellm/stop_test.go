package fakellm

import (
	"context"
	"fmt"
	"testing"

	"github.com/openai/openai-go/v3"
)

func TestCutAtStop(t *testing.T) {
	for _, tc := range []struct {
		text    string
		stops   []string
		cut     string
		matched string
	}{
		{"Echo: a b c", nil, "Echo: a b c", ""},
		{"Echo: a b c", []string{"x"}, "Echo: a b c", ""},
		{"Echo: a b c", []string{"b"}, "Echo: a ", "b"},
		{"Echo: a b c", []string{"a b", " a"}, "Echo:", " a"}, // the earliest match wins
		{"Echo: a b c", []string{"", "Echo"}, "", "Echo"},
		{"Echo: a b c", []string{"b c", "b"}, "Echo: a ", "b c"}, // a tie goes to the first listed
	} {
		cut, matched := cutAtStop(tc.text, tc.stops)
		if cut != tc.cut || matched != tc.matched {
			t.Errorf("cutAtStop(%q, %q) = %q, %q; want %q, %q", tc.text, tc.stops, cut, matched, tc.cut, tc.matched)
		}
	}
}

func TestNewAnswerStopAndLimit(t *testing.T) {
	conv := conversation{lastUser: "one two three four", last: turnUser}
	for _, tc := range []struct {
		name      string
		rules     replyRules
		text      string
		stop      string
		truncated bool
	}{
		{"stop sequence", replyRules{stop: []string{"three"}}, "Echo: one two", "three", false},
		{"stop mid-word", replyRules{stop: []string{"hree"}}, "Echo: one two t", "hree", false},
		{"limit before the stop", replyRules{stop: []string{"four"}, maxTokens: 2}, "Echo: one", "", true},
		{"stop before the limit", replyRules{stop: []string{"two"}, maxTokens: 3}, "Echo: one", "two", false},
		{"stop at the start", replyRules{stop: []string{"Echo"}}, "", "Echo", false},
		{"stop in JSON mode", replyRules{jsonMode: true, stop: []string{" three"}}, `{"echo":"one two`, " three", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := newAnswer(conv, tc.rules)
			if a.text != tc.text || a.stopSequence != tc.stop || a.truncated != tc.truncated || a.completionTokens() != CountTokens(tc.text) {
				t.Errorf("got %q stop %q truncated %v tokens %d; want %q %q %v", a.text, a.stopSequence, a.truncated, a.completionTokens(), tc.text, tc.stop, tc.truncated)
			}
		})
	}
}

func TestOpenAIStopWithSDK(t *testing.T) {
	srv := startFake(t, Config{})
	client := newOpenAIClient(srv.URL()+"/v1", "k")
	// The reply to chatParams is "Echo: What is the capital of France?".
	for _, tc := range []struct {
		name      string
		stop      openai.ChatCompletionNewParamsStopUnion
		maxTokens int64
		text      string
		finish    string
	}{
		{"string", openai.ChatCompletionNewParamsStopUnion{OfString: openai.String("capital")}, 0, "Echo: What is the", "stop"},
		{"array, earliest wins", openai.ChatCompletionNewParamsStopUnion{OfStringArray: []string{"France", " is"}}, 0, "Echo: What", "stop"},
		{"absent from the reply", openai.ChatCompletionNewParamsStopUnion{OfString: openai.String("Berlin")}, 0, "Echo: What is the capital of France?", "stop"},
		{"max tokens first", openai.ChatCompletionNewParamsStopUnion{OfString: openai.String("France")}, 2, "Echo: What", "length"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			params := chatParams("gpt-4o", tc.maxTokens)
			params.Stop = tc.stop
			res, err := client.Chat.Completions.New(context.Background(), params)
			if err != nil {
				t.Fatal(err)
			}
			if res.Choices[0].Message.Content != tc.text || res.Choices[0].FinishReason != tc.finish || res.Usage.CompletionTokens != int64(CountTokens(tc.text)) {
				t.Errorf("%q finish %q usage %+v; want %q %q", res.Choices[0].Message.Content, res.Choices[0].FinishReason, res.Usage, tc.text, tc.finish)
			}
			acc, _ := streamChat(t, client, params)
			if acc.Choices[0].Message.Content != tc.text || acc.Choices[0].FinishReason != tc.finish || !sameUsage(acc.Usage, res.Usage) {
				t.Errorf("stream %q finish %q usage %+v", acc.Choices[0].Message.Content, acc.Choices[0].FinishReason, acc.Usage)
			}
		})
	}
	if res := post(t, srv.URL()+"/v1/chat/completions", `{"model":"m","stop":7,"messages":[{"role":"user","content":"x"}]}`); res.status != 400 || field(res.json(t), "error", "param") != "stop" {
		t.Errorf("stop of the wrong type: %d %s", res.status, res.body)
	}
}

func TestAnthropicStopSequences(t *testing.T) {
	srv := startFake(t, Config{})
	url := srv.URL() + "/v1/messages"
	body := func(stream bool, stops string) string {
		return fmt.Sprintf(`{"model":"c","max_tokens":100,"stream":%v,"stop_sequences":%s,"messages":[{"role":"user","content":"one two three four"}]}`, stream, stops)
	}
	for _, tc := range []struct {
		name, stops, text, reason string
		sequence                  any
	}{
		{"matched", `["three","two"]`, "Echo: one", "stop_sequence", "two"},
		{"not matched", `["five"]`, "Echo: one two three four", "end_turn", nil},
		{"at the start", `["Echo"]`, "", "stop_sequence", "Echo"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := post(t, url, body(false, tc.stops), anthropicHeaders("k")...).json(t)
			if field(v, "content", 0, "text") != tc.text || v["stop_reason"] != tc.reason || v["stop_sequence"] != tc.sequence ||
				field(v, "usage", "output_tokens") != float64(CountTokens(tc.text)) {
				t.Errorf("body %v, want %q %s %v", v, tc.text, tc.reason, tc.sequence)
			}
			stream := readAnthropicStream(t, post(t, url, body(true, tc.stops), anthropicHeaders("k")...))
			if stream.text != tc.text || field(stream.delta, "delta", "stop_reason") != tc.reason || field(stream.delta, "delta", "stop_sequence") != tc.sequence {
				t.Errorf("stream %q, message_delta %v", stream.text, stream.delta)
			}
		})
	}
}

func TestGeminiStopSequences(t *testing.T) {
	srv := startFake(t, Config{})
	base := srv.URL() + "/v1beta/models/gemini-2.5-flash"
	for _, tc := range []struct {
		name, config, text, finish string
	}{
		{"matched", `"generationConfig":{"stopSequences":["three"]}`, "Echo: one two", "STOP"},
		{"snake_case", `"generation_config":{"stop_sequences":["two"]}`, "Echo: one", "STOP"},
		{"limit first", `"generationConfig":{"stopSequences":["four"],"maxOutputTokens":2}`, "Echo: one", "MAX_TOKENS"},
		{"at the start", `"generationConfig":{"stopSequences":["Echo"]}`, "", "STOP"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := `{"contents":[{"parts":[{"text":"one two three four"}]}],` + tc.config + `}`
			v := post(t, base+":generateContent", body).json(t)
			if field(v, "candidates", 0, "content", "parts", 0, "text") != tc.text || field(v, "candidates", 0, "finishReason") != tc.finish {
				t.Errorf("candidate %v, want %q %s", field(v, "candidates", 0), tc.text, tc.finish)
			}
			chunks := geminiStreamChunks(t, base, body)
			var streamed string
			for _, c := range chunks {
				streamed += field(c, "candidates", 0, "content", "parts", 0, "text").(string)
			}
			last := chunks[len(chunks)-1]
			if streamed != tc.text || field(last, "candidates", 0, "finishReason") != tc.finish ||
				field(last, "usageMetadata", "candidatesTokenCount") != float64(CountTokens(tc.text)) {
				t.Errorf("streamed %q, last chunk %v", streamed, last)
			}
		})
	}
}
