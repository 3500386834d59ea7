package main

import (
	"errors"

	"github.com/aiwasm/aiwasm/sdkwrap/plugin"
)

// Counters, one per outcome of a request that needed a key. Fixed names: never a consumer
// in a metric name.
var (
	allowedCount         plugin.Counter // key_auth_allowed
	unauthenticatedCount plugin.Counter // key_auth_unauthenticated: 401
	forbiddenCount       plugin.Counter // key_auth_forbidden: 403
)

func start(root *plugin.Root[Config]) error {
	if root.Global() == nil {
		// The framework skips the plugin for a request no rule matches when there is no
		// global configuration, and key-auth could not remove a client-sent x-mse-consumer.
		return errors.New("key-auth needs a global configuration (consumers at the top level, " +
			"not only in _rules_): otherwise requests no rule matches would bypass it, " +
			"with whatever x-mse-consumer header the client sent")
	}
	allowedCount = root.Counter("allowed")
	unauthenticatedCount = root.Counter("unauthenticated")
	forbiddenCount = root.Counter("forbidden")
	return nil
}

// authenticate decides one request. Whatever the scope, the client's own x-mse-consumer
// goes first: only key-auth names consumers.
func authenticate(s *plugin.Stream[Config, struct{}]) plugin.Action {
	s.ClearConsumer()
	c := s.Config
	if !c.required {
		return plugin.Continue
	}
	p := find(s, c)
	switch {
	case p.clash >= 0:
		s.Log().Debugf("denied, 401 ambiguous_api_key: different keys in %s and %s", c.place(p.where), c.place(p.clash))
		return unauthenticated(s, c, "ambiguous_api_key",
			"the request carries different API keys (in "+c.place(p.where)+" and "+c.place(p.clash)+"): send one")
	case p.where < 0:
		s.Log().Debugf("denied, 401 missing_api_key: no key in the request")
		return unauthenticated(s, c, "missing_api_key", c.missing)
	}
	i := c.consumers.lookup(p.key)
	if i < 0 {
		s.Log().Debugf("denied, 401 invalid_api_key: the key in %s matches no consumer", c.place(p.where))
		return unauthenticated(s, c, "invalid_api_key", "invalid API key (in "+c.place(p.where)+")")
	}
	name := c.consumers.names[i]
	if c.allowed != nil && !c.allowed[i] {
		s.Log().Infof("denied, 403 consumer_not_allowed: consumer %s is not in allow", name)
		forbiddenCount.Inc()
		return s.Fail(403, "permission_error", "consumer_not_allowed",
			"the consumer of this API key is not allowed to access this resource")
	}
	s.SetConsumer(name)
	if c.hide {
		p.remove(s, c)
	}
	allowedCount.Inc()
	return plugin.Continue
}

func unauthenticated(s *plugin.Stream[Config, struct{}], c *Config, code, message string) plugin.Action {
	unauthenticatedCount.Inc()
	return s.Fail(401, "authentication_error", code, message, [2]string{"www-authenticate", c.challenge})
}
