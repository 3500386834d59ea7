//go:build !wasip1

package main

import (
	"strings"
	"testing"
	"time"

	"github.com/aiwasm/aiwasm/sdkwrap/wasmhost"
)

// The seed scenario: two requests a minute per consumer, refused with 403 and a message of
// the operator's.
func TestSeedConsumerLimit(t *testing.T) {
	p := newPlugin(t, seedConfig)
	first := send(t, p, consumer("alice")...)
	if first.status != 0 || first.header("x-ratelimit-limit") != "2" || first.header("x-ratelimit-remaining") != "1" ||
		first.header("x-ratelimit-reset") != "60" {
		t.Fatalf("first answer: %d %v", first.status, first.response)
	}
	if second := send(t, p, consumer("alice")...); second.status != 0 || second.header("x-ratelimit-remaining") != "0" {
		t.Fatalf("second answer: %d %v", second.status, second.response)
	}
	third := send(t, p, consumer("alice")...)
	if third.status != 403 {
		t.Fatalf("third answer: %d, want 403", third.status)
	}
	msg, typ, code := third.errorBody(t)
	if msg != "Requests are too frequent, please try again later." || typ != "requests" || code != "rate_limit_exceeded" {
		t.Fatalf("third answer %s", third.local.Body)
	}
	// Sliding window: the two requests of this minute still weigh one in the next minute
	// until 30 s into it, so a third fits after 90 s.
	if third.header("x-ratelimit-limit") != "2" || third.header("x-ratelimit-remaining") != "0" ||
		third.header("x-ratelimit-reset") != "90" || third.header("retry-after") != "90" ||
		third.header("content-type") != "application/json" {
		t.Fatalf("third answer headers %v", third.response)
	}
	if fs, _ := third.s.Property("blocked_by"); fs != "key-rate-limit:default" {
		t.Fatalf("blocked_by = %q", fs)
	}
	// Another consumer has counters of its own; an anonymous request is not limited.
	if bob := send(t, p, consumer("bob")...); bob.status != 0 || bob.header("x-ratelimit-remaining") != "1" {
		t.Fatalf("bob: %d %v", bob.status, bob.response)
	}
	if anon := send(t, p); anon.status != 0 || anon.header("x-ratelimit-limit") != "" {
		t.Fatalf("anonymous: %d %v", anon.status, anon.response)
	}
	if a, r := metric(p, "key_rate_limit_allowed"), metric(p, "key_rate_limit_rejected"); a != 3 || r != 1 {
		t.Fatalf("allowed %d, rejected %d", a, r)
	}
	p.Clock().Advance(89 * time.Second)
	if early := send(t, p, consumer("alice")...); early.status != 403 || early.header("retry-after") != "1" {
		t.Fatalf("89 s later: %d, retry-after %q", early.status, early.header("retry-after"))
	}
	p.Clock().Advance(time.Second)
	if again := send(t, p, consumer("alice")...); again.status != 0 {
		t.Fatalf("90 s later: %d", again.status)
	}
}

const seedConfig = `{"limit_by_consumer": true, "limit_keys": [{"key": "*", "query_per_minute": 2}],
	"rejected_code": 403, "rejected_msg": "Requests are too frequent, please try again later."}`

// sendFrom is send with the connection's remote address (property source.address).
func sendFrom(t *testing.T, p *wasmhost.Plugin, remote string, headers ...string) result {
	t.Helper()
	s := p.NewStream()
	s.SetProperty("source.address", remote)
	return finish(t, s, headers...)
}

