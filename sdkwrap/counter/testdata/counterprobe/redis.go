package main

import (
	"time"

	"github.com/aiwasm/aiwasm/sdkwrap/cluster"
	"github.com/aiwasm/aiwasm/sdkwrap/counter"
	"github.com/aiwasm/aiwasm/sdkwrap/redis"
)

// newRedis opens the Redis client for a Higress cluster name ("outbound|6379||redis.static")
// or a bare service name; only the higress build can (upstream Envoy lacks the functions).
func newRedis(name, password, prefix string, timeout time.Duration) (counter.Backend, error) {
	s := redis.Settings{Service: name, Port: 6379, Password: password, Timeout: timeout}
	if fqdn, port, err := cluster.ParseHigressName(name); err == nil {
		s.Service, s.Port = fqdn, port
	}
	client, err := redis.Open(s)
	if err != nil {
		return nil, err
	}
	return counter.Redis(client, prefix), nil
}
