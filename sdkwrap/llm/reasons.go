package llm

// OpenAI finish reasons.
const (
	finishStop          = "stop"
	finishLength        = "length"
	finishToolCalls     = "tool_calls"
	finishContentFilter = "content_filter"
)

// finishFromAnthropic maps an Anthropic stop_reason to an OpenAI finish_reason. pause_turn (a
// server tool paused the turn) and unknown reasons end the turn as far as OpenAI can say.
func finishFromAnthropic(reason string) string {
	switch reason {
	case "max_tokens", "model_context_window_exceeded":
		return finishLength
	case "tool_use":
		return finishToolCalls
	case "refusal":
		return finishContentFilter
	}
	return finishStop
}

// finishFromGemini maps a Gemini finishReason. A candidate that called functions finished
// with tool_calls whatever Gemini says (it says STOP).
func finishFromGemini(reason string, calledTools bool) string {
	switch reason {
	case "MAX_TOKENS":
		return finishLength
	case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII",
		"IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION":
		return finishContentFilter
	}
	if calledTools {
		return finishToolCalls
	}
	return finishStop
}

// stopReasonFromOpenAI maps an OpenAI finish_reason to an Anthropic stop_reason.
func stopReasonFromOpenAI(reason string) string {
	switch reason {
	case finishLength:
		return "max_tokens"
	case finishToolCalls, "function_call":
		return "tool_use"
	case finishContentFilter:
		return "refusal"
	}
	return "end_turn"
}