// Every source, both spellings: one request a minute per value, a second value counted apart,
// and a request without a value untouched.
func TestEverySource(t *testing.T) {
	perMinute := `"limit_keys": [{"key": "*", "query_per_minute": 1}]`
	for _, tc := range []struct {
		config    string
		a, b, non []string // requests with value a, value b, and none
	}{
		{`"limit_by_header": "X-API-Key"`, []string{"x-api-key", "k1"}, []string{"x-api-key", "k2"}, []string{"x-other", "k1"}},
		{`"limit_by_per_header": "x-api-key"`, []string{"x-api-key", "k1"}, []string{"x-api-key", "k2"}, []string{"x-api-key", ""}},
		{`"limit_by_param": "apikey"`, []string{":path", "/v1/models?x=1&apikey=k1"}, []string{":path", "/v1/models?apikey=k2"}, []string{":path", "/v1/models?apikeys=k1"}},
		{`"limit_by_per_param": "apikey"`, []string{":path", "/v1/models?apikey=k%201"}, []string{":path", "/v1/models?apikey=k+2"}, []string{":path", "/v1/models?apikey="}},
		{`"limit_by_consumer": true`, consumer("alice"), consumer("bob"), []string{"x-other", "alice"}},
		{`"limit_by_per_consumer": true`, consumer("alice"), consumer("bob"), consumer("")},
		{`"limit_by_cookie": "session"`, []string{"cookie", "theme=dark; session=s1"}, []string{"cookie", `session="s2"`}, []string{"cookie", "sessions=s1"}},
		{`"limit_by_per_cookie": "session"`, []string{"cookie", "session=s1"}, []string{"cookie", "a=b;session=s2"}, []string{"cookie", "session="}},
		{`"limit_by_per_ip": "from-header-x-forwarded-for"`, []string{"x-forwarded-for", "203.0.113.7, 10.0.0.1"},
			[]string{"x-forwarded-for", "[2001:db8::7]:4711"}, []string{"x-forwarded-for", "unknown, 203.0.113.7"}},
	} {
		t.Run(tc.config, func(t *testing.T) {
			p := newPlugin(t, "{"+tc.config+","+perMinute+"}")
			if got := statuses(t, p, 2, tc.a...); !same(got, []int{0, 429}) {
				t.Fatalf("value a: %v", got)
			}
			if got := statuses(t, p, 2, tc.b...); !same(got, []int{0, 429}) {
				t.Fatalf("value b: %v", got)
			}
			for i := 0; i < 3; i++ {
				if r := send(t, p, tc.non...); r.status != 0 || r.header("x-ratelimit-limit") != "" {
					t.Fatalf("no value, request %d: %d %v", i, r.status, r.response)
				}
			}
			if strings.Contains(tc.config, "per_ip") && !p.LogContains("no valid IP address first in x-forwarded-for: not limited") {
				t.Fatalf("no debug line for the invalid address: %v", p.Logs())
			}
		})
	}
}

// The remote address, with its port, in IPv4 and IPv6; an IPv4-mapped IPv6 address is the
// IPv4 client.
func TestRemoteAddress(t *testing.T) {
	p := newPlugin(t, `{"limit_by_per_ip": "from-remote-addr", "limit_keys": [{"key": "*", "query_per_minute": 2}]}`)
	if r := sendFrom(t, p, "203.0.113.7:50000"); r.status != 0 || r.header("x-ratelimit-remaining") != "1" {
		t.Fatalf("first: %d %v", r.status, r.response)
	}
	if r := sendFrom(t, p, "[::ffff:203.0.113.7]:50001"); r.status != 0 || r.header("x-ratelimit-remaining") != "0" {
		t.Fatalf("the same client over IPv6: %d %v", r.status, r.response)
	}
	if r := sendFrom(t, p, "203.0.113.7:50002"); r.status != 429 {
		t.Fatalf("third: %d", r.status)
	}
	if r := sendFrom(t, p, "[2001:db8::1]:443"); r.status != 0 || r.header("x-ratelimit-remaining") != "1" {
		t.Fatalf("IPv6 client: %d %v", r.status, r.response)
	}
	// Not an address (a Unix socket, say): not limited, and said at debug level.
	p.ClearLogs()
	if got := func() []int {
		var out []int
		for i := 0; i < 3; i++ {
			out = append(out, sendFrom(t, p, "/run/envoy.sock").status)
		}
		return out
	}(); !same(got, []int{0, 0, 0}) {
		t.Fatalf("no address: %v", got)
	}
	if !p.LogContains("no valid remote address: not limited") {
		t.Fatalf("logs %v", p.Logs())
	}
}

