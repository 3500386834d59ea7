//go:build higress

package counter

import "time"

// RedisOptions configures the Redis backend.
type RedisOptions struct {
	// User and Password authenticate to Redis (ACL user, or only a password). They go to
	// the host once, at Redis, and are never logged.
	User, Password string
	// Timeout bounds each call; 0 means one second.
	Timeout time.Duration
	// Prefix starts every key; name it after the plugin ("key-rate-limit:") so that plugins
	// sharing a Redis keep apart.
	Prefix string
}

// defaultRedisTimeout bounds calls when RedisOptions.Timeout is 0.
const defaultRedisTimeout = time.Second
