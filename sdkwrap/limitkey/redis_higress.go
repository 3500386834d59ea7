//go:build higress

package limitkey

import (
	"strings"
	"time"

	"github.com/aiwasm/aiwasm/sdkwrap/cluster"
	"github.com/aiwasm/aiwasm/sdkwrap/config"
	"github.com/aiwasm/aiwasm/sdkwrap/counter"
)

// redisSettings is the redis object, as Higress's cluster-key-rate-limit writes it.
type redisSettings struct {
	service        string
	port           int
	user, password string
	timeout        time.Duration
}

func readRedis(r *config.Reader, wanted bool, _ string) redisSettings {
	var s redisSettings
	if !wanted {
		if r.Has("redis") {
			r.Failf("redis", `only with backend "redis"; remove it, or set it to null in a _rules_ entry`)
		}
		return s
	}
	r.Object("redis", func(o *config.Reader) {
		s.service = o.String("service_name", "", config.Required(), config.NonEmpty())
		// Higress's default: a static service listens on its logical port 80.
		defPort := 6379
		if strings.HasSuffix(s.service, ".static") {
			defPort = 80
		}
		s.port = o.Int("service_port", defPort, config.Min(1), config.Max(65535))
		s.user = o.String("username", "")
		s.password = o.Secret("password", "")
		s.timeout = o.Duration("timeout", time.Second, config.Min(time.Millisecond), config.Max(time.Minute))
		if o.Int("database", 0, config.Min(0)) != 0 {
			o.Failf("database", "only database 0: this backend does not select another one")
		}
	}, config.Required())
	return s
}

// backend opens the Redis client (proxy_redis_init): configurations are read in
// OnPluginStart, where Higress allows that. prefix starts every key.
func (s redisSettings) backend(prefix string) (counter.Backend, error) {
	return counter.Redis(s.cluster(), counter.RedisOptions{
		User: s.user, Password: s.password, Timeout: s.timeout, Prefix: prefix,
	})
}

// cluster is the Envoy cluster Higress makes for the service: outbound|<port>||<service_name>.
func (s redisSettings) cluster() string { return cluster.HigressName(s.service, s.port, "") }
