package limitkey

import (
	"net/netip"
	"strings"
)

// ParseIP reads one address as clients and proxies write it: "203.0.113.7", "2001:db8::1",
// with a port ("203.0.113.7:4711", "[2001:db8::1]:4711") or in brackets ("[::1]"). An
// IPv4-mapped IPv6 address is its IPv4 address and a zone is dropped, so one client has one
// spelling and one counter.
func ParseIP(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	a, err := netip.ParseAddr(s)
	if err != nil {
		if ap, perr := netip.ParseAddrPort(s); perr == nil {
			a, err = ap.Addr(), nil
		} else if len(s) > 2 && s[0] == '[' && s[len(s)-1] == ']' {
			a, err = netip.ParseAddr(s[1 : len(s)-1])
		}
	}
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap().WithZone(""), true
}

// FirstForwarded is the first address of a comma-separated list such as X-Forwarded-For:
// the client, as the first proxy saw it.
func FirstForwarded(list string) (netip.Addr, bool) {
	first, _, _ := strings.Cut(list, ",")
	return ParseIP(first)
}
