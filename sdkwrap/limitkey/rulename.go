package limitkey

import "github.com/aiwasm/aiwasm/sdkwrap/config"

// DefaultRule is the rule_name of a configuration that names none.
const DefaultRule = "default"

// ReadRuleName reads rule_name. It names counters (a descriptor entry, a table's shared-data
// prefix), so it is kept to characters that need no escaping anywhere.
func ReadRuleName(r *config.Reader) string {
	name := r.String("rule_name", DefaultRule, config.NonEmpty())
	if len(name) > 64 {
		r.Failf("rule_name", "at most 64 characters, got %d", len(name))
	}
	for _, ch := range name {
		if !(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '-' || ch == '_' || ch == '.' || ch == ':') {
			r.Failf("rule_name", "%q: use letters, digits, '-', '_', '.' and ':' only", Clip(name))
			break
		}
	}
	return name
}

// WarnSharedRule warns about a _rules_ entry that counts without a rule_name (its own or the
// top level's): it would share the counters of every other scope without one.
func WarnSharedRule(r *config.Reader) {
	if r.Path() != "" && !r.Has("rule_name") {
		r.Warnf("", "no rule_name: this rule counts under %q, as the top level and every other rule without one do, "+
			"so their counters are shared; give it a rule_name of its own", DefaultRule)
	}
}
