package main

import (
	"regexp"
	"strings"

	"github.com/aiwasm/aiwasm/sdkwrap/config"
	"github.com/aiwasm/aiwasm/sdkwrap/plugin"
)

// Config is one validated configuration, its rules compiled.
type Config struct {
	urls    urlRules
	headers *matcher // block_headers
	bodies  *matcher // block_bodies and block_body_regexps

	promptOnly   bool
	maxBody      int
	passOversize bool // oversize_body "pass"

	code  int    // blocked_code
	reply []byte // the blocked answer's body, made once
}

// Defaults.
const (
	defaultBlockedCode    = 403
	defaultBlockedMessage = "request blocked by gateway policy"
	defaultMaxBody        = 8 << 20 // envoy/gateway.yaml's per_connection_buffer_limit_bytes
)

// The rule lists, in the order requests are checked.
var ruleKeys = []string{
	"block_exact_urls", "block_urls", "block_regexp_urls", "block_headers", "block_bodies", "block_body_regexps",
}

func parseConfig(r *config.Reader) (*Config, error) {
	fold := !r.Bool("case_sensitive", true)
	lists := map[string]ruleList{}
	for _, key := range ruleKeys {
		lists[key] = readList(r, key)
	}
	// block_bodys: the spelling of Higress's C++ plugin and of Alibaba Cloud's docs.
	if r.Has("block_bodys") {
		if r.Has("block_bodies") {
			r.Failf("block_bodys", "block_bodys is block_bodies spelled as Higress's C++ plugin does: set only one of them")
		} else {
			r.Warnf("block_bodys", "read as block_bodies")
			lists["block_bodies"] = readList(r, "block_bodys")
		}
	}
	for _, key := range []string{"block_regexp_urls", "block_body_regexps"} {
		for i, expr := range lists[key].entries {
			if _, err := regexp.Compile(expr); err != nil {
				r.FailItemf(key, i, "invalid regular expression: %s", strings.TrimPrefix(err.Error(), "error parsing regexp: "))
			}
		}
	}
	c := &Config{
		code:         r.Int("blocked_code", defaultBlockedCode, config.Min(200), config.Max(599)),
		promptOnly:   r.Bool("prompt_only", false),
		maxBody:      r.Int("max_body_bytes", defaultMaxBody, config.Min(1)),
		passOversize: r.Enum("oversize_body", "reject", "reject", "pass") == "pass",
	}
	message := r.String("blocked_message", "")
	if err := r.Err(); err != nil {
		return nil, err
	}
	if message == "" {
		message = defaultBlockedMessage
	}
	c.reply = plugin.ErrorBody(message, "invalid_request_error", "request_blocked")

	empty := true
	for _, l := range lists {
		empty = empty && len(l.entries) == 0
	}
	if empty {
		return noRules(r)
	}

	c.urls.fold = fold
	if exact := lists["block_exact_urls"].entries; len(exact) > 0 {
		c.urls.exact = make(map[string]string, len(exact))
		for i := len(exact) - 1; i >= 0; i-- { // a duplicate reports its first index
			k := exact[i]
			if fold {
				k = foldString(k)
			}
			c.urls.exact[k] = label("block_exact_urls", i)
		}
	}
	var err error
	if c.urls.m, err = newMatcher(lists["block_urls"], lists["block_regexp_urls"], fold, false); err != nil {
		r.Failf("block_urls", "%v", err)
	}
	if c.headers, err = newMatcher(lists["block_headers"], ruleList{}, fold, false); err != nil {
		r.Failf("block_headers", "%v", err)
	}
	if c.bodies, err = newMatcher(lists["block_bodies"], lists["block_body_regexps"], fold, true); err != nil {
		r.Failf("block_bodies", "%v", err)
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	return c, nil
}

// readList reads one rule list; an empty entry would match everything, and is refused.
func readList(r *config.Reader, key string) ruleList {
	entries := r.Strings(key, nil)
	for i, e := range entries {
		if e == "" {
			r.FailItemf(key, i, "must not be empty (it would match every request)")
		}
	}
	return ruleList{key: key, entries: entries}
}

// noRules decides what a configuration without a single rule means:
//   - the global part of a configuration with _rules_ holds settings the rules share; the
//     requests no rule matches pass;
//   - a _rules_ entry whose lists are all empty (or null) turns blocking off where it
//     matches, with a warning in case that was not meant;
//   - anything else (no _rules_ at all) is refused: the plugin would never do anything,
//     most likely because a key is misspelled.
func noRules(r *config.Reader) (*Config, error) {
	if r.Path() != "" {
		r.Warnf("", "no block rule: the requests this rule matches pass unchecked")
		return nil, nil
	}
	for _, k := range r.Keys() {
		if k == "_rules_" {
			return nil, nil
		}
	}
	r.Failf("", "no block rule: set at least one of %s", strings.Join(ruleKeys, ", "))
	return nil, r.Err()
}

// hasBodyRules reports whether the request body has to be read.
func (c *Config) hasBodyRules() bool { return !c.bodies.empty() }
