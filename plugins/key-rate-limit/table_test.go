//go:build !wasip1

package main

// max_keys bounds the counters of per-value keys: a full table gives the failure_mode outcome,
// idle slots are reused once their windows are over.

import (
	"fmt"
	"testing"
	"time"
)

func TestTableBound(t *testing.T) {
	for _, mode := range []string{"deny", "allow"} {
		t.Run(mode, func(t *testing.T) {
			p := newPlugin(t, `{"limit_by_header": "x-user", "max_keys": 16, "failure_mode": "`+mode+`",
				"limit_keys": [{"key": "*", "query_per_minute": 5}]}`)
			admitted := map[string]bool{}
			full := 0 // requests that found no slot
			for i := 0; i < 64; i++ {
				user := fmt.Sprintf("user-%d", i)
				r := send(t, p, "x-user", user)
				switch {
				case r.status == 0 && r.header("x-ratelimit-limit") == "5":
					admitted[user] = true
				case mode == "deny" && r.status == 503:
					full++
				case mode == "allow" && r.status == 0 && !r.response.Has("x-ratelimit-limit"):
					full++ // admitted uncounted, without quota headers
				default:
					t.Fatalf("%s: %d %v", user, r.status, r.response)
				}
			}
			// A value may use 8 slots from where it hashes, so the table can refuse before
			// all 16 are taken; never more than 16 values have counters.
			if len(admitted) < 8 || len(admitted) > 16 || full != 64-len(admitted) {
				t.Fatalf("%d values counted, %d without a slot", len(admitted), full)
			}
			t.Logf("%d of 64 values found a slot in a table of 16", len(admitted))
			if n := p.SharedData().Len(); n > 16 {
				t.Fatalf("%d shared-data entries for a table of 16", n)
			}
			if got := metric(p, "key_rate_limit_backend_errors"); got != int64(full) {
				t.Fatalf("backend errors %d, want %d", got, full)
			}
			// Values with a slot keep counting.
			for user := range admitted {
				if r := send(t, p, "x-user", user); r.status != 0 || r.header("x-ratelimit-remaining") != "3" {
					t.Fatalf("%s again: %d %v", user, r.status, r.response)
				}
			}
			// Over two windows later (sliding windows read the previous one) every slot is idle
			// and new values take them over.
			p.Clock().Advance(2*time.Minute + time.Second)
			for i := 100; i < 108; i++ {
				if r := send(t, p, "x-user", fmt.Sprintf("user-%d", i)); r.status != 0 || r.header("x-ratelimit-remaining") != "4" {
					t.Fatalf("user-%d after the windows: %d %v", i, r.status, r.response)
				}
			}
			if n := p.SharedData().Len(); n > 16 {
				t.Fatalf("%d shared-data entries for a table of 16", n)
			}
		})
	}
}

// Each rule_name has a table of its own; exact keys never use one.
func TestTablesPerRule(t *testing.T) {
	p := newPlugin(t, `{"rule_name": "a", "limit_by_header": "x-user", "max_keys": 16,
		"limit_keys": [{"key": "vip", "query_per_minute": 5}, {"key": "*", "query_per_minute": 5}],
		"_rules_": [{"_match_route_": ["b"], "rule_name": "b"}]}`)
	for i := 0; i < 40; i++ {
		for _, route := range []string{"a", "b"} {
			s := p.NewStream()
			s.SetProperty("xds.route_name", route)
			finish(t, s, "x-user", fmt.Sprintf("user-%d", i))
		}
	}
	for i := 0; i < 3; i++ {
		if r := send(t, p, "x-user", "vip"); r.status != 0 || r.header("x-ratelimit-limit") != "5" {
			t.Fatalf("exact key with the tables full: %d %v", r.status, r.response)
		}
	}
	if n := p.SharedData().Len(); n > 2*16+1 {
		t.Fatalf("%d shared-data entries: two tables of 16 and one exact key", n)
	}
}
