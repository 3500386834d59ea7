package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/aiwasm/aiwasm/sdkwrap/config"
)

// Config is one scope's configuration (the global one, or a _rules_ entry's), validated:
// the request path only reads it. Whatever the form it was written in (APISIX ai-proxy,
// APISIX ai-proxy-multi, Higress ai-proxy), it is a list of instances and how to choose
// among them.
type Config struct {
	Instances []*Instance // configuration order; one for the single and Higress forms

	Balancer      Balancer
	Fallback      FallbackSet // failure classes that move a request to the next instance
	SkipUnhealthy bool        // instance_health_and_rate_limiting: skip instances marked unhealthy
	Health        HealthPolicy
	MaxAttempts   int // instances one request may try, at least 1

	Timeout     time.Duration // the top-level timeout, which instances inherit
	Passthrough bool          // call the LLM, then send its answer to the route's own upstream
	Logging     Logging
	PromptParam string // a GET with this query parameter is a chat request

	picker *picker // per worker: the configuration is parsed by each VM
}

// Logging is the logging object.
type Logging struct {
	Summaries bool // one line per request: instance, model, status, tokens, durations
	Payloads  bool // request and response bodies too (prompts: off by default)
}

// Timeouts are in milliseconds, as in APISIX; 10 minutes at most.
const (
	defaultTimeoutMs = 30000
	maxTimeoutMs     = 600000
)

// parser reads one scope. It keeps the raw JSON for the fields config.Reader cannot read,
// and problems at paths no reader reaches (a missing field of an absent object).
type parser struct {
	raw   rawScope
	extra []config.Problem
}

func (p *parser) failAt(path, format string, args ...any) {
	p.extra = append(p.extra, config.Problem{Path: path, Reason: fmt.Sprintf(format, args...)})
}

// err is every problem found, the reader's and the parser's.
func (p *parser) err(r *config.Reader) error {
	var errs config.Errors
	if err := r.Err(); err != nil && !errors.As(err, &errs) {
		return err
	}
	errs = append(errs, p.extra...)
	if len(errs) == 0 {
		return nil
	}
	return errs
}

func parseConfig(r *config.Reader) (*Config, error) {
	p := &parser{raw: newRawScope(readRawConfig(), r.Path())}
	c := &Config{}
	p.readCommon(r, c)
	on := true
	providerObject := p.raw.field(r, "provider").IsObject()
	switch {
	case providerObject || r.Has("providers") || r.Has("activeProviderId"):
		if r.Has("instances") {
			r.Failf("instances", "not with Higress's provider object or providers: write one form")
		}
		on = p.readHigress(r, c, providerObject)
	case r.Has("instances"):
		if r.Has("provider") {
			r.Failf("instances", "set either provider (one upstream, as APISIX ai-proxy) or instances (several, as ai-proxy-multi), not both")
		}
		p.readMulti(r, c)
	case r.Has("provider"):
		p.readSingle(r, c)
	default:
		on = p.nothingToProxy(r)
	}
	if err := p.err(r); err != nil {
		return nil, err
	}
	if !on {
		return nil, nil
	}
	c.finish()
	return c, nil
}

// readCommon reads the fields every form has.
func (p *parser) readCommon(r *config.Reader, c *Config) {
	c.Timeout = millis(r.Int("timeout", defaultTimeoutMs, config.Min(1), config.Max(maxTimeoutMs)))
	c.Passthrough = r.Bool("passthrough", false)
	c.PromptParam = r.String("prompt_param", "", config.NonEmpty())
	r.Object("logging", func(l *config.Reader) {
		c.Logging.Summaries = l.Bool("summaries", false)
		c.Logging.Payloads = l.Bool("payloads", false)
	})
	for _, f := range ignoredFields {
		if r.Has(f.name) {
			r.Warnf(f.name, "ignored: %s", f.why)
		}
	}
}

// ignoredFields are APISIX settings with no meaning in Envoy: accepted, so that APISIX
// configurations load, with a warning.
var ignoredFields = []struct{ name, why string }{
	{"keepalive", "connection reuse is the Envoy cluster's business"},
	{"keepalive_timeout", "connection reuse is the Envoy cluster's business"},
	{"keepalive_pool", "connection reuse is the Envoy cluster's business"},
	{"ssl_verify", "certificate checks are the Envoy cluster's transport_socket (validation_context)"},
	{"streaming_flush_interval_ms", "Envoy passes each chunk on as it arrives"},
}

// readSingle reads the APISIX ai-proxy form: one instance, its fields at the top level.
func (p *parser) readSingle(r *config.Reader, c *Config) {
	for _, k := range multiOnlyFields {
		if r.Has(k) {
			r.Failf(k, "only with instances (the multi form)")
		}
	}
	in := p.readInstance(r, "")
	in.Timeout = c.Timeout
	if in.FirstByteTimeout > in.Timeout {
		r.Failf("first_byte_timeout", "must not exceed timeout (%d ms)", in.Timeout.Milliseconds())
	}
	c.Instances = []*Instance{in}
	c.MaxAttempts = 1
}

// multiOnlyFields choose among several instances.
var multiOnlyFields = []string{"balancer", "fallback_strategy", "max_attempts", "health"}

// nothingToProxy handles a scope without any upstream: the global part of a configuration
// whose _rules_ configure the upstreams holds their shared settings, and requests no rule
// matches pass untouched; anything else is refused.
func (p *parser) nothingToProxy(r *config.Reader) bool {
	if r.Path() == "" {
		for _, k := range r.Keys() {
			if k == "_rules_" {
				for _, k := range r.Keys() {
					r.Has(k) // the rules read them; do not warn here
				}
				return false
			}
		}
	}
	r.Failf("", "nothing to proxy to: set provider (as APISIX ai-proxy), instances (as ai-proxy-multi), or Higress's provider object or providers")
	return false
}

// finish prepares the per-worker state of an accepted configuration.
func (c *Config) finish() {
	b := make([]balanced, len(c.Instances))
	for i, in := range c.Instances {
		b[i] = balanced{name: in.Name, weight: in.Weight, priority: in.Priority}
	}
	c.picker = newPicker(b, c.Balancer.CHash)
}

func millis(n int) time.Duration { return time.Duration(n) * time.Millisecond }
