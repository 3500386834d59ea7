package usage

import (
	"github.com/aiwasm/aiwasm/sdkwrap/jsonguard"
	"github.com/tidwall/gjson"
)

// FromBody reads the usage of a whole JSON response body in format f. It reports false if the
// body is not valid JSON, has no usage, or f is not a known Format.
//
// A Gemini body may also be the JSON array streamGenerateContent returns without alt=sse;
// the last usageMetadata in it counts.
func FromBody(f Format, body []byte) (Usage, bool) {
	if f < OpenAI || f > Gemini || !jsonguard.Valid(body) {
		return Usage{}, false
	}
	switch f {
	case OpenAI:
		return openAIUsage(gjson.GetBytes(body, "usage"))
	case Anthropic:
		var a anthropicCounts
		a.merge(gjson.GetBytes(body, "usage"))
		return a.usage()
	default:
		return geminiDocument(gjson.ParseBytes(body))
	}
}
