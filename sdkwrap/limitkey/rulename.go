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

// NothingToCount decides what a configuration that counts by nothing means:
//   - a _rules_ entry turns limiting off where it matches (with a warning);
//   - the global part of a configuration with _rules_ holds settings the rules share, and
//     requests no rule matches are not limited;
//   - anything else is refused, the plugin would never do anything: the error names
//     SourceNames and also, fields that would count too ("" for none).
//
// A nil error means "not limited here".
func NothingToCount(r *config.Reader, also string) error {
	if r.Path() != "" {
		r.Warnf("", "nothing to count by: requests this rule matches are not limited")
		return nil
	}
	for _, k := range r.Keys() {
		if k == "_rules_" {
			return nil
		}
	}
	if also != "" {
		r.Failf("", "nothing to count by: set one of %s, or %s", SourceNames, also)
	} else {
		r.Failf("", "nothing to count by: set one of %s", SourceNames)
	}
	return r.Err()
}
