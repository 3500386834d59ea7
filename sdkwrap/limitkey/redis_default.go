//go:build !higress

package limitkey

import (
	"errors"

	"github.com/aiwasm/aiwasm/sdkwrap/config"
	"github.com/aiwasm/aiwasm/sdkwrap/counter"
)

// redisSettings is empty in the default build: upstream Envoy has no Redis host functions,
// and a module importing them would not load there.
type redisSettings struct{}

func readRedis(r *config.Reader, wanted bool, plugin string) redisSettings {
	switch {
	case wanted:
		r.Failf("backend", `"redis" needs the higress build of %s (out/higress/%s.wasm, built with -tags higress), which runs on Higress only; `+
			`on Envoy use "ratelimit-service" for cluster-wide limits`, plugin, plugin)
	case r.Has("redis"):
		r.Failf("redis", `only with backend "redis", in the higress build`)
	}
	return redisSettings{}
}

func (redisSettings) backend(string) (counter.Backend, error) {
	return nil, errors.New("the redis backend needs the higress build")
}
