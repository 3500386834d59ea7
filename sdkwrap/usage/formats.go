package usage

import "github.com/tidwall/gjson"

// openAIUsage reads an OpenAI usage object.
func openAIUsage(u gjson.Result) (Usage, bool) {
	if !u.IsObject() {
		return Usage{}, false
	}
	var prompt, completion, total count
	u.ForEach(func(key, value gjson.Result) bool {
		switch key.Str {
		case "prompt_tokens":
			prompt = tokenCount(value)
		case "completion_tokens":
			completion = tokenCount(value)
		case "total_tokens":
			total = tokenCount(value)
		}
		return true
	})
	return build(prompt, completion, total)
}

// anthropicCounts are Anthropic's usage counters, kept apart because a stream reports them in
// several events: message_start has them all, later message_delta events repeat some,
// cumulatively.
type anthropicCounts struct {
	input, cacheCreation, cacheRead, output count
}

// merge takes the counters present in a usage object; absent or invalid ones keep their value.
func (a *anthropicCounts) merge(u gjson.Result) {
	if !u.IsObject() {
		return
	}
	u.ForEach(func(key, value gjson.Result) bool {
		var dst *count
		switch key.Str {
		case "input_tokens":
			dst = &a.input
		case "cache_creation_input_tokens":
			dst = &a.cacheCreation
		case "cache_read_input_tokens":
			dst = &a.cacheRead
		case "output_tokens":
			dst = &a.output
		default:
			return true
		}
		if c := tokenCount(value); c.ok {
			*dst = c
		}
		return true
	})
}

// usage charges cached input as input: see the package documentation.
func (a anthropicCounts) usage() (Usage, bool) {
	prompt := count{
		n:  add(add(a.input.n, a.cacheCreation.n), a.cacheRead.n),
		ok: a.input.ok || a.cacheCreation.ok || a.cacheRead.ok,
	}
	return build(prompt, a.output, count{})
}

// geminiUsage reads a Gemini usageMetadata object.
func geminiUsage(u gjson.Result) (Usage, bool) {
	if !u.IsObject() {
		return Usage{}, false
	}
	var prompt, toolPrompt, candidates, thoughts, total count
	u.ForEach(func(key, value gjson.Result) bool {
		switch key.Str {
		case "promptTokenCount":
			prompt = tokenCount(value)
		case "toolUsePromptTokenCount":
			toolPrompt = tokenCount(value)
		case "candidatesTokenCount":
			candidates = tokenCount(value)
		case "thoughtsTokenCount":
			thoughts = tokenCount(value)
		case "totalTokenCount":
			total = tokenCount(value)
		}
		return true
	})
	return build(
		count{add(prompt.n, toolPrompt.n), prompt.ok || toolPrompt.ok},
		count{add(candidates.n, thoughts.n), candidates.ok || thoughts.ok},
		total,
	)
}

// geminiDocument reads the usage of a Gemini response, or of the JSON array of responses that
// streamGenerateContent returns without alt=sse, where the last usageMetadata wins.
func geminiDocument(doc gjson.Result) (Usage, bool) {
	if !doc.IsArray() {
		return geminiUsage(doc.Get("usageMetadata"))
	}
	var last Usage
	found := false
	doc.ForEach(func(_, item gjson.Result) bool {
		if u, ok := geminiUsage(item.Get("usageMetadata")); ok {
			last, found = u, true
		}
		return true
	})
	return last, found
}
