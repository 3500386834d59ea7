package rules

import (
	"strconv"
	"strings"
	"testing"
)

// matched compiles rules (JSON objects without config keys; each gets "id": its index)
// and returns which rule each request picks: its index, "global", or "none".
func matched(t *testing.T, rules []string, global bool, reqs []Request) []string {
	t.Helper()
	var b strings.Builder
	b.WriteString(`{`)
	if global {
		b.WriteString(`"id": "global", `)
	}
	b.WriteString(`"_rules_": [`)
	for i, r := range rules {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(strings.TrimSuffix(r, "}") + `, "id": "` + strconv.Itoa(i) + `"}`)
	}
	b.WriteString(`]}`)
	set := mustCompile(t, b.String())
	out := make([]string, len(reqs))
	for i, req := range reqs {
		out[i] = "none"
		if c := set.Match(req); c != nil {
			out[i] = c.ID
		}
	}
	return out
}

func TestMatchKinds(t *testing.T) {
	tests := []struct {
		name string
		rule string
		req  Request
		want bool
	}{
		{"route exact", `{"_match_route_": ["chat", "embed"]}`, Request{Route: "embed"}, true},
		{"route other", `{"_match_route_": ["chat"]}`, Request{Route: "chat2"}, false},
		{"route case-sensitive", `{"_match_route_": ["chat"]}`, Request{Route: "Chat"}, false},
		{"route empty", `{"_match_route_": ["chat"]}`, Request{}, false},
		{"prefix", `{"_match_route_prefix_": ["ai-route-"]}`, Request{Route: "ai-route-openai.internal"}, true},
		{"prefix whole name", `{"_match_route_prefix_": ["ai-route-"]}`, Request{Route: "ai-route-"}, true},
		{"prefix miss", `{"_match_route_prefix_": ["ai-route-"]}`, Request{Route: "ai-rout"}, false},
		{"service plain cluster", `{"_match_service_": ["openai"]}`, Request{Service: "openai"}, true},
		{"service fqdn", `{"_match_service_": ["llm.default.svc.cluster.local"]}`, Request{Service: "outbound|8080||llm.default.svc.cluster.local"}, true},
		{"service fqdn:port", `{"_match_service_": ["llm.dns:443"]}`, Request{Service: "outbound|443||llm.dns"}, true},
		{"service other port", `{"_match_service_": ["llm.dns:443"]}`, Request{Service: "outbound|80||llm.dns"}, false},
		{"service with subset", `{"_match_service_": ["llm.dns"]}`, Request{Service: "outbound|80|v1|llm.dns"}, true},
		{"service whole istio name", `{"_match_service_": ["outbound|80||llm.dns"]}`, Request{Service: "outbound|80||llm.dns"}, false}, // FQDN only, as Higress
		{"service five parts", `{"_match_service_": ["llm.dns"]}`, Request{Service: "outbound|80||llm.dns|x"}, false},
		{"service three parts", `{"_match_service_": ["llm.dns"]}`, Request{Service: "outbound|80|llm.dns"}, false},
		{"service partial fqdn", `{"_match_service_": ["llm"]}`, Request{Service: "outbound|80||llm.dns"}, false},
		{"service empty", `{"_match_service_": ["llm.dns"]}`, Request{}, false},
	}
	for _, tt := range tests {
		got := matched(t, []string{tt.rule}, false, []Request{tt.req})[0]
		if (got == "0") != tt.want {
			t.Errorf("%s: %s on %+v gave %s, want match %v", tt.name, tt.rule, tt.req, got, tt.want)
		}
	}
}

