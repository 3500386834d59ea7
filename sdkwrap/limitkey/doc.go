// Package limitkey is what the rate-limit plugins (key-rate-limit, ai-token-ratelimit) share
// about who a request counts for and where its counters live:
//
//   - source.go: the limit_by_* fields (header, query parameter, consumer, cookie, client IP,
//     or global_threshold), exactly one per configuration, Higress's limit_by_per_*
//     spellings included;
//   - keys.go: limit_keys - exact values, "*", "regexp:" and, for addresses, CIDR ranges -
//     and which entry a value falls under; each plugin reads the budgets of an entry itself;
//   - values.go and ip.go: the value a request is counted under, addresses normalised so
//     that one client has one counter;
//   - windows.go: the second / minute / hour / day windows of the per-window fields;
//   - backend.go: backend, failure_mode, max_keys, ratelimit_service and (higress build)
//     redis, turned into counter.Limiters.
//
// Values read from headers, query parameters and cookies may be credentials (API keys): they
// are never quoted in messages or logs (Source.Secret).
package limitkey
