// Command ai-token-ratelimit is a proxy-wasm plugin that gives consumers, API keys, client
// addresses or a whole route token budgets per second, minute, hour or day - total, prompt
// and completion tokens, and requests - and budgets per ai-proxy instance, charged from the
// usage of the real answers. It runs before ai-cache and ai-proxy in the chain.
//
// This file is wiring only. The others, one concern each:
//   - config.go: the configuration as a whole, its defaults and refusals;
//   - budgets.go: the <kind>_per_<window> fields of a limit_keys entry;
//   - instances.go: the per-instance budgets (instances, limit_strategy);
//   - backend.go: the names of the counters (sdkwrap/limitkey reads the backend);
//   - admit.go: the request phase - who the request counts for, admission, the instances
//     it has exhausted (filter state for ai-proxy);
//   - reserve.go: the request body - the prompt estimate, max_tokens, the reservation, and
//     stream_options.include_usage for streams;
//   - answer.go: the response phase - cache hits, errors, usage from ai-proxy's filter state
//     or from the body;
//   - events.go: streamed answers - usage, the running estimate, the usage chunk the client
//     did not ask for, and on_exhausted_mid_stream: finish;
//   - settle.go: charging the usage against what admission took, refunds, metrics;
//   - chain.go: counter takes one after another, with a remote backend's waits;
//   - headers.go: X-RateLimit-*-Tokens / -Requests and Retry-After.
package main

import "github.com/aiwasm/aiwasm/sdkwrap/plugin"

func main() {}

func init() {
	plugin.Register(plugin.Plugin[Config, State]{
		Name:               "ai-token-ratelimit",
		Config:             parseConfig,
		Start:              start,
		RequestHeaders:     admit,
		RequestBody:        readRequestBody,
		HoldHeadersForBody: true,
		ResponseHeaders:    answerHeaders,
		ResponseBody:       answerBody,
		ResponseEvent:      answerEvent,
		Done:               done,
	})
}