// Global threshold: every request of the rule together, whoever sends it.
func TestGlobalThreshold(t *testing.T) {
	p := newPlugin(t, `{"global_threshold": {"query_per_minute": 3}, "window": "fixed"}`)
	var got []int
	for i, who := range []string{"alice", "bob", "", "carol"} {
		got = append(got, send(t, p, consumer(who)...).status)
		if i == 0 && metric(p, "key_rate_limit_allowed") != 1 {
			t.Fatal("not counted")
		}
	}
	if !same(got, []int{0, 0, 0, 429}) {
		t.Fatalf("statuses %v", got)
	}
}

// Which entry a value gets: exact keys first, then regexps in configuration order, then "*",
// whatever the order they are written in; each value of a pattern has counters of its own.
func TestKeyPrecedence(t *testing.T) {
	p := newPlugin(t, `{"limit_by_header": "x-tier", "window": "fixed", "limit_keys": [
		{"key": "*", "query_per_minute": 1},
		{"key": "regexp:^g", "query_per_minute": 2},
		{"key": "regexp:^gr", "query_per_minute": 5},
		{"key": "gold", "query_per_minute": 3}]}`)
	for _, tc := range []struct {
		value string
		limit int
	}{
		{"gold", 3},   // exact, although regexp:^g comes first
		{"green", 2},  // the first regexp, not the second
		{"grey", 2},   // the same pattern, counted apart from green
		{"blue", 1},   // only "*"
		{"golden", 2}, // the regexp: exact means exact
	} {
		want := make([]int, tc.limit+1)
		want[tc.limit] = 429
		if got := statuses(t, p, tc.limit+1, "x-tier", tc.value); !same(got, want) {
			t.Errorf("%s: %v, want %v", tc.value, got, want)
		}
	}
	// Regexps are unanchored RE2, as in Higress: "^g" anchors, "old" alone would not.
	q := newPlugin(t, `{"limit_by_header": "x-tier", "limit_keys": [{"key": "regexp:old", "query_per_minute": 1}]}`)
	if got := statuses(t, q, 2, "x-tier", "bold"); !same(got, []int{0, 429}) {
		t.Errorf("unanchored: %v", got)
	}
	// Without "*", a value no key matches is not limited and gets no headers.
	if r := send(t, q, "x-tier", "new"); r.status != 0 || r.header("x-ratelimit-limit") != "" {
		t.Errorf("unmatched: %d %v", r.status, r.response)
	}
}

// Address keys: an exact address beats a range holding it; each address of a range counts
// apart; IPv6 ranges; a fallback range for everyone.
func TestAddressKeys(t *testing.T) {
	p := newPlugin(t, `{"limit_by_per_ip": "from-header-x-real-ip", "window": "fixed", "limit_keys": [
		{"key": "10.0.0.0/8", "query_per_minute": 2},
		{"key": "10.0.0.5", "query_per_minute": 3},
		{"key": "2001:db8::/32", "query_per_minute": 1},
		{"key": "0.0.0.0/0", "query_per_minute": 4}]}`)
	for _, tc := range []struct {
		addr  string
		limit int
	}{
		{"10.0.0.5", 3},
		{"10.1.2.3", 2},
		{"10.3.2.1", 2}, // another address of the range: counters of its own
		{"2001:db8:1::9", 1},
		{"192.0.2.1", 4},
		{" 198.51.100.1:8080 ", 4}, // a port and spaces
	} {
		want := make([]int, tc.limit+1)
		want[tc.limit] = 429
		if got := statuses(t, p, tc.limit+1, "x-real-ip", tc.addr); !same(got, want) {
			t.Errorf("%s: %v, want %v", tc.addr, got, want)
		}
	}
	// An IPv6 address outside every range: not limited.
	if got := statuses(t, p, 5, "x-real-ip", "2001:db9::1"); !same(got, []int{0, 0, 0, 0, 0}) {
		t.Errorf("outside: %v", got)
	}
}

