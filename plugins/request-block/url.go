package main

import "strings"

// urlRules are the rules on the request's :path (path and query): block_exact_urls,
// block_urls and block_regexp_urls.
type urlRules struct {
	exact map[string]string // block_exact_urls entry (folded when fold) -> its label
	m     *matcher          // block_urls and block_regexp_urls
	fold  bool
}

func (u *urlRules) empty() bool { return len(u.exact) == 0 && u.m.empty() }

// match checks path as the client sent it and, when it holds percent escapes, decoded as
// well: the upstream reads /%61dmin as /admin.
func (u *urlRules) match(path string) (string, bool) {
	if l, ok := u.matchOne(path); ok {
		return l, true
	}
	if strings.IndexByte(path, '%') >= 0 {
		if d := percentDecode(path); d != path {
			return u.matchOne(d)
		}
	}
	return "", false
}

// matchOne: an exact rule matches the whole :path or its part before the query, so that
// appending "?" does not get around it; then the substrings and regexps.
func (u *urlRules) matchOne(path string) (string, bool) {
	if len(u.exact) > 0 {
		p := path
		if u.fold {
			p = foldString(p)
		}
		if l, ok := u.exact[p]; ok {
			return l, true
		}
		if q := strings.IndexByte(p, '?'); q >= 0 {
			if l, ok := u.exact[p[:q]]; ok {
				return l, true
			}
		}
	}
	return u.m.match(path)
}

// percentDecode decodes every %XX escape of s; a '%' not followed by two hex digits stays
// as it is.
func percentDecode(s string) string {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			if h, l := unhex(s[i+1]), unhex(s[i+2]); h >= 0 && l >= 0 {
				out = append(out, byte(h<<4|l))
				i += 2
				continue
			}
		}
		out = append(out, s[i])
	}
	return string(out)
}

func unhex(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c - 'a' + 10)
	case 'A' <= c && c <= 'F':
		return int(c - 'A' + 10)
	}
	return -1
}
