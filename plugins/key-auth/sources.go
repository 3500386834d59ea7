package main

import (
	"net/url"
	"strings"

	"github.com/aiwasm/aiwasm/sdkwrap/plugin"
)

// presented is the key a request carries and where it carries it.
type presented struct {
	key string
	// where is the first place the key was found, clash a place holding a different key
	// (-1: none): indexes into Config.headers, then Config.params after them.
	where, clash int
	headers      uint64 // bit i: Config.headers[i] held the key
	query        string // the :path, when a query parameter held the key
}

// find looks for the key in every configured place. It stops at the first place holding a
// key different from one already found: the request is then ambiguous.
func find(s *plugin.Stream[Config, struct{}], c *Config) presented {
	p := presented{where: -1, clash: -1}
	for i, name := range c.headers {
		v := s.RequestHeader(name)
		if name == "authorization" {
			v = bearerToken(v)
		}
		if v == "" {
			continue
		}
		if !p.add(v, i) {
			return p
		}
		p.headers |= 1 << i
	}
	if len(c.params) == 0 {
		return p
	}
	path := s.Path()
	q := strings.IndexByte(path, '?')
	if q < 0 {
		return p
	}
	for rest := path[q+1:]; rest != ""; {
		var param string
		param, rest, _ = strings.Cut(rest, "&")
		name, value, _ := strings.Cut(param, "=")
		j := indexOf(c.params, unescape(name))
		if j < 0 {
			continue
		}
		if value = unescape(value); value == "" {
			continue
		}
		if !p.add(value, len(c.headers)+j) {
			return p
		}
		p.query = path
	}
	return p
}

// add records a key found at place; false when it differs from the key found before.
func (p *presented) add(key string, place int) bool {
	switch {
	case p.where < 0:
		p.key, p.where = key, place
	case key != p.key:
		p.clash = place
		return false
	}
	return true
}

// remove takes the key out of the request: the headers that held it, and from the :path
// every parameter named in Config.params, the others kept as they were, in order.
func (p *presented) remove(s *plugin.Stream[Config, struct{}], c *Config) {
	for i, name := range c.headers {
		if p.headers&(1<<i) != 0 {
			s.RemoveRequestHeader(name)
		}
	}
	if p.query != "" {
		s.SetRequestHeader(":path", withoutParams(p.query, c.params))
	}
}

// place names a place for logs and messages: a header name, or "?name" for a query
// parameter.
func (c *Config) place(i int) string {
	if i < len(c.headers) {
		return c.headers[i]
	}
	return "?" + c.params[i-len(c.headers)]
}

// bearerToken reads an Authorization value: the token of the Bearer scheme (the scheme's
// name in any case), or a bare value with no scheme as it is. A value of another scheme
// (Basic, Digest ...) holds no API key: "".
func bearerToken(v string) string {
	sp := strings.IndexAny(v, " \t")
	if sp < 0 {
		if strings.EqualFold(v, "bearer") {
			return ""
		}
		return v
	}
	if !strings.EqualFold(v[:sp], "bearer") {
		return ""
	}
	return strings.Trim(v[sp:], " \t")
}

// withoutParams is path without the query parameters named in names (decoded names compared),
// the other parameters kept byte for byte and in order; without any left, without the '?'.
func withoutParams(path string, names []string) string {
	q := strings.IndexByte(path, '?')
	if q < 0 {
		return path
	}
	var b strings.Builder
	b.Grow(len(path))
	b.WriteString(path[:q])
	sep := byte('?')
	for rest := path[q+1:]; rest != ""; {
		var param string
		param, rest, _ = strings.Cut(rest, "&")
		name, _, _ := strings.Cut(param, "=")
		if param == "" || indexOf(names, unescape(name)) >= 0 {
			continue
		}
		b.WriteByte(sep)
		b.WriteString(param)
		sep = '&'
	}
	return b.String()
}

// unescape decodes a query component; one that does not decode is compared as written.
func unescape(s string) string {
	if !strings.ContainsAny(s, "%+") {
		return s
	}
	if d, err := url.QueryUnescape(s); err == nil {
		return d
	}
	return s
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}