// Several windows in one entry: a request passes only if every window allows it, the headers
// report the window closest to refusing, and a refusal names the window that refused.
func TestSeveralWindows(t *testing.T) {
	p := newPlugin(t, `{"limit_by_consumer": true, "window": "fixed",
		"limit_keys": [{"key": "*", "query_per_second": 2, "query_per_minute": 3}]}`)
	p.Clock().Advance(10 * time.Second)
	r := send(t, p, consumer("alice")...)
	if r.status != 0 || r.header("x-ratelimit-limit") != "2" || r.header("x-ratelimit-remaining") != "1" || r.header("x-ratelimit-reset") != "1" {
		t.Fatalf("first: %d %v", r.status, r.response)
	}
	send(t, p, consumer("alice")...)
	if r := send(t, p, consumer("alice")...); r.status != 429 || r.header("x-ratelimit-limit") != "2" || r.header("retry-after") != "1" {
		t.Fatalf("third in the second: %d %v", r.status, r.response)
	}
	p.Clock().Advance(time.Second) // the second passes, the minute does not
	if r := send(t, p, consumer("alice")...); r.status != 0 || r.header("x-ratelimit-limit") != "3" || r.header("x-ratelimit-remaining") != "0" {
		t.Fatalf("next second: %d %v", r.status, r.response)
	}
	if r := send(t, p, consumer("alice")...); r.status != 429 || r.header("x-ratelimit-limit") != "3" || r.header("retry-after") != "49" {
		t.Fatalf("over the minute: %d %v", r.status, r.response)
	}
}

// A request refused by its daily window does not use up its per-second window: two rules
// share the counters of rule_name "shared", and only one of them has the daily limit.
func TestRefusalCountsNothing(t *testing.T) {
	p := newPlugin(t, `{"rule_name": "shared", "limit_by_header": "x-key", "window": "fixed",
		"limit_keys": [{"key": "k", "query_per_second": 3, "query_per_day": 1}],
		"_rules_": [{"_match_route_": ["per-second-only"], "limit_keys": [{"key": "k", "query_per_second": 3}]}]}`)
	onRoute := func(route string) result {
		s := p.NewStream()
		s.SetProperty("xds.route_name", route)
		return finish(t, s, "x-key", "k")
	}
	if r := onRoute("daily"); r.status != 0 || r.header("x-ratelimit-limit") != "1" {
		t.Fatalf("first: %d %v", r.status, r.response)
	}
	for i := 0; i < 3; i++ {
		if r := onRoute("daily"); r.status != 429 || r.header("x-ratelimit-limit") != "1" {
			t.Fatalf("refused by the day: %d %v", r.status, r.response)
		}
	}
	// One unit of the second is used (the first request): two are left.
	if r := onRoute("per-second-only"); r.status != 0 || r.header("x-ratelimit-remaining") != "1" {
		t.Fatalf("the per-second counter: %d %v", r.status, r.response)
	}
}

// Fixed windows start from zero at each boundary.
func TestFixedWindow(t *testing.T) {
	p := newPlugin(t, `{"limit_by_consumer": true, "window": "fixed", "limit_keys": [{"key": "*", "query_per_minute": 4}]}`)
	p.Clock().Advance(30 * time.Second)
	if got := statuses(t, p, 5, consumer("alice")...); !same(got, []int{0, 0, 0, 0, 429}) {
		t.Fatalf("first minute: %v", got)
	}
	if r := send(t, p, consumer("alice")...); r.header("retry-after") != "30" || r.header("x-ratelimit-reset") != "30" {
		t.Fatalf("reset %v", r.response)
	}
	p.Clock().Advance(30 * time.Second)
	if got := statuses(t, p, 5, consumer("alice")...); !same(got, []int{0, 0, 0, 0, 429}) {
		t.Fatalf("next minute: %v", got)
	}
}

