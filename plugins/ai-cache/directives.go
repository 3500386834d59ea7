package main

import "strings"

// directives are what the client asked of the cache.
type directives struct {
	bypass  bool // the bypass header: neither read nor write
	noRead  bool // Cache-Control: no-cache
	noWrite bool // Cache-Control: no-store
}

func readDirectives(s *stream) directives {
	var d directives
	c := s.Config
	for _, h := range s.RequestHeaders() {
		switch h[0] {
		case c.bypassName:
			if c.bypassValue == "" || strings.EqualFold(strings.TrimSpace(h[1]), c.bypassValue) {
				d.bypass = true
			}
		case "cache-control":
			for _, tok := range strings.Split(h[1], ",") {
				tok, _, _ = strings.Cut(strings.TrimSpace(tok), "=")
				switch strings.ToLower(tok) {
				case "no-cache":
					d.noRead = true
				case "no-store":
					d.noWrite = true
				}
			}
		case "pragma":
			if strings.EqualFold(strings.TrimSpace(h[1]), "no-cache") {
				d.noRead = true
			}
		}
	}
	return d
}
