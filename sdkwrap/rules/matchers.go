package rules

import (
	"strings"

	"github.com/aiwasm/aiwasm/sdkwrap/config"
)

// The keys of a _rules_ entry that say which requests it is for.
const (
	rulesKey         = "_rules_"
	matchRoute       = "_match_route_"
	matchRoutePrefix = "_match_route_prefix_"
	matchService     = "_match_service_"
	matchDomain      = "_match_domain_"
	matcherPrefix    = "_match_"
)

// readSpec reads the matchers of one _rules_ entry, reporting problems through e. An
// unknown _match_* key is a problem rather than a warning: ignoring a matcher would apply
// the rule to requests it was meant to exclude.
func readSpec(e *config.Reader) spec {
	var (
		s   spec
		bad bool
	)
	s.routes, bad = names(e, matchRoute, bad)
	s.prefixes, bad = names(e, matchRoutePrefix, bad)
	s.services, bad = names(e, matchService, bad)
	patterns, ok := list(e, matchDomain)
	bad = bad || !ok
	for i, p := range patterns {
		d, reason := parseDomainPattern(p)
		if reason != "" {
			e.FailItemf(matchDomain, i, "%s", reason)
			bad = true
			continue
		}
		s.domains = append(s.domains, d)
	}
	for _, k := range e.Keys() {
		switch {
		case !strings.HasPrefix(k, matcherPrefix) || k == matchRoute || k == matchRoutePrefix || k == matchService || k == matchDomain:
		case k == "_match_consumer_":
			e.Failf(k, "not supported; match the consumer in the plugin's own config")
			bad = true
		default:
			e.Failf(k, "unknown matcher; want %s, %s, %s or %s", matchRoute, matchRoutePrefix, matchDomain, matchService)
			bad = true
		}
	}
	if !bad && s.kinds() == 0 {
		e.Failf("", "no matcher: a rule needs a non-empty %s, %s, %s or %s", matchRoute, matchRoutePrefix, matchDomain, matchService)
	}
	return s
}

// names reads a list of non-empty strings; bad becomes true on any problem.
func names(e *config.Reader, key string, bad bool) ([]string, bool) {
	l, ok := list(e, key)
	for i, n := range l {
		if n == "" {
			e.FailItemf(key, i, "must not be empty")
			ok = false
		}
	}
	return l, bad || !ok
}

// list reads a list of strings; ok is false when it is there but is not one (the reader
// has reported it). An absent or empty list matches nothing, as in Higress.
func list(e *config.Reader, key string) (l []string, ok bool) {
	l = e.Strings(key, nil)
	return l, l != nil || !e.Has(key) // Strings gives the nil default on a problem
}