// Sliding windows: the previous window's count weighs by how much of it the last minute still
// covers, so the boundary is no reset.
func TestSlidingWindow(t *testing.T) {
	p := newPlugin(t, `{"limit_by_consumer": true, "window": "sliding", "limit_keys": [{"key": "*", "query_per_minute": 4}]}`)
	p.Clock().Advance(30 * time.Second)
	if got := statuses(t, p, 5, consumer("alice")...); !same(got, []int{0, 0, 0, 0, 429}) {
		t.Fatalf("first minute: %v", got)
	}
	p.Clock().Advance(30 * time.Second) // the boundary: the four still weigh four
	if r := send(t, p, consumer("alice")...); r.status != 429 || r.header("retry-after") != "15" {
		t.Fatalf("at the boundary: %d %v", r.status, r.response)
	}
	p.Clock().Advance(15 * time.Second) // 45 s of the old minute still covered: they weigh 3
	if got := statuses(t, p, 2, consumer("alice")...); !same(got, []int{0, 429}) {
		t.Fatalf("15 s in: %v", got)
	}
	p.Clock().Advance(30 * time.Second) // 15 s covered: weigh 1, plus the one counted this minute
	if got := statuses(t, p, 3, consumer("alice")...); !same(got, []int{0, 0, 429}) {
		t.Fatalf("45 s in: %v", got)
	}
	p.Clock().Advance(2 * time.Minute) // both windows over: the whole limit again
	if got := statuses(t, p, 5, consumer("alice")...); !same(got, []int{0, 0, 0, 0, 429}) {
		t.Fatalf("two minutes later: %v", got)
	}
}

func TestRejectedCodeAndMessage(t *testing.T) {
	p := newPlugin(t, `{"limit_by_consumer": true, "limit_keys": [{"key": "alice", "query_per_hour": 1}]}`)
	send(t, p, consumer("alice")...)
	r := send(t, p, consumer("alice")...)
	if r.status != 429 {
		t.Fatalf("default code %d", r.status)
	}
	if msg, typ, code := r.errorBody(t); msg != defaultRejectedMsg || typ != "requests" || code != "rate_limit_exceeded" {
		t.Fatalf("default answer %s", r.local.Body)
	}
	q := newPlugin(t, `{"limit_by_consumer": true, "rejected_code": 503, "rejected_msg": "slow \"down\"",
		"limit_keys": [{"key": "alice", "query_per_hour": 1}]}`)
	send(t, q, consumer("alice")...)
	r = send(t, q, consumer("alice")...)
	if msg, _, _ := r.errorBody(t); r.status != 503 || msg != `slow "down"` {
		t.Fatalf("custom answer %d %s", r.status, r.local.Body)
	}
}

// show_limit_quota_header false: admitted answers carry no quota; refusals still say when to
// come back.
func TestQuotaHeadersOff(t *testing.T) {
	p := newPlugin(t, `{"limit_by_consumer": true, "show_limit_quota_header": false, "window": "fixed",
		"limit_keys": [{"key": "*", "query_per_minute": 1}]}`)
	r := send(t, p, consumer("alice")...)
	for _, h := range []string{"x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset", "ratelimit", "ratelimit-policy"} {
		if r.response.Has(h) {
			t.Fatalf("admitted answer has %s: %v", h, r.response)
		}
	}
	r = send(t, p, consumer("alice")...)
	if r.status != 429 || r.header("x-ratelimit-limit") != "1" || r.header("x-ratelimit-remaining") != "0" ||
		r.header("x-ratelimit-reset") != "60" || r.header("retry-after") != "60" || r.response.Has("ratelimit") {
		t.Fatalf("refusal %d %v", r.status, r.response)
	}
}

