package redis

import (
	"strings"
	"time"

	"github.com/aiwasm/aiwasm/sdkwrap/cluster"
	"github.com/aiwasm/aiwasm/sdkwrap/config"
)

// Settings is a redis configuration object.
type Settings struct {
	Service        string // service_name, as Higress names it (redis.static, redis.dns, a Kubernetes FQDN)
	Port           int
	User, Password string // the password is read as a secret: no message ever quotes it
	Timeout        time.Duration
}

// DefaultTimeout bounds each call when the configuration does not say.
const DefaultTimeout = time.Second

// ReadSettings reads the fields of a redis object (call it inside config.Reader.Object).
func ReadSettings(o *config.Reader) Settings {
	var s Settings
	s.Service = o.String("service_name", "", config.Required(), config.NonEmpty())
	// Higress's default: a static service listens on its logical port 80.
	defPort := 6379
	if strings.HasSuffix(s.Service, ".static") {
		defPort = 80
	}
	s.Port = o.Int("service_port", defPort, config.Min(1), config.Max(65535))
	s.User = o.String("username", "")
	s.Password = o.Secret("password", "")
	s.Timeout = o.Duration("timeout", DefaultTimeout, config.Min(time.Millisecond), config.Max(time.Minute))
	if o.Int("database", 0, config.Min(0)) != 0 {
		o.Failf("database", "only database 0: this backend does not select another one")
	}
	return s
}

// Cluster is the Envoy cluster Higress makes for the service: outbound|<port>||<service_name>.
func (s Settings) Cluster() string { return cluster.HigressName(s.Service, s.Port, "") }
