package counter

import (
	"time"

	"github.com/aiwasm/aiwasm/sdkwrap/redis"
)

type redisBackend struct {
	client *redis.Client
	prefix string
}

// Redis counts in Redis through Higress's host functions (sdkwrap/redis): one atomic EVAL per
// Take (see redisScript), so every gateway sharing the Redis counts together. Open the
// client once per plugin instance when the plugin starts (redis.Open in OnPluginStart).
// Answers are pending; done runs inside the calling stream (Request.StreamID). prefix starts
// every key; name it after the plugin ("key-rate-limit:") so that plugins sharing a Redis
// keep apart.
//
// Keys expire when no window can read them any more, so Redis does not grow with distinct
// descriptors. Windows follow the gateways' clocks (keep them in NTP sync): a skew shifts
// window boundaries by that much and never freezes a counter (see roll). Needs Redis >= 4
// (HSET with several fields).
func Redis(client *redis.Client, prefix string) Backend {
	return &redisBackend{client: client, prefix: prefix}
}

func (r *redisBackend) Take(req Request, done func(Decision, error)) bool {
	if err := req.validate(true); err != nil {
		done(Decision{}, err)
		return false
	}
	q := req.quota()
	now := time.Now().UnixMilli()
	query := redisQuery(storageKey(r.prefix, q.size, req.Descriptor), now, q)
	err := r.client.Do(query, req.StreamID, func(reply []byte, err error) {
		if err != nil {
			done(Decision{}, err)
			return
		}
		done(redisDecision(reply, now, q))
	})
	if err != nil {
		done(Decision{}, err)
		return false
	}
	return true
}
