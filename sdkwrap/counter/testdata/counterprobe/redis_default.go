//go:build !higress

package main

import (
	"errors"
	"time"

	"github.com/aiwasm/aiwasm/sdkwrap/counter"
)

// newRedis: the default build has no Redis backend (upstream Envoy lacks the host functions).
func newRedis(cluster, password, prefix string, timeout time.Duration) (counter.Backend, error) {
	return nil, errors.New("the redis backend needs the higress build")
}
