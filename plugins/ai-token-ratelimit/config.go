package main

import (
	"github.com/aiwasm/aiwasm/sdkwrap/config"
	"github.com/aiwasm/aiwasm/sdkwrap/counter"
	"github.com/aiwasm/aiwasm/sdkwrap/limitkey"
)

// Config is one scope's configuration (the global one, or a _rules_ entry's laid over it),
// validated, with its counters made: the request path only reads it.
type Config struct {
	rule   string // rule_name: the first descriptor entry, keeping rules' counters apart
	source limitkey.Source
	keys   *limitkey.Table[budgets] // limit_keys; nil with global_threshold or without keys
	global *entry                   // global_threshold; nil otherwise

	instances []instanceBudget // instances
	strategy  kind             // limit_strategy

	sliding bool // window "sliding"

	code    int    // rejected_code
	message string // rejected_msg

	showQuota bool // show_limit_quota_header

	reserve          bool  // reserve
	defaultMaxTokens int64 // default_max_tokens: the completion reserved without max_tokens
	finish           bool  // on_exhausted_mid_stream "finish"

	// fixed counts exact keys, global_threshold and global instance budgets; table per-value
	// ones. With a remote backend they are the same limiter.
	fixed, table *counter.Limiter
	canRefund    bool // the backend takes units back (not the ratelimit service)
}

// Defaults.
const (
	defaultRejectedCode     = 429
	defaultRejectedMsg      = "Token budget exhausted, please try again later."
	defaultDefaultMaxTokens = 1024
)

func parseConfig(r *config.Reader) (*Config, error) {
	c := &Config{rule: limitkey.ReadRuleName(r)}
	c.source = limitkey.ReadSource(r)
	c.instances = readInstanceBudgets(r)
	switch c.source.Kind {
	case limitkey.ByGlobal:
		c.global = limitkey.ReadGlobal(r, readBudgets)
	case limitkey.ByNothing:
		if r.Has("limit_keys") {
			r.Failf("limit_keys", "set one of %s to say whose values the keys are", limitkey.SourceNames)
		}
	default:
		if r.Has("limit_keys") || len(c.instances) == 0 {
			c.keys = limitkey.ReadKeys(r, &c.source, readBudgets)
		}
	}
	strategy := r.Enum("limit_strategy", "total_tokens", "total_tokens", "prompt_tokens", "completion_tokens")
	c.strategy = strategies[strategy]
	if r.Has("limit_strategy") && len(c.instances) == 0 {
		r.Warnf("limit_strategy", "ignored: it says what instance budgets count, and there are no instances")
	}
	c.sliding = r.Enum("window", "sliding", "fixed", "sliding") == "sliding"
	c.code = r.Int("rejected_code", defaultRejectedCode, config.Min(400), config.Max(599))
	c.message = r.String("rejected_msg", defaultRejectedMsg, config.NonEmpty())
	c.showQuota = r.Bool("show_limit_quota_header", true)
	c.reserve = r.Bool("reserve", false)
	c.defaultMaxTokens = int64(r.Int("default_max_tokens", defaultDefaultMaxTokens, config.Min(1), config.Max(1<<30)))
	if r.Has("default_max_tokens") && !c.reserve {
		r.Warnf("default_max_tokens", "ignored without reserve: true")
	}
	c.finish = r.Enum("on_exhausted_mid_stream", "continue", "continue", "finish") == "finish"
	backend := limitkey.ReadBackend(r, names.Plugin)
	c.canRefund = backend.Kind != limitkey.BackendService
	if !c.canRefund {
		refuseWithService(r, c)
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	if c.source.Kind == limitkey.ByNothing && len(c.instances) == 0 {
		return nil, limitkey.NothingToCount(r, "instances")
	}
	needTable := c.keys.PerValue() || len(c.instances) > 0 && c.source.PerValue()
	var err error
	c.fixed, c.table, err = backend.Limiters(names, c.rule, needTable)
	if err != nil {
		r.Failf("backend", "%v", err)
		return nil, r.Err()
	}
	return c, nil
}

// refuseWithService refuses what the ratelimit service cannot do: it only adds hits, so a
// reservation larger than the usage could never be given back, and it cannot read a counter
// without adding to it, so the instances a consumer has exhausted cannot be asked.
func refuseWithService(r *config.Reader, c *Config) {
	if c.reserve {
		r.Failf("reserve", `not with backend "ratelimit-service", which cannot take back the part of a reservation an answer did not use; `+
			`use "local", or "redis" on Higress`)
	}
	if len(c.instances) > 0 {
		r.Failf("instances", `not with backend "ratelimit-service", which cannot tell whether a budget is used up without charging it; `+
			`use "local", or "redis" on Higress`)
	}
}

// limiter is the limiter of an entry's counters.
func (c *Config) limiter(perValue bool) *counter.Limiter {
	if perValue && c.table != nil {
		return c.table
	}
	return c.fixed
}
