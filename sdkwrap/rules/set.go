package rules

// Request is what rules match a request on. The caller reads the facts from the host; it
// may leave out those Needs says no rule uses.
type Request struct {
	// Route is the route name: property xds.route_name on Envoy, route_name on Higress.
	Route string
	// Service is the upstream cluster name: property xds.cluster_name on Envoy,
	// cluster_name on Higress.
	Service string
	// Domain is the :authority header, port included or not.
	Domain string
}

// Needs says which request facts at least one rule matches on.
type Needs struct {
	Route, Service, Domain bool
}

// Set is a compiled configuration: the global config, each rule's, and the matcher.
// A Set is read-only after Compile, and its methods work on a nil Set (no config).
type Set[C any] struct {
	global  *C
	configs []*C // by rule index
	m       *matcher
}

// Match returns the configuration for a request: the first rule it matches, in _rules_
// order, or else the global config; nil when neither applies (only rules configure the
// plugin and none matched) or when parse returned nil for that scope.
func (s *Set[C]) Match(req Request) *C {
	if s == nil {
		return nil
	}
	if i := s.m.match(&req); i >= 0 {
		return s.configs[i]
	}
	return s.global
}

// Global is the global config: nil when only rules configure the plugin.
func (s *Set[C]) Global() *C {
	if s == nil {
		return nil
	}
	return s.global
}

// Len is the number of rules.
func (s *Set[C]) Len() int {
	if s == nil {
		return 0
	}
	return len(s.configs)
}

// Rule is the config of rule i (in _rules_ order).
func (s *Set[C]) Rule(i int) *C { return s.configs[i] }

// Needs says which request facts the rules match on; with no rules, none.
func (s *Set[C]) Needs() Needs {
	if s == nil {
		return Needs{}
	}
	return s.m.needs
}
