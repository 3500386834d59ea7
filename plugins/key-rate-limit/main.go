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
//   - source.go: the limit_by_* fields, which say what is counted;
//   - keys.go: limit_keys and global_threshold, and which entry a value falls under;
//   - windows.go: the query_per_* limits and their time windows;
//   - backend.go: where counters live and what happens when that place fails;
//     redis_default.go and redis_higress.go: the Redis backend, higress build only;
//   - values.go and ip.go: the value a request is counted under;
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
