package main

import (
	"sort"
	"strconv"

	"github.com/aiwasm/aiwasm/sdkwrap/config"
	"github.com/tidwall/gjson"
)

// maxWeight bounds weights; proportions are what count.
const maxWeight = 1000000

// instanceFields are set per instance; at the top level they belong to the single form.
var instanceFields = []string{"auth", "api_keys", "options", "defaults", "override", "cluster", "model_mapping", "first_byte_timeout"}

// readMulti reads the APISIX ai-proxy-multi form.
func (p *parser) readMulti(r *config.Reader, c *Config) {
	for _, k := range instanceFields {
		if r.Has(k) {
			r.Failf(k, "set per instance in the multi form (instances[].%s)", k)
		}
	}
	names := map[string]int{}
	r.Array("instances", func(i int, e *config.Reader) {
		name := e.String("name", "", config.Required(), config.NonEmpty())
		checkName(e, "name", name)
		if j, dup := names[name]; dup && name != "" {
			e.Failf("name", "%q repeats instances[%d]", clip(name), j)
		}
		names[name] = i
		in := p.readInstance(e, name)
		in.Weight = e.Int("weight", 1, config.Min(0), config.Max(maxWeight))
		in.Priority = e.Int("priority", 0)
		in.Timeout = millis(e.Int("timeout", int(c.Timeout.Milliseconds()), config.Min(1), config.Max(maxTimeoutMs)))
		if in.FirstByteTimeout > in.Timeout {
			e.Failf("first_byte_timeout", "must not exceed the instance's timeout (%d ms)", in.Timeout.Milliseconds())
		}
		if e.Has("checks") {
			e.Failf("checks", "active health checks are not supported; fallback_strategy %q marks instances unhealthy from real traffic (see health)", strategyAll)
		}
		c.Instances = append(c.Instances, in)
	}, config.Required(), config.NonEmpty())
	checkWeights(r, c.Instances)
	p.readBalancer(r, c)
	p.readFallback(r, c)
	n := max(len(c.Instances), 1)
	c.MaxAttempts = r.Int("max_attempts", n, config.Min(1), config.Max(n))
	c.Health = HealthPolicy{Failures: defaultHealthFailures, Cooldown: defaultHealthCooldown}
	health := r.Object("health", func(h *config.Reader) {
		c.Health.Failures = h.Int("failures", defaultHealthFailures, config.Min(1), config.Max(1000))
		c.Health.Cooldown = millis(h.Int("cooldown", int(defaultHealthCooldown.Milliseconds()), config.Min(1), config.Max(3600000)))
	})
	if health && !c.SkipUnhealthy {
		r.Warnf("health", "used only with fallback_strategy %q", strategyAll)
	}
}

// checkWeights refuses a priority group of several instances whose weights are all 0: none
// would be anyone's first choice, which is more likely a mistake than a plan. A lone
// instance's weight does not matter (APISIX's priority example gives each weight 0).
func checkWeights(r *config.Reader, instances []*Instance) {
	total, count := map[int]int{}, map[int]int{}
	for _, in := range instances {
		total[in.Priority] += in.Weight
		count[in.Priority]++
	}
	var bad []int
	for prio, n := range count {
		if n > 1 && total[prio] == 0 {
			bad = append(bad, prio)
		}
	}
	sort.Ints(bad)
	for _, prio := range bad {
		r.Failf("instances", "every instance of priority %d has weight 0; give at least one a weight above 0 (weight 0 marks a standby)", prio)
	}
}

// readBalancer reads balancer: {algorithm, hash_on, key}.
func (p *parser) readBalancer(r *config.Reader, c *Config) {
	r.Object("balancer", func(b *config.Reader) {
		c.Balancer.CHash = b.Enum("algorithm", "roundrobin", "roundrobin", "chash") == "chash"
		hashOn := b.String("hash_on", "vars", config.OneOf("vars", "header", "headers", "cookie", "consumer", "query", "vars_combinations"))
		if hashOn == "headers" { // the spelling of APISIX's documentation table
			hashOn = "header"
		}
		key := b.String("key", "", config.NonEmpty())
		if !c.Balancer.CHash {
			for _, k := range []string{"hash_on", "key"} {
				if b.Has(k) {
					b.Warnf(k, "used only with algorithm \"chash\"")
				}
			}
			return
		}
		switch hashOn {
		case "vars_combinations":
			b.Failf("hash_on", `"vars_combinations" is not supported: hash on one of "vars", "header", "cookie", "query" or "consumer"`)
		case "header", "cookie", "query":
			if !b.Has("key") {
				b.Failf("key", "required with hash_on %q: the %s to hash", hashOn, hashOn)
			}
		case "consumer":
			if b.Has("key") {
				b.Warnf("key", "ignored with hash_on \"consumer\": the consumer's name is the key")
			}
		case "vars":
			if key == "" {
				key = "remote_addr"
			}
			if !contains(hashVars, key) {
				b.Failf("key", "with hash_on \"vars\", one of %s; got %s", quoteAll(hashVars), strconv.Quote(clip(key)))
			}
		}
		c.Balancer.HashOn, c.Balancer.Key = hashOn, key
	})
}

// readFallback reads fallback_strategy: one name or a list of them.
func (p *parser) readFallback(r *config.Reader, c *Config) {
	raw := p.raw.field(r, "fallback_strategy")
	var names []string
	isList := false
	switch {
	case !r.Has("fallback_strategy"):
		return
	case raw.Type == gjson.String:
		names = []string{r.String("fallback_strategy", "")}
	case raw.IsArray():
		names, isList = r.Strings("fallback_strategy", nil), true
	default:
		p.failAt(config.JoinKey(r.Path(), "fallback_strategy"), "want a string or a list of strings, got %s", jsonKind(raw))
		return
	}
	for i, name := range names {
		if name == strategyAll {
			for cl := ClassHTTP429; cl <= ClassRateLimiting; cl++ {
				c.Fallback = c.Fallback.with(cl)
			}
			c.SkipUnhealthy = true
			continue
		}
		cl := classNamed(name)
		if cl != ClassNone {
			c.Fallback = c.Fallback.with(cl)
			continue
		}
		reason := "unknown fallback class " + strconv.Quote(clip(name)) + "; want " + fallbackNames()
		if isList {
			r.FailItemf("fallback_strategy", i, "%s", reason)
		} else {
			r.Failf("fallback_strategy", "%s", reason)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func quoteAll(list []string) string {
	out := ""
	for i, s := range list {
		if i > 0 {
			out += ", "
		}
		out += strconv.Quote(s)
	}
	return out
}
