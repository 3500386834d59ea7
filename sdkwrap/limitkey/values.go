package limitkey

import (
	"net/netip"
	"net/url"
	"strings"

	"github.com/aiwasm/aiwasm/sdkwrap/plugin"
)

// Request is what Value reads of a request; *plugin.Stream is one.
type Request interface {
	RequestHeader(name string) string
	Path() string
	Consumer() string
	Property(path ...string) ([]byte, bool)
	Log() *plugin.Logger
}

// Value is what a request is counted under for src; ok is false when it has none (no such
// header, parameter, cookie or consumer, an empty one, or no valid address), and then the
// request is not limited. ByGlobal has the empty value.
func Value(s Request, src *Source) (v string, addr netip.Addr, ok bool) {
	switch src.Kind {
	case ByHeader:
		v = s.RequestHeader(src.Name)
	case ByParam:
		v = QueryParam(s.Path(), src.Name)
	case ByCookie:
		v = Cookie(s.RequestHeader("cookie"), src.Name)
	case ByConsumer:
		v = s.Consumer()
	case ByIP:
		if addr, ok = clientIP(s, src); !ok {
			return "", addr, false
		}
		return addr.String(), addr, true
	case ByGlobal:
		return "", addr, true
	}
	return v, addr, v != ""
}

// clientIP is the address limit_by_per_ip names: the first of the header's list, or the
// connection's remote address (property source.address, "ip:port").
func clientIP(s Request, src *Source) (netip.Addr, bool) {
	if src.Name != "" {
		a, ok := FirstForwarded(s.RequestHeader(src.Name))
		if !ok {
			s.Log().Debugf("no valid IP address first in %s: not limited", src.Name)
		}
		return a, ok
	}
	raw, _ := s.Property("source", "address")
	a, ok := ParseIP(string(raw))
	if !ok {
		s.Log().Debugf("no valid remote address: not limited")
	}
	return a, ok
}

// QueryParam is the value of the first query parameter called name in path, decoded.
func QueryParam(path, name string) string {
	_, query, found := strings.Cut(path, "?")
	if !found {
		return ""
	}
	query, _, _ = strings.Cut(query, "#")
	for query != "" {
		var pair string
		pair, query, _ = strings.Cut(query, "&")
		k, v, _ := strings.Cut(pair, "=")
		if unescape(k) == name {
			return unescape(v)
		}
	}
	return ""
}

// unescape decodes a query component; one that is not validly escaped is taken as written.
func unescape(s string) string {
	if !strings.ContainsAny(s, "%+") {
		return s
	}
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

// Cookie is the value of the first cookie called name in a Cookie header ("a=1; b=2"),
// without the double quotes a value may be wrapped in.
func Cookie(header, name string) string {
	for header != "" {
		var part string
		part, header, _ = strings.Cut(header, ";")
		k, v, ok := strings.Cut(part, "=")
		if !ok || strings.TrimSpace(k) != name {
			continue
		}
		v = strings.TrimSpace(v)
		if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
			v = v[1 : len(v)-1]
		}
		return v
	}
	return ""
}
