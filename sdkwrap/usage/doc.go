// Package usage reads the token usage LLM providers report, from whole JSON response bodies
// (FromBody) and from server-sent event streams (StreamMeter), in three wire formats: OpenAI
// chat completions (and every OpenAI-compatible API), Anthropic Messages and Gemini.
//
// Counts are normalised so that a token budget charges the same thing whatever the provider:
// Prompt is every input token the model processed, cached or not, and Completion every token it
// generated, reasoning included. Per format:
//
//   - OpenAI: prompt_tokens and completion_tokens as they are; both already include their
//     details (cached_tokens, reasoning_tokens).
//   - Anthropic: input_tokens counts only the input after the last cache breakpoint, so Prompt
//     is input_tokens + cache_creation_input_tokens + cache_read_input_tokens, the total input
//     Anthropic documents. Charging input_tokens alone would let a client put its prompt behind
//     a cache breakpoint and be charged almost nothing. Cached tokens cost less money, but a
//     token budget counts tokens.
//   - Gemini: promptTokenCount (which includes cachedContentTokenCount) plus
//     toolUsePromptTokenCount; Completion is candidatesTokenCount plus thoughtsTokenCount,
//     since thinking tokens are generated and billed as output yet not part of the candidates.
//     This matches Gemini's totalTokenCount.
//
// Total is the provider's own total when it reports one, else Prompt + Completion.
//
// Only the paths that hold usage are read, with gjson; bodies are never unmarshalled. Input
// that is not valid JSON gives no usage rather than a guess. A count that is not a
// non-negative integer is ignored, and sums saturate at the largest int64 instead of
// overflowing.
package usage
