package main

import "strings"

// Balancer is the balancer object: how instances of one priority share requests.
type Balancer struct {
	CHash  bool   // algorithm "chash"; else "roundrobin"
	HashOn string // chash: "vars", "header", "cookie", "query" or "consumer"
	Key    string // the header, cookie or parameter name; for vars the variable
}

// hashVars are the variables hash_on "vars" may name (APISIX's are nginx variables; these
// are the ones with an Envoy equivalent).
var hashVars = []string{"remote_addr", "host", "uri"}

// requestFacts is what a hash key is read from; the handler supplies it.
type requestFacts interface {
	Header(name string) string // request header, pseudo-headers included (":path")
	Consumer() string          // the consumer key-auth authenticated, "" if none
	RemoteAddr() string        // the client address (source.address, port removed)
}

// HashKey is the value the ring hashes for this request; "" when the request has none (no
// such header, cookie, parameter or consumer), and the group falls back to round robin.
func (b Balancer) HashKey(req requestFacts) string {
	if !b.CHash {
		return ""
	}
	switch b.HashOn {
	case "header":
		return req.Header(b.Key)
	case "cookie":
		return cookieValue(req.Header("cookie"), b.Key)
	case "query":
		_, q, _ := strings.Cut(req.Header(":path"), "?")
		v, _ := queryParam(q, b.Key)
		return v
	case "consumer":
		return req.Consumer()
	}
	switch b.Key {
	case "host":
		return req.Header(":authority")
	case "uri":
		p, _, _ := strings.Cut(req.Header(":path"), "?")
		return p
	}
	return req.RemoteAddr()
}

// cookieValue is the value of cookie name in a Cookie header, "" if absent.
func cookieValue(header, name string) string {
	for header != "" {
		var pair string
		pair, header, _ = strings.Cut(header, ";")
		k, v, _ := strings.Cut(strings.TrimSpace(pair), "=")
		if k == name {
			return strings.Trim(v, `"`)
		}
	}
	return ""
}