// The IETF draft's fields: every window of the entry in RateLimit-Policy, the deciding one in
// RateLimit.
func TestIETFHeaders(t *testing.T) {
	p := newPlugin(t, `{"limit_by_consumer": true, "ietf_headers": true, "window": "fixed",
		"limit_keys": [{"key": "*", "query_per_second": 2, "query_per_day": 1000}]}`)
	r := send(t, p, consumer("alice")...)
	if r.header("ratelimit-policy") != `"second";q=2;w=1, "day";q=1000;w=86400` || r.header("ratelimit") != `"second";r=1;t=1` ||
		r.header("x-ratelimit-limit") != "2" {
		t.Fatalf("admitted %v", r.response)
	}
	send(t, p, consumer("alice")...)
	r = send(t, p, consumer("alice")...)
	if r.status != 429 || r.header("ratelimit") != `"second";r=0;t=1` || r.header("ratelimit-policy") != `"second";q=2;w=1, "day";q=1000;w=86400` {
		t.Fatalf("refused %d %v", r.status, r.response)
	}
	// With the quota headers off, only refusals carry them, IETF ones included.
	q := newPlugin(t, `{"limit_by_consumer": true, "ietf_headers": true, "show_limit_quota_header": false,
		"limit_keys": [{"key": "*", "query_per_minute": 1}]}`)
	if r := send(t, q, consumer("alice")...); r.response.Has("ratelimit") || r.response.Has("ratelimit-policy") {
		t.Fatalf("admitted %v", r.response)
	}
	if r := send(t, q, consumer("alice")...); r.header("ratelimit-policy") != `"minute";q=1;w=60` || r.header("ratelimit") != `"minute";r=0;t=120` {
		t.Fatalf("refused %v", r.response)
	}
}

// X-RateLimit-Reset on a response counts from when the response leaves, not when the request
// was counted.
func TestResetAgesWithTheResponse(t *testing.T) {
	p := newPlugin(t, `{"limit_by_consumer": true, "limit_keys": [{"key": "*", "query_per_minute": 5}]}`)
	p.Clock().Advance(10 * time.Second)
	s := p.NewStream()
	if _, err := s.RequestHeaders(wasmhost.H(":method", "POST", ":path", "/v1/chat/completions", ":authority", "gw", "x-mse-consumer", "alice"), false); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RequestBody([]byte(`{"model":"m"}`), true); err != nil {
		t.Fatal(err)
	}
	if _, body := s.UpstreamRequest(); string(body) != `{"model":"m"}` {
		t.Fatalf("upstream body %q", body)
	}
	p.Clock().Advance(20*time.Second + 500*time.Millisecond)
	if _, err := s.ResponseHeaders(wasmhost.H(":status", "200"), false); err != nil {
		t.Fatal(err)
	}
	h, _ := s.ClientResponse()
	if h.Value("x-ratelimit-reset") != "30" || h.Value("x-ratelimit-remaining") != "4" {
		t.Fatalf("response headers %v", h)
	}
	if err := s.Complete(); err != nil {
		t.Fatal(err)
	}
}

// Per route: each rule its own limits and counters; a rule with nothing to count turns the
// limit off where it matches; a global part that only holds shared settings limits nothing.
func TestRules(t *testing.T) {
	p := newPlugin(t, `{"rejected_code": 403, "window": "fixed", "_rules_": [
		{"_match_route_": ["chat"], "rule_name": "chat", "limit_by_consumer": true, "limit_keys": [{"key": "*", "query_per_minute": 1}]},
		{"_match_route_": ["embeddings"], "rule_name": "embeddings", "limit_by_consumer": true, "limit_keys": [{"key": "*", "query_per_minute": 2}]},
		{"_match_route_": ["free"], "rule_name": "free"}]}`)
	onRoute := func(route string) int {
		s := p.NewStream()
		s.SetProperty("xds.route_name", route)
		return finish(t, s, consumer("alice")...).status
	}
	var got []int
	for _, route := range []string{"chat", "chat", "embeddings", "embeddings", "embeddings", "free", "free", "other", "other"} {
		got = append(got, onRoute(route))
	}
	if !same(got, []int{0, 403, 0, 0, 403, 0, 0, 0, 0}) {
		t.Fatalf("statuses %v", got)
	}
	if !p.LogContains("_rules_[2]: nothing to count by: requests this rule matches are not limited") {
		t.Fatalf("no warning for the empty rule: %v", p.LogsAt(wasmhost.LevelWarn))
	}
}