func TestMatchDomains(t *testing.T) {
	tests := []struct {
		pattern, host string
		want          bool
	}{
		{"api.example.com", "api.example.com", true},
		{"api.example.com", "api.example.com:8443", true},
		{"api.example.com", "API.Example.COM", true},
		{"API.EXAMPLE.COM", "api.example.com:443", true},
		{"api.example.com", "api.example.com.", false},
		{"api.example.com", "xapi.example.com", false},
		{"api.example.com", "", false},
		{"*.example.com", "a.example.com", true},
		{"*.example.com", "a.b.example.com:80", true},
		{"*.example.com", "A.EXAMPLE.com", true},
		{"*.example.com", "example.com", false},
		{"*.example.com", "aexample.com", false},
		{"*example.com", "aexample.com", true}, // as Higress: a leading '*' is any prefix
		{"example.*", "example.org", true},
		{"example.*", "EXAMPLE.co.uk:8080", true},
		{"example.*", "example", false},
		{"example.*", "www.example.org", false},
		{"*", "anything:1", true},
		{"*", "", true},
		{"[::1]", "[::1]:8080", true},
		{"[::1]", "[::1]", true},
		{"[::1]", "[::2]:8080", false},
		{"[fe80::a]", "[FE80::A]:443", true},
		{"*.example.com", strings.Repeat("X", 300) + ".EXAMPLE.com", true}, // longer than the stack buffer
		{"localhost", "localhost:", true},
	}
	for _, tt := range tests {
		got := matched(t, []string{`{"_match_domain_": [` + strconv.Quote(tt.pattern) + `]}`}, false, []Request{{Domain: tt.host}})[0]
		if (got == "0") != tt.want {
			t.Errorf("pattern %q, host %.40q: got %s, want match %v", tt.pattern, tt.host, got, tt.want)
		}
	}
}

func TestPrecedence(t *testing.T) {
	rules := []string{
		/* 0 */ `{"_match_domain_": ["*.example.com"]}`,
		/* 1 */ `{"_match_route_": ["chat"]}`,
		/* 2 */ `{"_match_domain_": ["api.example.com", "api.other.com"]}`,
		/* 3 */ `{"_match_route_": ["chat", "embed"], "_match_domain_": ["api.other.com"]}`,
		/* 4 */ `{"_match_route_": ["embed"]}`,
		/* 5 */ `{"_match_route_prefix_": ["emb"], "_match_service_": ["llm.dns"]}`,
		/* 6 */ `{"_match_route_prefix_": ["e"]}`,
		/* 7 */ `{"_match_service_": ["llm.dns"]}`,
	}
	tests := []struct {
		req  Request
		want string
	}{
		{Request{Route: "chat", Domain: "api.example.com"}, "0"}, // an earlier wildcard beats a later exact match
		{Request{Route: "chat", Domain: "api.other.com"}, "1"},   // route rule 1 comes before domain rule 2
		{Request{Route: "embed", Domain: "api.other.com"}, "2"},  // exact domain, before the route+domain rule 3
		{Request{Route: "embed", Domain: "x.org"}, "4"},          // rule 3 needs both route and domain
		{Request{Route: "embed", Service: "outbound|1||llm.dns"}, "4"},
		{Request{Route: "emb2", Service: "outbound|1||llm.dns"}, "5"}, // prefix and service both match
		{Request{Route: "emb2", Service: "other"}, "6"},
		{Request{Route: "zzz", Service: "outbound|1||llm.dns"}, "7"},
		{Request{Route: "zzz", Domain: "nope"}, "global"},
		{Request{}, "global"},
	}
	var reqs []Request
	for _, tt := range tests {
		reqs = append(reqs, tt.req)
	}
	got := matched(t, rules, true, reqs)
	for i, tt := range tests {
		if got[i] != tt.want {
			t.Errorf("%+v: got rule %s, want %s", tt.req, got[i], tt.want)
		}
	}
	// Without a global config, a request no rule matches has no config.
	if got := matched(t, rules, false, []Request{{Route: "zzz"}}); got[0] != "none" {
		t.Errorf("no global: got %s", got[0])
	}
}

func TestStripPort(t *testing.T) {
	tests := []struct{ in, want string }{
		{"a.com", "a.com"},
		{"a.com:80", "a.com"},
		{"a.com:", "a.com"},
		{"[::1]", "[::1]"},
		{"[::1]:80", "[::1]"},
		{"", ""},
		{":80", ""},
	}
	for _, tt := range tests {
		if got := stripPort(tt.in); got != tt.want {
			t.Errorf("stripPort(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMatchDoesNotAllocate(t *testing.T) {
	set := benchSet(t)
	for _, req := range benchRequests {
		if n := testing.AllocsPerRun(100, func() { set.Match(req.req) }); n != 0 {
			t.Errorf("%s: %v allocations per Match", req.name, n)
		}
	}
}
