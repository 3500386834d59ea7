package main

import (
	"strings"
	"time"
)

// What the handlers ask a configuration while serving one request. The order of a
// request's attempts:
//
//	plan := cfg.Plan(cfg.Balancer.HashKey(req))
//	for {
//		i, ok := plan.Next(func(i int) bool { return cfg.Eligible(cfg.Instances[i], exhausted, store, now) })
//		if !ok { break }                                  // 502, or 429 when all were rate limited
//		in := cfg.Instances[i]
//		key := in.PickKey(store, now)
//		... send to in.Target(kind, in.Model(requested), stream) with in.AuthHeaders(key) ...
//		class := classify(status, fromGateway, callFailed)
//		in.KeyRefused(store, key, status, retryAfter, now)
//		cfg.Record(store, in, class, now)
//		if !cfg.Retries(class) { break }                  // answer with this attempt
//	}

// Plan starts choosing the instances of one request; key is Balancer.HashKey's.
func (c *Config) Plan(key string) *Plan { return c.picker.plan(key, c.MaxAttempts) }

// Retries reports whether an attempt that failed with class moves the request on to the
// next instance.
func (c *Config) Retries(class Class) bool { return c.Fallback.Has(class) }

// Eligible reports whether in may be tried now: with rate_limiting in the strategy not
// while ai-token-ratelimit lists it as exhausted (exhausted is the ai_exhausted_instances
// filter state, comma-separated names), and with instance_health_and_rate_limiting not
// while it is marked unhealthy.
func (c *Config) Eligible(in *Instance, exhausted string, s sharedStore, now time.Time) bool {
	if c.Fallback.Has(ClassRateLimiting) && listed(exhausted, in.Name) {
		return false
	}
	return !c.SkipUnhealthy || c.Health.Healthy(s, in.Name, now)
}

// Record tells instance health how an attempt on in ended (with
// instance_health_and_rate_limiting only): ClassNone is an answer from a working provider,
// a client error included.
func (c *Config) Record(s sharedStore, in *Instance, class Class, now time.Time) {
	if !c.SkipUnhealthy {
		return
	}
	if class == ClassNone {
		c.Health.Succeeded(s, in.Name)
		return
	}
	c.Health.Failed(s, in.Name, class, now)
}

// Instance returns the instance called name, or nil.
func (c *Config) Instance(name string) *Instance {
	for _, in := range c.Instances {
		if in.Name == name {
			return in
		}
	}
	return nil
}

// listed reports whether name is an entry of the comma-separated list.
func listed(list, name string) bool {
	for list != "" {
		var item string
		item, list, _ = strings.Cut(list, ",")
		if strings.TrimSpace(item) == name {
			return true
		}
	}
	return false
}
