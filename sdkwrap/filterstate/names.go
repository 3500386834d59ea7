// Package filterstate is the contract between the aiwasm plugins: they run in separate Wasm
// VMs and talk only through the request and Envoy's filter state. Every name one plugin
// writes and another (or an access log) reads is a constant here, once.
//
// A plugin stores value v under name n with proxy_set_property(n, v); Envoy keeps it as the
// filter state object "wasm.<n>", which access logs print with
// %FILTER_STATE(wasm.<n>:PLAIN)% and later plugins read back with proxy_get_property.
package filterstate

// ConsumerHeader carries the authenticated consumer's name to the plugins after key-auth and
// to the upstream. It is Higress's convention, so Higress users' other plugins understand it;
// key-auth removes any value a client sent before setting its own.
const ConsumerHeader = "x-mse-consumer"

// Filter-state names.
const (
	// Consumer is the authenticated consumer's name (key-auth).
	Consumer = "consumer"
	// BlockedBy names the rule that refused a request (request-block, the rate limiters).
	BlockedBy = "blocked_by"
	// AIProvider and AIInstance say which provider type and which configured instance
	// served the request (ai-proxy).
	AIProvider = "ai_provider"
	AIInstance = "ai_instance"
	// AIModelRequested is the model the client asked for; AIModel the one the provider was
	// asked for after mapping (ai-proxy).
	AIModelRequested = "ai_model_requested"
	AIModel          = "ai_model"
	// AIPromptTokens, AICompletionTokens and AITotalTokens are the usage the provider
	// reported (ai-proxy), decimal integers.
	AIPromptTokens     = "ai_prompt_tokens"
	AICompletionTokens = "ai_completion_tokens"
	AITotalTokens      = "ai_total_tokens"
	// AITTFTMillis is the time to the first token of the answer, in milliseconds (ai-proxy).
	AITTFTMillis = "ai_ttft_ms"
	// AIAttempts counts upstream attempts; more than 1 after a failover (ai-proxy).
	AIAttempts = "ai_attempts"
	// AIRequestType is what the client asked for: ai_chat, ai_stream (any streamed request),
	// ai_completions, ai_embeddings, ai_models, ai_images, ai_audio_transcriptions,
	// ai_audio_translations, ai_anthropic_messages (ai-proxy).
	AIRequestType = "ai_request_type"
	// AIExhausted lists, comma-separated, the ai-proxy instances whose token budget this
	// request's consumer has used up (ai-token-ratelimit, read by ai-proxy).
	AIExhausted = "ai_exhausted_instances"
	// CacheStatus is "hit", "miss" or "skip" (ai-cache).
	CacheStatus = "cache_status"
	// CacheSimilarity is a semantic cache hit's cosine similarity, e.g. "0.9731" (ai-cache).
	CacheSimilarity = "cache_similarity"
	// AITokensCharged is the tokens ai-token-ratelimit charged the request's budgets, a
	// decimal integer (the total; 0 for a cache hit or an upstream error, which are not
	// charged).
	AITokensCharged = "ai_tokens_charged"
	// AITokensEstimated is "true" when the answer carried no usage and the charge is
	// ai-token-ratelimit's estimate from the text (sdkwrap/usage: EstimateTokens).
	AITokensEstimated = "ai_tokens_estimated"
)

// Logged are the names envoy/gateway.yaml's access log prints (a test keeps them in step).
var Logged = []string{
	Consumer, BlockedBy, AIProvider, AIInstance, AIModelRequested, AIModel,
	AIPromptTokens, AICompletionTokens, AITotalTokens, AITTFTMillis, AIAttempts, AIRequestType, CacheStatus,
	CacheSimilarity, AITokensCharged, AITokensEstimated,
}
