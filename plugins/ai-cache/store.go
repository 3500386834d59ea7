package main

import (
	"strconv"

	"github.com/aiwasm/aiwasm/sdkwrap/cachestore"
	"github.com/aiwasm/aiwasm/sdkwrap/config"
	"github.com/aiwasm/aiwasm/sdkwrap/plugin"
	"github.com/aiwasm/aiwasm/sdkwrap/redis"
)

// The Redis store's layout: every gateway sharing the Redis must agree on it.
const (
	redisKeyPrefix = "ai-cache:"
	// redisMaxAnswer is the largest answer the Redis store takes: a Redis value travels
	// whole through the host on every hit.
	redisMaxAnswer = 1 << 20
)

// openStore makes the configured store, and returns the prefix the semantic index's keys
// follow.
func (c *Config) openStore(r *config.Reader, kind string, rs redis.Settings, maxEntries, maxBytes int) string {
	if kind == "redis" {
		client, err := redis.Open(rs)
		if err != nil {
			r.Failf("redis", "%v", err)
			return ""
		}
		c.store, c.maxAnswer = cachestore.Redis(client, redisKeyPrefix, redisMaxAnswer, redisWritten), redisMaxAnswer
		return "ai-cache/redis/"
	}
	// Stores with another layout must not share keys: the prefix names the layout.
	prefix := "ai-cache/" + strconv.Itoa(maxEntries) + "/" + strconv.Itoa(maxBytes) + "/"
	store, err := cachestore.Local(prefix, maxEntries, int64(maxBytes))
	if err != nil {
		r.Failf("max_entries", "%v", err)
		return ""
	}
	// One answer must not flush the cache.
	c.store, c.maxAnswer = store, maxBytes/4
	return prefix
}

// storeLog is where a store's failures outside any stream go: the plugin's log (start).
var storeLog *plugin.Logger

// redisWritten hears how a write to Redis ended: counted as a store once acknowledged; one
// Redis refused or never answered is an error, and the answer simply is not cached.
func redisWritten(err error) {
	if pluginMetrics == nil {
		return
	}
	if err == nil {
		pluginMetrics.stores.Inc()
		return
	}
	pluginMetrics.errors.Inc()
	if storeLog != nil {
		storeLog.Warnf("%v", err)
	}
}
