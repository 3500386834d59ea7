package usage

// Usage is the token count of one request.
type Usage struct {
	Prompt     int64 // input tokens, cached ones included
	Completion int64 // generated tokens, reasoning included
	Total      int64 // the provider's total, else Prompt + Completion
}

// Format is a provider's wire format. The zero Format is none: it never yields usage.
type Format uint8

const (
	// OpenAI is the chat completions format, spoken also by Azure OpenAI, DeepSeek and every
	// OpenAI-compatible API: usage.prompt_tokens, completion_tokens, total_tokens. A stream
	// carries usage only if the request asked for stream_options.include_usage.
	OpenAI Format = iota + 1
	// Anthropic is the Messages API: usage.input_tokens, output_tokens and the cache counts.
	Anthropic
	// Gemini is generateContent and streamGenerateContent: usageMetadata.
	Gemini
)

func (f Format) String() string {
	switch f {
	case OpenAI:
		return "openai"
	case Anthropic:
		return "anthropic"
	case Gemini:
		return "gemini"
	}
	return "unknown"
}
