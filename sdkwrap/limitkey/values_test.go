//go:build !wasip1

package limitkey

// Native tests (moved here from key-rate-limit with the code): addresses, query parameters,
// cookies, key matching.

import (
	"net/netip"
	"testing"
	"time"

	"github.com/aiwasm/aiwasm/sdkwrap/config"
)

func TestParseIP(t *testing.T) {
	for in, want := range map[string]string{
		"203.0.113.7":            "203.0.113.7",
		" 203.0.113.7 ":          "203.0.113.7",
		"203.0.113.7:4711":       "203.0.113.7",
		"2001:db8::1":            "2001:db8::1",
		"2001:0db8:0000::1":      "2001:db8::1",
		"[2001:db8::1]:443":      "2001:db8::1",
		"[::1]":                  "::1",
		"::ffff:203.0.113.7":     "203.0.113.7",
		"[::ffff:10.0.0.1]:8080": "10.0.0.1",
		"fe80::1%eth0":           "fe80::1",
		"":                       "",
		"unknown":                "",
		"203.0.113":              "",
		"203.0.113.7:99999":      "",
		"[2001:db8::1":           "",
		"/run/envoy.sock":        "",
	} {
		a, ok := ParseIP(in)
		if got := map[bool]string{true: a.String(), false: ""}[ok]; got != want {
			t.Errorf("ParseIP(%q) = %q, want %q", in, got, want)
		}
	}
	if a, ok := FirstForwarded("198.51.100.1 , 10.0.0.1, 10.0.0.2"); !ok || a.String() != "198.51.100.1" {
		t.Errorf("firstForwarded: %v %v", a, ok)
	}
	if _, ok := FirstForwarded(", 10.0.0.1"); ok {
		t.Error("an empty first element is no address")
	}
}

func TestQueryParam(t *testing.T) {
	for _, tc := range []struct{ path, name, want string }{
		{"/v1/models?apikey=k1", "apikey", "k1"},
		{"/v1/models?a=1&apikey=k1&apikey=k2", "apikey", "k1"}, // the first
		{"/v1/models?apikey=a%2Bb+c", "apikey", "a+b c"},
		{"/v1/models?api%6Bey=k", "apikey", "k"},
		{"/v1/models?apikey=%zz", "apikey", "%zz"}, // not escaped validly: as written
		{"/v1/models?apikey=k#frag", "apikey", "k"},
		{"/v1/models?apikey", "apikey", ""},
		{"/v1/models?apikeys=k", "apikey", ""},
		{"/v1/models", "apikey", ""},
		{"/v1/models?x=apikey=k", "apikey", ""},
	} {
		if got := QueryParam(tc.path, tc.name); got != tc.want {
			t.Errorf("QueryParam(%q, %q) = %q, want %q", tc.path, tc.name, got, tc.want)
		}
	}
}

func TestCookie(t *testing.T) {
	for _, tc := range []struct{ header, want string }{
		{"session=s1", "s1"},
		{"theme=dark; session=s1; x=y", "s1"},
		{"theme=dark;session=s1", "s1"},
		{`session="s1"`, "s1"},
		{"session=s1; session=s2", "s1"},
		{"sessions=s1; xsession=s2", ""},
		{"session", ""},
		{"", ""},
		{"session=a=b", "a=b"},
	} {
		if got := Cookie(tc.header, "session"); got != tc.want {
			t.Errorf("Cookie(%q) = %q, want %q", tc.header, got, tc.want)
		}
	}
}

func TestCeilSeconds(t *testing.T) {
	for d, want := range map[time.Duration]int64{
		0: 0, -time.Second: 0, time.Millisecond: 1, time.Second: 1, time.Second + 1: 2, 59500 * time.Millisecond: 60,
	} {
		if got := CeilSeconds(d); got != want {
			t.Errorf("CeilSeconds(%v) = %d, want %d", d, got, want)
		}
	}
}

// testLimits stands for a plugin's limits: the item's query_per_second.
type testLimits struct{ perSecond int }

func readTestLimits(e *config.Reader) testLimits { return testLimits{e.Int("query_per_second", 0)} }

// keysOf reads limit_keys of a configuration for src natively.
func keysOf(t *testing.T, src Source, raw string) *Table[testLimits] {
	t.Helper()
	r, err := config.NewReader([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	k := ReadKeys(r, &src, readTestLimits)
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	return k
}

func TestKeyTableMatch(t *testing.T) {
	k := keysOf(t, Source{Kind: ByHeader}, `{"limit_keys": [
		{"key": "*", "query_per_second": 1},
		{"key": "regexp:^a", "query_per_second": 2},
		{"key": "regexp:b$", "query_per_second": 3},
		{"key": "abc", "query_per_second": 4}]}`)
	for value, want := range map[string]string{
		"abc": "limit_keys[3]", "ab": "limit_keys[1]", "xb": "limit_keys[2]", "ab_b": "limit_keys[1]", "z": "limit_keys[0]", "": "limit_keys[0]",
	} {
		e := k.Match(value, netip.Addr{})
		if e == nil || e.Label != want {
			t.Errorf("%q matched %+v, want %s", value, e, want)
		}
	}
	if k.exact["abc"].PerValue || !k.any.PerValue || !k.patterns[0].entry.PerValue {
		t.Error("exact keys count in the fixed counters, the others per value")
	}

	ips := keysOf(t, Source{Kind: ByIP}, `{"limit_keys": [
		{"key": "10.0.0.0/8", "query_per_second": 1},
		{"key": "10.1.0.0/16", "query_per_second": 2},
		{"key": "::ffff:10.0.0.9", "query_per_second": 3},
		{"key": "2001:db8::/32", "query_per_second": 4}]}`)
	for addr, want := range map[string]string{
		"10.0.0.9": "limit_keys[2]", "10.1.2.3": "limit_keys[0]", "2001:db8::5": "limit_keys[3]", "192.0.2.1": "",
	} {
		a := netip.MustParseAddr(addr)
		e := ips.Match(a.String(), a)
		if e == nil && want != "" || e != nil && e.Label != want {
			t.Errorf("%s matched %+v, want %q", addr, e, want)
		}
	}
	if ips.any != nil || !ips.PerValue() {
		t.Error("ranges count per value")
	}
}

// Whatever a client sends, reading its value never panics, and an address read once reads
// the same again (one client, one counter).
func FuzzRequestValues(f *testing.F) {
	for _, s := range []string{"203.0.113.7:80", "[2001:db8::1]:443", "::ffff:1.2.3.4", "a=1; b=\"2\"", "/p?x=%zz&b=+&c", "", "\x00;=\"", "fe80::1%eth0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if a, ok := ParseIP(s); ok {
			b, ok2 := ParseIP(a.String())
			if !ok2 || a != b || a.Is4In6() || a.Zone() != "" {
				t.Fatalf("%q read as %v, which reads as %v (%v)", s, a, b, ok2)
			}
		}
		FirstForwarded(s)
		Cookie(s, "b")
		QueryParam(s, "b")
	})
}
