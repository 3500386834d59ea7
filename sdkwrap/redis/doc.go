// Package redis talks to Redis through Higress's host functions (DESIGN.md §4):
// proxy_redis_init opens the host's client for a cluster, proxy_redis_call sends one
// RESP-encoded command, and the reply arrives in proxy_on_redis_call_response. Upstream Envoy
// has none of them and refuses to load a module that imports them, so they exist only in the
// higress build (build tag higress); elsewhere Open reports that Redis needs that build.
//
// A Wasm module can export proxy_on_redis_call_response once: this package owns it and hands
// each reply to the callback of the call that asked (sdkwrap/counter's windows and
// sdkwrap/cachestore's answers both go through it).
//
// Settings reads the redis object every plugin with a Redis backend takes, in the shape
// Higress's own plugins use: service_name, service_port, username, password, timeout,
// database.
package redis
