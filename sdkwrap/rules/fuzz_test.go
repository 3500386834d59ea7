package rules

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/aiwasm/aiwasm/sdkwrap/config"
)

// FuzzMatch builds rules and a request from fuzz input and checks the compiled matcher
// against refMatch, a naive reading of the documented semantics: Compile accepts exactly
// the rules refValid accepts, and Match picks the same rule. Never a panic.
//
// spec holds one rule per line; a rule's fields are tab-separated, each a kind letter (r
// route, p route prefix, s service, d domain) followed by comma-separated values. The seed
// corpus is in testdata/fuzz/FuzzMatch.
func FuzzMatch(f *testing.F) {
	f.Fuzz(func(t *testing.T, spec, route, service, domain string, global bool) {
		rules := parseFuzzSpec(spec)
		doc := map[string]any{}
		if global {
			doc["id"] = "global"
		}
		var entries []map[string]any
		for i, r := range rules {
			e := map[string]any{"id": strconv.Itoa(i)}
			for key, values := range r {
				e[key] = values
			}
			entries = append(entries, e)
		}
		if entries != nil {
			doc["_rules_"] = entries
		}
		raw, err := json.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}

		set, _, err := Compile(raw, parseTest)
		if wantValid := allValid(rules); (err == nil) != wantValid {
			t.Fatalf("Compile(%s): err %v, want valid %v", raw, err, wantValid)
		}
		if err != nil {
			var errs config.Errors
			if !errors.As(err, &errs) {
				t.Fatalf("error %T", err)
			}
			for _, p := range errs {
				if !strings.HasPrefix(p.Path, "_rules_[") {
					t.Fatalf("problem outside _rules_: %s", p)
				}
			}
			return
		}

		req := Request{Route: route, Service: service, Domain: domain}
		want := "none"
		if i := refMatch(rules, req); i >= 0 {
			want = strconv.Itoa(i)
		} else if global || entries == nil {
			want = "global"
		}
		got := "none"
		if c := set.Match(req); c != nil {
			got = c.ID
			if !global && entries == nil {
				got = "global" // {} is a global config without an id
			}
		}
		if got != want {
			t.Fatalf("rules %s\nrequest %+v: got %s, want %s", raw, req, got, want)
		}
	})
}

// fuzzRule is a rule's matchers by key.
type fuzzRule map[string][]string

func parseFuzzSpec(spec string) []fuzzRule {
	if spec == "" {
		return nil
	}
	keys := map[byte]string{'r': matchRoute, 'p': matchRoutePrefix, 's': matchService, 'd': matchDomain}
	var rules []fuzzRule
	for _, line := range strings.Split(spec, "\n") {
		r := fuzzRule{}
		for _, field := range strings.Split(line, "\t") {
			if field == "" || keys[field[0]] == "" {
				continue
			}
			// JSON carries UTF-8 only; the request strings stay raw bytes.
			values := strings.Split(strings.ToValidUTF8(field[1:], "\uFFFD"), ",")
			r[keys[field[0]]] = append(r[keys[field[0]]], values...)
		}
		rules = append(rules, r)
	}
	return rules
}

func allValid(rules []fuzzRule) bool {
	for _, r := range rules {
		if !refValid(r) {
			return false
		}
	}
	return true
}

// refValid: at least one matcher value, no empty value, domain patterns with at most one
// '*' at an end and no port.
func refValid(r fuzzRule) bool {
	n := 0
	for key, values := range r {
		for _, v := range values {
			n++
			if v == "" {
				return false
			}
			if key == matchDomain {
				stars := strings.Count(v, "*")
				if stars > 1 || stars == 1 && !strings.HasPrefix(v, "*") && !strings.HasSuffix(v, "*") {
					return false
				}
				if refHost(v) != v {
					return false
				}
			}
		}
	}
	return n > 0
}

// refMatch is the first rule all of whose kinds match req, or -1.
func refMatch(rules []fuzzRule, req Request) int {
	for i, r := range rules {
		ok := true
		for key, values := range r {
			hit := false
			for _, v := range values {
				hit = hit || refMatchOne(key, v, req)
			}
			ok = ok && hit
		}
		if ok {
			return i
		}
	}
	return -1
}

func refMatchOne(key, v string, req Request) bool {
	switch key {
	case matchRoute:
		return req.Route == v
	case matchRoutePrefix:
		return strings.HasPrefix(req.Route, v)
	case matchService:
		parts := strings.Split(req.Service, "|")
		if len(parts) != 4 {
			return req.Service == v
		}
		return v == parts[3] || v == parts[3]+":"+parts[1]
	}
	host, p := refLower(refHost(req.Domain)), refLower(v)
	switch {
	case strings.HasPrefix(p, "*"):
		return strings.HasSuffix(host, p[1:])
	case strings.HasSuffix(p, "*"):
		return strings.HasPrefix(host, p[:len(p)-1])
	}
	return host == p
}

// refHost drops the port: whatever follows the last ':' unless a ']' comes after it.
func refHost(authority string) string {
	for i := len(authority) - 1; i >= 0; i-- {
		switch authority[i] {
		case ']':
			return authority
		case ':':
			return authority[:i]
		}
	}
	return authority
}

func refLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c - 'A' + 'a'
		}
	}
	return string(b)
}
