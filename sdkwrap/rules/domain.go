package rules

import "strings"

// Domain patterns read as Higress reads them: "api.example.com" matches that host only;
// "*.example.com" any host ending in ".example.com" (not example.com itself); "example.*"
// any host starting with "example."; "*" every host, an empty one included. The request's
// port is ignored. Unlike Higress, hosts and patterns compare ASCII case-insensitively:
// host names are, and Envoy picks virtual hosts so.

type domainPattern struct {
	affix string // lower case, without the '*'
	kind  patternKind
}

type patternKind uint8

const (
	exactDomain patternKind = iota
	suffixDomain
	prefixDomain
)

// parseDomainPattern checks a _match_domain_ entry; reason is empty when it is valid.
func parseDomainPattern(p string) (pat domainPattern, reason string) {
	switch {
	case p == "":
		return pat, "must not be empty"
	case strings.Count(p, "*") > 1 || (strings.Contains(p, "*") && p[0] != '*' && p[len(p)-1] != '*'):
		return pat, `a '*' may only start or end a domain pattern, once: "*.example.com", "example.*" or "*"`
	case stripPort(p) != p:
		return pat, "must not have a port: the request's port is ignored"
	}
	p = lowerASCII(p)
	switch {
	case p[0] == '*':
		return domainPattern{affix: p[1:], kind: suffixDomain}, ""
	case p[len(p)-1] == '*':
		return domainPattern{affix: p[:len(p)-1], kind: prefixDomain}, ""
	}
	return domainPattern{affix: p, kind: exactDomain}, ""
}

// domainTable matches hosts: exact ones by map, wildcards by a scan in rule order.
type domainTable struct {
	exact nameTable
	wild  []wildDomain
}

type wildDomain struct {
	domainPattern
	index int32
}

func (t *domainTable) add(p domainPattern, index int32) {
	if p.kind == exactDomain {
		t.exact.add(p.affix, index)
		return
	}
	t.wild = append(t.wild, wildDomain{p, index})
}

func (t *domainTable) first(h *host, limit int32) int32 {
	best := limit
	if t.exact.mayHave(len(h.name)) {
		if i, ok := h.lookup(&t.exact); ok && i < best {
			best = i
		}
	}
	for k := range t.wild {
		w := &t.wild[k]
		if w.index >= best {
			break
		}
		if h.matches(&w.domainPattern) {
			return w.index
		}
	}
	return best
}

// domainMatches is domainTable for the few patterns of one rule, without a map.
func domainMatches(patterns []domainPattern, h *host) bool {
	for i := range patterns {
		if h.matches(&patterns[i]) {
			return true
		}
	}
	return false
}

// host is the request's host, port stripped, ready for case-insensitive comparisons.
// lower is a lower-case copy, made only when name has upper-case letters (in a buffer the
// caller keeps on its stack).
type host struct {
	name  string
	lower []byte
}

// hostBufSize covers every DNS name (253 bytes) so the common paths do not allocate.
const hostBufSize = 256

func newHost(authority string, buf *[hostBufSize]byte) host {
	h := host{name: stripPort(authority)}
	if !hasUpperASCII(h.name) {
		return h
	}
	if len(h.name) <= len(buf) {
		h.lower = buf[:len(h.name)]
	} else {
		h.lower = make([]byte, len(h.name))
	}
	for i := 0; i < len(h.name); i++ {
		h.lower[i] = lowerByte(h.name[i])
	}
	return h
}

func (h *host) matches(p *domainPattern) bool {
	switch p.kind {
	case suffixDomain:
		return h.hasSuffix(p.affix)
	case prefixDomain:
		return h.hasPrefix(p.affix)
	}
	if h.lower != nil {
		return string(h.lower) == p.affix
	}
	return h.name == p.affix
}

func (h *host) lookup(t *nameTable) (int32, bool) {
	if h.lower != nil {
		i, ok := t.index[string(h.lower)] // no allocation for a map index
		return i, ok
	}
	i, ok := t.index[h.name]
	return i, ok
}

func (h *host) hasSuffix(s string) bool {
	if h.lower != nil {
		return len(h.lower) >= len(s) && string(h.lower[len(h.lower)-len(s):]) == s
	}
	return strings.HasSuffix(h.name, s)
}

func (h *host) hasPrefix(s string) bool {
	if h.lower != nil {
		return len(h.lower) >= len(s) && string(h.lower[:len(s)]) == s
	}
	return strings.HasPrefix(h.name, s)
}

// stripPort drops a ":port" from an authority, like Envoy and Higress: after the last ':',
// unless a ']' follows it (the end of an IPv6 literal: "[::1]" keeps its colons,
// "[::1]:8080" loses the port).
func stripPort(authority string) string {
	colon := strings.LastIndexByte(authority, ':')
	if colon < 0 || strings.LastIndexByte(authority, ']') > colon {
		return authority
	}
	return authority[:colon]
}

func hasUpperASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			return true
		}
	}
	return false
}

func lowerByte(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}

// lowerASCII lower-cases ASCII letters only: host names are ASCII (IDNs travel as
// punycode), and strings.ToLower would fold non-ASCII bytes the matcher never folds.
func lowerASCII(s string) string {
	if !hasUpperASCII(s) {
		return s
	}
	b := []byte(s)
	for i := range b {
		b[i] = lowerByte(b[i])
	}
	return string(b)
}
