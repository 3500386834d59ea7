package fakellm

import (
	"math"
	"slices"
	"strings"
	"testing"
)

func TestCountTokens(t *testing.T) {
	for _, tc := range []struct {
		text string
		want int
	}{
		{"", 0},
		{"   \n\t ", 0},
		{"hello", 1},
		{"hello world", 2},
		{"  hello,\n\tworld!  again ", 3},
		{"naïve café", 2},
	} {
		if got := CountTokens(tc.text); got != tc.want {
			t.Errorf("CountTokens(%q) = %d, want %d", tc.text, got, tc.want)
		}
	}
}

func TestReplyAndSplitTokens(t *testing.T) {
	for _, tc := range []struct {
		prompt, reply string
		tokens        []string
	}{
		{"", "Echo:", []string{"Echo:"}},
		{"hi", "Echo: hi", []string{"Echo:", " hi"}},
		{"  what is\n2 + 2?  ", "Echo: what is 2 + 2?", []string{"Echo:", " what", " is", " 2", " +", " 2?"}},
	} {
		if got := Reply(tc.prompt); got != tc.reply {
			t.Errorf("Reply(%q) = %q, want %q", tc.prompt, got, tc.reply)
		}
		got := SplitTokens(tc.reply)
		if !slices.Equal(got, tc.tokens) {
			t.Errorf("SplitTokens(%q) = %q, want %q", tc.reply, got, tc.tokens)
		}
		if strings.Join(got, "") != tc.reply {
			t.Errorf("tokens of %q do not concatenate back", tc.reply)
		}
		if CountTokens(tc.reply) != len(got) {
			t.Errorf("CountTokens(%q) = %d, but it splits into %d tokens", tc.reply, CountTokens(tc.reply), len(got))
		}
	}
}

func TestAnswerTruncates(t *testing.T) {
	for _, tc := range []struct {
		max       int
		text      string
		truncated bool
	}{
		{0, "Echo: one two three", false},
		{-1, "Echo: one two three", false},
		{4, "Echo: one two three", false},
		{9, "Echo: one two three", false},
		{3, "Echo: one two", true},
		{1, "Echo:", true},
	} {
		text, truncated := Answer("one two three", tc.max)
		if text != tc.text || truncated != tc.truncated {
			t.Errorf("Answer(max %d) = %q, %v; want %q, %v", tc.max, text, truncated, tc.text, tc.truncated)
		}
	}
}

func cosine(a, b []float32) float64 {
	var dot float64
	for i := range a {
		dot += float64(a[i]) * float64(b[i])
	}
	return dot
}

func TestEmbedIsUnitAndDeterministic(t *testing.T) {
	for _, dims := range []int{0, 1, 8, 64, 256} {
		v := Embed("The quick brown fox", dims)
		want := dims
		if dims == 0 {
			want = DefaultEmbeddingDims
		}
		if len(v) != want {
			t.Fatalf("Embed(dims %d) has %d dims, want %d", dims, len(v), want)
		}
		if n := math.Sqrt(cosine(v, v)); math.Abs(n-1) > 1e-6 {
			t.Errorf("Embed(dims %d) has norm %v, want 1", dims, n)
		}
		if !slices.Equal(v, Embed("The quick brown fox", dims)) {
			t.Errorf("Embed(dims %d) differs between calls", dims)
		}
	}
	if v := Embed("  ", 8); !slices.Equal(v, []float32{1, 0, 0, 0, 0, 0, 0, 0}) {
		t.Errorf("Embed of no words = %v, want the first unit vector", v)
	}
	// Case and surrounding punctuation do not make a different word.
	if !slices.Equal(Embed("Hello, World!", 64), Embed("hello world", 64)) {
		t.Error(`Embed("Hello, World!") != Embed("hello world")`)
	}
}

// The property ai-cache's semantic tests rely on: texts sharing words are closer than
// unrelated texts.
func TestEmbedSimilarity(t *testing.T) {
	for _, tc := range []struct {
		base, related, unrelated string
	}{
		{"what is the capital of France", "tell me the capital of France", "how do I bake sourdough bread"},
		{"how to reset my password", "reset password help", "weather forecast for tomorrow in Oslo"},
		{"translate hello into Spanish", "translate goodbye into Spanish", "list prime numbers below one hundred"},
	} {
		base := Embed(tc.base, DefaultEmbeddingDims)
		related := cosine(base, Embed(tc.related, DefaultEmbeddingDims))
		unrelated := cosine(base, Embed(tc.unrelated, DefaultEmbeddingDims))
		if related < 0.5 || related <= unrelated+0.3 {
			t.Errorf("%q: related %q has cosine %.3f, unrelated %q %.3f; want related >= 0.5 and well above",
				tc.base, tc.related, related, tc.unrelated, unrelated)
		}
	}
	if c := cosine(Embed("same text here", 64), Embed("same text here", 64)); math.Abs(c-1) > 1e-6 {
		t.Errorf("identical texts have cosine %v, want 1", c)
	}
}
