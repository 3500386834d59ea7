package limitkey

import (
	"net/netip"
	"regexp"
	"strconv"
	"strings"

	"github.com/aiwasm/aiwasm/sdkwrap/config"
)

// Entry is one limit_keys item (or global_threshold): the limits L a matching value gets, L
// being whatever the plugin reads from the item.
type Entry[L any] struct {
	Label string // where it is configured, "limit_keys[2]", for logs
	// PerValue: each value it matches gets counters of its own, in a bounded table; false
	// for an exact key and global_threshold, whose counters the configuration fixes.
	PerValue bool
	Limits   L
}

// Table finds the entry of a value: exact keys first, then regexps and CIDR ranges in
// configuration order, then "*".
type Table[L any] struct {
	exact    map[string]*Entry[L]
	patterns []pattern[L]
	any      *Entry[L]
}

// pattern is a regexp or, for addresses, a CIDR range.
type pattern[L any] struct {
	re     *regexp.Regexp
	prefix netip.Prefix
	entry  *Entry[L]
}

// Match is the entry for value (addr is the same value parsed, for ByIP), or nil: a value
// no key matches is not limited.
func (k *Table[L]) Match(value string, addr netip.Addr) *Entry[L] {
	if k == nil {
		return nil
	}
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

// PerValue says whether some entry counts each value apart (and needs a table).
func (k *Table[L]) PerValue() bool { return k != nil && (k.any != nil || len(k.patterns) > 0) }

// ReadKeys reads limit_keys for src; read reads an item's limits (its key is read here).
func ReadKeys[L any](r *config.Reader, src *Source, read func(item *config.Reader) L) *Table[L] {
	k := &Table[L]{exact: map[string]*Entry[L]{}}
	seen := map[string]int{} // a key's canonical form -> its index
	r.Array("limit_keys", func(i int, e *config.Reader) {
		label := config.JoinIndex("limit_keys", i)
		raw := e.String("key", "", config.Required(), config.NonEmpty())
		ent := &Entry[L]{Label: label, Limits: read(e)}
		if raw == "" {
			return // refused by String
		}
		canon, ok := k.add(e, src, raw, ent)
		if !ok {
			return
		}
		if j, dup := seen[canon]; dup {
			e.Failf("key", "%srepeats limit_keys[%d]; put both windows in one entry", ShownKey(src, raw), j)
			return
		}
		seen[canon] = i
	}, config.Required(), config.NonEmpty())
	return k
}

// add files ent under its key and returns the key's canonical form (addresses and ranges
// normalised), or false when the key is refused.
func (k *Table[L]) add(e *config.Reader, src *Source, raw string, ent *Entry[L]) (string, bool) {
	switch {
	case raw == "*":
		ent.PerValue = true
		if k.any == nil {
			k.any = ent
		}
		return raw, true
	case strings.HasPrefix(raw, "regexp:"):
		if src.Kind == ByIP {
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
		ent.PerValue = true
		k.patterns = append(k.patterns, pattern[L]{re: re, entry: ent})
		return raw, true
	case src.Kind == ByIP && strings.Contains(raw, "/"):
		p, err := netip.ParsePrefix(raw)
		if err != nil {
			e.Failf("key", "%q is not a CIDR range such as 10.0.0.0/8 or 2001:db8::/32", Clip(raw))
			return "", false
		}
		p = p.Masked()
		ent.PerValue = true
		k.patterns = append(k.patterns, pattern[L]{prefix: p, entry: ent})
		return p.String(), true
	case src.Kind == ByIP:
		a, ok := ParseIP(raw)
		if !ok {
			e.Failf("key", "%q is not an IP address, a CIDR range or *", Clip(raw))
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

// ShownKey quotes a key in a message, unless it may be a credential (an exact header,
// parameter or cookie value).
func ShownKey(src *Source, raw string) string {
	if src.Secret() && raw != "*" && !strings.HasPrefix(raw, "regexp:") {
		return ""
	}
	return strconv.Quote(Clip(raw)) + " "
}

// ReadGlobal reads global_threshold: every request of the rule counts against its limits.
func ReadGlobal[L any](r *config.Reader, read func(item *config.Reader) L) *Entry[L] {
	ent := &Entry[L]{Label: "global_threshold"}
	r.Object("global_threshold", func(o *config.Reader) {
		ent.Limits = read(o)
	})
	if r.Has("limit_keys") {
		r.Failf("limit_keys", "not allowed with global_threshold, which counts every request of the rule together")
	}
	return ent
}
