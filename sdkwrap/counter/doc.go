// Package counter counts units (requests, tokens) per descriptor in time windows and decides
// whether a new batch of units still fits a limit: the ground the rate-limit plugins stand on.
//
// One interface, Backend, has three implementations:
//
//   - Local: proxy-wasm shared data, updated with compare-and-swap. Exact across the worker
//     threads of one Envoy; each Envoy counts on its own. The default. LocalTable is the same
//     in a fixed number of slots, reusing idle ones: for descriptors whose values clients
//     choose (IP addresses, API keys), which would otherwise grow shared data for ever.
//   - RatelimitService: the envoyproxy/ratelimit service over POST /json. Cluster-wide on any
//     Envoy; the limits live in the service's own configuration.
//   - Redis (build tag higress only): one atomic Lua script per Take through Higress's Redis
//     host functions. Cluster-wide on Higress. A module built without the tag imports no
//     Redis host function and still loads on upstream Envoy.
//
// TakeAll counts one request under several windows at once and admits it only if all allow.
// Limiter wraps a Backend with the failure policy (fail open or closed, a warning, an error
// metric). Make backends and limiters when the plugin starts; like everything in a VM they
// are used from one thread and are not safe for concurrent use.
//
// # Windows
//
// A window of Size starts at every multiple of Size since the Unix epoch (UTC), in
// milliseconds. A fixed window counts from zero at each start. A sliding window estimates the
// units of the last Size from the current window's count and the previous window's count
// weighted by how much of it the trailing Size still overlaps:
//
//	estimate = count + ceil(previous × (Size − elapsed) / Size)
//
// where elapsed is the time since the current window started. The estimate is exact (but for
// rounding up by less than one unit) when the previous window's units were spread evenly over
// it; otherwise it is off by at most previous × max(f, 1−f) + 1, f = elapsed/Size. Admission
// keeps the estimate within the limit, so an interval of one Size ending at f admits at most
// Limit × (1 + f) < 2 × Limit units in the worst (adversarial) case - the same bound as fixed
// windows, which reach it by bursting on both sides of a boundary - and close to Limit for
// ordinary traffic.
//
// # What counts
//
// Only admitted units count with the Local and Redis backends: a denied Take changes nothing,
// so a client hammering while over its limit gets through again as soon as the window frees
// up. Request.Overdraw counts the units even when they do not fit (tokens of an answer that
// was already served). The ratelimit service counts every hit, admitted or not (measured).
package counter
