package llm

import (
	"math"

	"github.com/tidwall/gjson"
)

// tokenUsage is a usage report in OpenAI's terms, counted as package usage counts: prompt is
// every input token, cached ones included, completion every generated token, reasoning
// included.
type tokenUsage struct {
	prompt, completion, total int64
	cached, reasoning         int64 // details, when the provider gave them
	hasCached, hasReasoning   bool
	seen                      bool
}

// tokens reads a count; anything but a non-negative whole number is ignored.
func tokens(v gjson.Result) (int64, bool) {
	if v.Type != gjson.Number || v.Num < 0 || v.Num > math.MaxInt64/4 || v.Num != math.Trunc(v.Num) {
		return 0, false
	}
	return int64(v.Num), true
}

// anthropicUsage accumulates Anthropic's counters: a stream reports them in message_start and
// again, cumulatively, in message_delta.
type anthropicUsage struct {
	input, cacheCreation, cacheRead, output int64
	seen, hasCacheRead                      bool
}

func (a *anthropicUsage) merge(u gjson.Result) {
	if !u.IsObject() {
		return
	}
	u.ForEach(func(key, v gjson.Result) bool {
		n, ok := tokens(v)
		if !ok {
			return true
		}
		switch key.Str {
		case "input_tokens":
			a.input = n
		case "cache_creation_input_tokens":
			a.cacheCreation = n
		case "cache_read_input_tokens":
			a.cacheRead, a.hasCacheRead = n, true
		case "output_tokens":
			a.output = n
		default:
			return true
		}
		a.seen = true
		return true
	})
}

// openAI counts cache writes and reads as prompt tokens, which Anthropic's input_tokens
// leaves out.
func (a *anthropicUsage) openAI() tokenUsage {
	prompt := a.input + a.cacheCreation + a.cacheRead
	return tokenUsage{prompt: prompt, completion: a.output, total: prompt + a.output,
		cached: a.cacheRead, hasCached: a.hasCacheRead, seen: a.seen}
}

// geminiTokenUsage reads usageMetadata. Tool-use prompt tokens count as prompt and thinking
// tokens as completion, which is how Gemini's own total adds up.
func geminiTokenUsage(u gjson.Result) tokenUsage {
	var t tokenUsage
	if !u.IsObject() {
		return t
	}
	var total int64
	hasTotal := false
	u.ForEach(func(key, v gjson.Result) bool {
		n, ok := tokens(v)
		if !ok {
			return true
		}
		switch key.Str {
		case "promptTokenCount", "toolUsePromptTokenCount":
			t.prompt += n
		case "candidatesTokenCount":
			t.completion += n
		case "thoughtsTokenCount":
			t.completion += n
			t.reasoning, t.hasReasoning = n, true
		case "cachedContentTokenCount":
			t.cached, t.hasCached = n, true
		case "totalTokenCount":
			total, hasTotal = n, true
		default:
			return true
		}
		t.seen = true
		return true
	})
	t.total = t.prompt + t.completion
	if hasTotal {
		t.total = total
	}
	return t
}

// openAITokenUsage reads an OpenAI usage object.
func openAITokenUsage(u gjson.Result) tokenUsage {
	var t tokenUsage
	if !u.IsObject() {
		return t
	}
	t.prompt, _ = tokens(u.Get("prompt_tokens"))
	t.completion, _ = tokens(u.Get("completion_tokens"))
	t.total, _ = tokens(u.Get("total_tokens"))
	t.cached, t.hasCached = tokens(u.Get("prompt_tokens_details.cached_tokens"))
	t.reasoning, t.hasReasoning = tokens(u.Get("completion_tokens_details.reasoning_tokens"))
	t.seen = true
	return t
}

// writeOpenAIUsage writes the value of an OpenAI "usage" key.
func writeOpenAIUsage(w *jsonWriter, t tokenUsage) {
	w.open('{')
	w.keyInt("prompt_tokens", t.prompt)
	w.keyInt("completion_tokens", t.completion)
	w.keyInt("total_tokens", t.total)
	if t.hasCached {
		w.keyOpen("prompt_tokens_details", '{')
		w.keyInt("cached_tokens", t.cached)
		w.close('}')
	}
	if t.hasReasoning {
		w.keyOpen("completion_tokens_details", '{')
		w.keyInt("reasoning_tokens", t.reasoning)
		w.close('}')
	}
	w.close('}')
}

// writeAnthropicUsage writes the value of an Anthropic "usage" key from OpenAI counts. The
// cached part of the prompt moves to cache_read_input_tokens, since Anthropic's input_tokens
// leaves it out.
func writeAnthropicUsage(w *jsonWriter, t tokenUsage) {
	cached := min(t.cached, t.prompt)
	w.open('{')
	w.keyInt("input_tokens", t.prompt-cached)
	if t.hasCached {
		w.keyInt("cache_read_input_tokens", cached)
	}
	w.keyInt("output_tokens", t.completion)
	w.close('}')
}
