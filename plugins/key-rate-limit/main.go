// Command key-rate-limit is a proxy-wasm plugin that limits how many requests a caller may
// make per second, minute, hour or day. A caller is whatever the configuration counts by: a
// request header, a query parameter, a cookie, the consumer key-auth authenticated, or the
// client IP; or every request of a rule together (global_threshold). Counters live in Envoy's
// shared data (exact across the workers of one Envoy), in the envoyproxy/ratelimit service,
// or, in the higress build, in Redis (both cluster-wide). Its configuration reads like
// Higress's key-rate-limit and cluster-key-rate-limit; README.md says where they differ.
//
// This file is wiring only. The others, one concern each:
//   - config.go: the configuration as a whole, its defaults and refusals;
//   - keys.go: an entry's limits; what is counted (the limit_by_* fields), limit_keys and
//     global_threshold, and the value a request is counted under are sdkwrap/limitkey's,
//     shared with ai-token-ratelimit;
//   - windows.go: the query_per_* limits and their time windows;
//   - backend.go: the names of the counters; where they live and what happens when that
//     place fails is read by sdkwrap/limitkey;
//   - limit.go: the decision for one request, its answers, logs and metrics;
//   - headers.go: the quota headers (X-RateLimit-*, Retry-After, the IETF draft's).
package main

import "github.com/aiwasm/aiwasm/sdkwrap/plugin"

func main() {}

func init() {
	plugin.Register(plugin.Plugin[Config, State]{
		Name:            "key-rate-limit",
		Config:          parseConfig,
		Start:           start,
		RequestHeaders:  limitRequest,
		ResponseHeaders: addQuotaHeaders,
	})
}
