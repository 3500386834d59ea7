package llm

// Protocol is an API family: the wire format of a client or of a provider.
type Protocol int

const (
	// OpenAI is chat completions, spoken by OpenAI, Azure OpenAI and every OpenAI-compatible
	// API.
	OpenAI Protocol = iota
	// Anthropic is the Messages API.
	Anthropic
	// Gemini is generateContent and streamGenerateContent of the Gemini API.
	Gemini
)

func (p Protocol) String() string {
	switch p {
	case OpenAI:
		return "openai"
	case Anthropic:
		return "anthropic"
	case Gemini:
		return "gemini"
	}
	return "unknown"
}
