package main

import (
	"github.com/aiwasm/aiwasm/sdkwrap/config"
	"github.com/aiwasm/aiwasm/sdkwrap/counter"
	"github.com/aiwasm/aiwasm/sdkwrap/limitkey"
)

// Config is one scope's configuration (the global one, or a _rules_ entry's, which is the
// global one with the rule's top-level keys laid over it), validated, with its counters made:
// the request path only reads it.
type Config struct {
	rule   string // rule_name: the first descriptor entry, keeping rules' counters apart
	source source
	keys   *keyTable // limit_keys; nil with global_threshold
	global *entry    // global_threshold; nil otherwise

	sliding bool // window "sliding"

	code    int    // rejected_code
	message string // rejected_msg

	showQuota bool // show_limit_quota_header
	ietf      bool // ietf_headers

	// fixed counts exact keys and global_threshold, table per-value keys (*, regexp, CIDR);
	// with a remote backend they are the same limiter.
	fixed, table *counter.Limiter
	// remote: the ratelimit service owns the limits, so headers report its numbers only.
	remote bool
}

// Defaults.
const (
	defaultRejectedCode = 429
	defaultRejectedMsg  = "Too many requests, please try again later."
)

func parseConfig(r *config.Reader) (*Config, error) {
	c := &Config{rule: limitkey.ReadRuleName(r)}
	c.source = limitkey.ReadSource(r)
	switch c.source.Kind {
	case limitkey.ByGlobal:
		c.global = limitkey.ReadGlobal(r, readEntryLimits)
	case limitkey.ByNothing:
		if r.Has("limit_keys") {
			// Checked as far as possible without a source (a global part whose rules
			// choose one): key forms that depend on the source are taken as exact.
			limitkey.ReadKeys(r, &c.source, readEntryLimits)
		}
	default:
		c.keys = limitkey.ReadKeys(r, &c.source, readEntryLimits)
	}
	c.sliding = r.Enum("window", "sliding", "fixed", "sliding") == "sliding"
	c.code = r.Int("rejected_code", defaultRejectedCode, config.Min(400), config.Max(599))
	c.message = r.String("rejected_msg", defaultRejectedMsg, config.NonEmpty())
	c.showQuota = r.Bool("show_limit_quota_header", true)
	c.ietf = r.Bool("ietf_headers", false)
	backend := limitkey.ReadBackend(r, names.Plugin)
	c.remote = backend.Kind == limitkey.BackendService
	if r.Has("rule_items") {
		r.Failf("rule_items", "not supported: write one limit_by_* with its limit_keys at the top level "+
			"(a configuration, or a _rules_ entry, counts by one thing)")
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	if c.source.Kind == limitkey.ByNothing {
		return nil, limitkey.NothingToCount(r, "")
	}
	limitkey.WarnSharedRule(r)
	var err error
	c.fixed, c.table, err = backend.Limiters(names, c.rule, c.keys.PerValue())
	if err != nil {
		r.Failf("backend", "%v", err)
		return nil, r.Err()
	}
	return c, nil
}

// limiter is the limiter that counts e's values.
func (c *Config) limiter(e *entry) *counter.Limiter {
	if e.PerValue && c.table != nil {
		return c.table
	}
	return c.fixed
}
