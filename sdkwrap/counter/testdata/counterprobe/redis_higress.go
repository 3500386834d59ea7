//go:build higress

package main

import (
	"time"

	"github.com/aiwasm/aiwasm/sdkwrap/counter"
)

func newRedis(cluster, password, prefix string, timeout time.Duration) (counter.Backend, error) {
	return counter.Redis(cluster, counter.RedisOptions{Password: password, Timeout: timeout, Prefix: prefix})
}
