// Package llm translates between the wire formats of LLM APIs: OpenAI chat completions, the
// Anthropic Messages API and the Gemini API. The ai-proxy plugin uses it to serve OpenAI
// clients from Anthropic and Gemini, and Anthropic clients from OpenAI-compatible
// providers.
//
// Requests go one way, responses the other:
//
//	OpenAI request     -> AnthropicRequest, GeminiRequest
//	Anthropic request  -> OpenAIRequestFromAnthropic
//	Anthropic response -> OpenAIResponseFromAnthropic, OpenAIStreamFromAnthropic
//	Gemini response    -> OpenAIResponseFromGemini, OpenAIStreamFromGemini
//	OpenAI response    -> AnthropicResponseFromOpenAI, AnthropicStreamFromOpenAI
//	error answers      -> OpenAIError, AnthropicError, ErrorMessage
//
// A refused request is a *RequestError naming the field (the plugin answers 400 with it); an
// unreadable provider answer is an *UpstreamError (502). The README lists every mapping and
// what is dropped.
//
// The code runs in a proxy-wasm guest, where reflection and allocation are dear: JSON is
// read with gjson, only the fields needed, and written with a small appending writer
// (jsonw.go); nothing is unmarshalled into structs. Streams are translated one event at a
// time with a few bytes of state, never buffered.
package llm
