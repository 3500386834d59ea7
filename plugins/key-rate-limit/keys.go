package main

import (
	"net/netip"
	"regexp"
	"strconv"
	"strings"

	"github.com/aiwasm/aiwasm/sdkwrap/config"
)

// entry is one limit_keys item (or global_threshold): the limits a matching value gets.
type entry struct {
	label string // where it is configured, "limit_keys[2]", for logs
	// perValue: each value it matches gets counters of its own, in the bounded table; false
	// for an exact key and global_threshold, whose counters the configuration fixes.
	perValue bool
	limits   []limit
	policy   string // the RateLimit-Policy value, made once
}

// keyTable finds the entry of a value: exact keys first, then regexps and CIDR ranges in
// configuration order, then "*".
type keyTable struct {
	exact    map[string]*entry
	patterns []pattern
	any      *entry
}

// pattern is a regexp or, for addresses, a CIDR range.
type pattern struct {
	re     *regexp.Regexp
	prefix netip.Prefix
	entry  *entry
}

// match is the entry for value (addr is the same value parsed, for byIP), or nil: a value
// no key matches is not limited.
func (k *keyTable) match(value string, addr netip.Addr) *entry {
	if e, ok := k.exact[value]; ok {
		return e
	}
	for i := range k.patterns {
		p := &k.patterns[i]
		if p.re != nil && p.re.MatchString(value) || p.re == nil && p.prefix.Contains(addr) {
			return p.entry
		}
	}
	return k.any
}

// readKeys reads limit_keys for src.
func readKeys(r *config.Reader, src *source) *keyTable {
	k := &keyTable{exact: map[string]*entry{}}
	seen := map[string]int{} // a key's canonical form -> its index
	r.Array("limit_keys", func(i int, e *config.Reader) {
		label := config.JoinIndex("limit_keys", i)
		raw := e.String("key", "", config.Required(), config.NonEmpty())
		ent := &entry{label: label, limits: readLimits(e)}
		ent.policy = policyHeader(ent.limits)
		if raw == "" {
			return // refused by String
		}
		canon, ok := k.add(e, src, raw, ent)
		if !ok {
			return
		}
		if j, dup := seen[canon]; dup {
			e.Failf("key", "%srepeats limit_keys[%d]; put both windows in one entry", shownKey(src, raw), j)
			return
		}
		seen[canon] = i
	}, config.Required(), config.NonEmpty())
	return k
}

// add files ent under its key and returns the key's canonical form (addresses and ranges
// normalised), or false when the key is refused.
func (k *keyTable) add(e *config.Reader, src *source, raw string, ent *entry) (string, bool) {
	switch {
	case raw == "*":
		ent.perValue = true
		if k.any == nil {
			k.any = ent
		}
		return raw, true
	case strings.HasPrefix(raw, "regexp:"):
		if src.kind == byIP {
			e.Failf("key", "limit_by_per_ip keys are IP addresses, CIDR ranges or *, not regular expressions")
			return "", false
		}
		expr := strings.TrimPrefix(raw, "regexp:")
		if expr == "" {
			e.Failf("key", `an empty regular expression matches every value: write "*"`)
			return "", false
		}
		re, err := regexp.Compile(expr)
		if err != nil {
			e.Failf("key", "invalid regular expression: %s", strings.TrimPrefix(err.Error(), "error parsing regexp: "))
			return "", false
		}
		ent.perValue = true
		k.patterns = append(k.patterns, pattern{re: re, entry: ent})
		return raw, true
	case src.kind == byIP && strings.Contains(raw, "/"):
		p, err := netip.ParsePrefix(raw)
		if err != nil {
			e.Failf("key", "%q is not a CIDR range such as 10.0.0.0/8 or 2001:db8::/32", clip(raw))
			return "", false
		}
		p = p.Masked()
		ent.perValue = true
		k.patterns = append(k.patterns, pattern{prefix: p, entry: ent})
		return p.String(), true
	case src.kind == byIP:
		a, ok := parseIP(raw)
		if !ok {
			e.Failf("key", "%q is not an IP address, a CIDR range or *", clip(raw))
			return "", false
		}
		canon := a.String()
		if _, dup := k.exact[canon]; !dup {
			k.exact[canon] = ent
		}
		return canon, true
	}
	if _, dup := k.exact[raw]; !dup {
		k.exact[raw] = ent
	}
	return raw, true
}

// shownKey quotes a key in a message, unless it may be a credential (an exact header,
// parameter or cookie value).
func shownKey(src *source, raw string) string {
	if src.secret() && raw != "*" && !strings.HasPrefix(raw, "regexp:") {
		return ""
	}
	return strconv.Quote(clip(raw)) + " "
}

// readGlobal reads global_threshold: every request of the rule counts against its limits.
func readGlobal(r *config.Reader) *entry {
	ent := &entry{label: "global_threshold"}
	r.Object("global_threshold", func(o *config.Reader) {
		ent.limits = readLimits(o)
	})
	ent.policy = policyHeader(ent.limits)
	if r.Has("limit_keys") {
		r.Failf("limit_keys", "not allowed with global_threshold, which counts every request of the rule together")
	}
	return ent
}

// perValue says whether some entry counts each value apart (and needs the table).
func (k *keyTable) perValue() bool { return k != nil && (k.any != nil || len(k.patterns) > 0) }
