package rules

import (
	"fmt"
	"strings"
	"testing"
)

// benchSet compiles 50 rules mixing every kind: 20 by route (2 names each), 5 by route
// prefix, 10 by exact domain, 5 by wildcard domain, 5 by service, 5 combining kinds.
func benchSet(tb testing.TB) *Set[testConfig] {
	tb.Helper()
	var rules []string
	add := func(format string, args ...any) {
		rules = append(rules, fmt.Sprintf(format, args...)+fmt.Sprintf(`,"id":"%d"}`, len(rules)))
	}
	for i := 0; i < 20; i++ {
		add(`{"_match_route_":["route-%d","route-%d-b"]`, i, i)
	}
	for i := 0; i < 5; i++ {
		add(`{"_match_route_prefix_":["prefix-%d-"]`, i)
	}
	for i := 0; i < 10; i++ {
		add(`{"_match_domain_":["api%d.example.com"]`, i)
	}
	for i := 0; i < 5; i++ {
		add(`{"_match_domain_":["*.zone%d.example.com"]`, i)
	}
	for i := 0; i < 5; i++ {
		add(`{"_match_service_":["llm-%d.dns:443","llm-%d.svc.cluster.local"]`, i, i)
	}
	for i := 0; i < 5; i++ {
		add(`{"_match_route_":["both-%d"],"_match_domain_":["both%d.example.com"]`, i, i)
	}
	set, _, err := Compile([]byte(`{"id":"global","_rules_":[`+strings.Join(rules, ",")+`]}`), parseTest)
	if err != nil {
		tb.Fatal(err)
	}
	return set
}

var benchRequests = []struct {
	name string
	req  Request
	want string
}{
	{"route", Request{Route: "route-17-b", Service: "outbound|443||other.dns", Domain: "x.example.org"}, "17"},
	{"route-prefix", Request{Route: "prefix-3-chat", Service: "outbound|443||other.dns", Domain: "x.example.org"}, "23"},
	{"domain-exact", Request{Route: "nothing", Service: "outbound|443||other.dns", Domain: "api7.example.com:443"}, "32"},
	{"domain-upper", Request{Route: "nothing", Service: "outbound|443||other.dns", Domain: "API7.Example.com"}, "32"},
	{"domain-wildcard", Request{Route: "nothing", Service: "outbound|443||other.dns", Domain: "a.zone4.example.com"}, "39"},
	{"service", Request{Route: "nothing", Service: "outbound|443||llm-2.dns", Domain: "x.example.org"}, "42"},
	{"combined", Request{Route: "both-1", Service: "outbound|443||other.dns", Domain: "both1.example.com"}, "46"},
	{"miss", Request{Route: "nothing", Service: "outbound|443||other.dns", Domain: "x.example.org:8080"}, "global"},
}

func TestBenchSet(t *testing.T) {
	set := benchSet(t)
	for _, r := range benchRequests {
		if got := set.Match(r.req); got == nil || got.ID != r.want {
			t.Errorf("%s: got %+v, want rule %s", r.name, got, r.want)
		}
	}
}

// BenchmarkMatch measures Match over 50 rules for each kind of hit and for a miss, with
// all three request facts set (the worst case: every table is consulted).
func BenchmarkMatch(b *testing.B) {
	set := benchSet(b)
	for _, r := range benchRequests {
		b.Run(r.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				set.Match(r.req)
			}
		})
	}
}

// BenchmarkCompile measures configure time for the 50-rule set: parsing, one parse call
// per rule and the global config, building the tables.
func BenchmarkCompile(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		benchSet(b)
	}
}
