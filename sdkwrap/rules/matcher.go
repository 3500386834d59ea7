package rules

import "strings"

// matcher finds the first rule, in _rules_ order, that a request matches.
//
// A rule with one kind of matcher (nearly all of them) goes into the shared tables, which
// answer in a few map lookups and short scans whatever the number of rules. A rule that
// combines kinds must match on each of them, so it keeps its own matchers and is tried in
// order, only while it could still beat the best match found in the shared tables.
type matcher struct {
	shared tables
	multi  []multiRule
	count  int32
	needs  Needs
}

// multiRule is a rule with several kinds of matchers. It has few entries of each, so it
// keeps plain lists: a few string comparisons reject a request faster than map lookups.
type multiRule struct {
	spec
	index int32
	kinds kinds
}

// kinds is a set of matcher kinds.
type kinds uint8

const (
	byRoute kinds = 1 << iota
	byRoutePrefix
	byService
	byDomain
)

// spec is one rule's matchers, as read from its _match_* keys.
type spec struct {
	routes, prefixes, services []string
	domains                    []domainPattern
}

func (s *spec) kinds() kinds {
	var k kinds
	if len(s.routes) > 0 {
		k |= byRoute
	}
	if len(s.prefixes) > 0 {
		k |= byRoutePrefix
	}
	if len(s.services) > 0 {
		k |= byService
	}
	if len(s.domains) > 0 {
		k |= byDomain
	}
	return k
}

// tables hold the matchers of one kind each, and the lowest rule index in each, so that
// Match skips a table that cannot beat the best match found so far.
type tables struct {
	routes   nameTable
	prefixes prefixTable
	services serviceTable
	domains  domainTable

	lowRoute, lowPrefix, lowService, lowDomain int32
}

func newTables() tables {
	return tables{
		routes: newNameTable(), services: serviceTable{}, domains: domainTable{exact: newNameTable()},
		lowRoute: noRule, lowPrefix: noRule, lowService: noRule, lowDomain: noRule,
	}
}

// add adds a rule's matchers; rules are added in index order.
func (t *tables) add(s *spec, index int32) {
	for _, r := range s.routes {
		t.routes.add(r, index)
		t.lowRoute = min(t.lowRoute, index)
	}
	for _, p := range s.prefixes {
		t.prefixes = append(t.prefixes, prefixEntry{p, index})
		t.lowPrefix = min(t.lowPrefix, index)
	}
	for _, svc := range s.services {
		t.services.add(svc, index)
		t.lowService = min(t.lowService, index)
	}
	for _, d := range s.domains {
		t.domains.add(d, index)
		t.lowDomain = min(t.lowDomain, index)
	}
}

func newMatcher(specs []spec) *matcher {
	m := &matcher{shared: newTables(), count: int32(len(specs))}
	for i := range specs {
		s, index := &specs[i], int32(i)
		k := s.kinds()
		m.needs.Route = m.needs.Route || k&(byRoute|byRoutePrefix) != 0
		m.needs.Service = m.needs.Service || k&byService != 0
		m.needs.Domain = m.needs.Domain || k&byDomain != 0
		if k&(k-1) == 0 { // a single kind
			m.shared.add(s, index)
			continue
		}
		m.multi = append(m.multi, multiRule{spec: *s, index: index, kinds: k})
	}
	return m
}

// match returns the index of the first rule req matches, or -1.
func (m *matcher) match(req *Request) int {
	t := &m.shared
	best := m.count
	if req.Route != "" { // no rule has an empty route name or prefix
		if t.lowRoute < best {
			best = t.routes.first(req.Route, best)
		}
		if t.lowPrefix < best {
			best = t.prefixes.first(req.Route, best)
		}
	}
	if req.Service != "" && t.lowService < best {
		best = t.services.first(req.Service, best)
	}
	var buf [hostBufSize]byte
	var h host
	hostReady := false
	if t.lowDomain < best {
		h, hostReady = newHost(req.Domain, &buf), true
		best = t.domains.first(&h, best)
	}
	for i := range m.multi {
		r := &m.multi[i]
		if r.index >= best {
			break
		}
		if r.kinds&byDomain != 0 && !hostReady {
			h, hostReady = newHost(req.Domain, &buf), true
		}
		if r.matches(req, &h) {
			best = r.index
			break
		}
	}
	if best == m.count {
		return -1
	}
	return int(best)
}

// matches reports whether the request matches every kind of matcher the rule has.
func (r *multiRule) matches(req *Request, h *host) bool {
	return (r.kinds&byRoute == 0 || anyEqual(r.routes, req.Route)) &&
		(r.kinds&byRoutePrefix == 0 || anyPrefix(r.prefixes, req.Route)) &&
		(r.kinds&byService == 0 || serviceMatches(r.services, req.Service)) &&
		(r.kinds&byDomain == 0 || domainMatches(r.domains, h))
}

func anyEqual(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func anyPrefix(list []string, s string) bool {
	for _, x := range list {
		if strings.HasPrefix(s, x) {
			return true
		}
	}
	return false
}
