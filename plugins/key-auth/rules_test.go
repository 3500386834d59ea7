//go:build !wasip1

package main_test

import (
	"fmt"
	"testing"
)

// Which requests need a key: global_auth true, false or unset, with and without a rule, on
// the rule's route ("chat", allow alice) and elsewhere ("other"). The README's truth table.
func TestGlobalAuthAndRules(t *testing.T) {
	const rule = `"_rules_": [{"_match_route_": ["chat"], "allow": ["alice"]}]`
	for _, tc := range []struct {
		name, config string
		// what a request without a key, one with bob's key and one with alice's get, on
		// route chat and on route other: "pass" (no consumer), a status, or a consumer.
		chat, other [3]string
	}{
		{"unset, no rules", `{` + consumers + `}`,
			[3]string{"401", "bob", "alice"}, [3]string{"401", "bob", "alice"}},
		{"unset, a rule", `{` + consumers + `, ` + rule + `}`,
			[3]string{"401", "403", "alice"}, [3]string{"pass", "pass", "pass"}},
		{"true, no rules", `{` + consumers + `, "global_auth": true}`,
			[3]string{"401", "bob", "alice"}, [3]string{"401", "bob", "alice"}},
		{"true, a rule", `{` + consumers + `, "global_auth": true, ` + rule + `}`,
			[3]string{"401", "403", "alice"}, [3]string{"401", "bob", "alice"}},
		{"false, no rules", `{` + consumers + `, "global_auth": false}`,
			[3]string{"pass", "pass", "pass"}, [3]string{"pass", "pass", "pass"}},
		{"false, a rule", `{` + consumers + `, "global_auth": false, ` + rule + `}`,
			[3]string{"401", "403", "alice"}, [3]string{"pass", "pass", "pass"}},
		// An empty _rules_ names no route: as without rules, everything needs a key.
		{"unset, empty _rules_", `{` + consumers + `, "_rules_": []}`,
			[3]string{"401", "bob", "alice"}, [3]string{"401", "bob", "alice"}},
		// A global allow applies where the global configuration does, and rules inherit it.
		{"true, global allow", `{` + consumers + `, "global_auth": true, "allow": ["bob"], "_rules_": [{"_match_route_": ["chat"], "hide_credentials": false}]}`,
			[3]string{"401", "bob", "403"}, [3]string{"401", "bob", "403"}},
		// allow null in a rule: back to the default, every consumer.
		{"true, a rule resets allow", `{` + consumers + `, "global_auth": true, "allow": ["bob"], "_rules_": [{"_match_route_": ["chat"], "allow": null}]}`,
			[3]string{"401", "bob", "alice"}, [3]string{"401", "bob", "403"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newPlugin(t, tc.config)
			for route, want := range map[string][3]string{"chat": tc.chat, "other": tc.other} {
				for i, key := range []string{"", bobKey, aliceKey} {
					var kv []string
					if key != "" {
						kv = []string{"authorization", "Bearer " + key}
					}
					s := call(t, p, route, "/v1/chat/completions", append(kv, "x-mse-consumer", "mallory")...)
					got := "pass"
					if lr := s.LocalResponse(); lr != nil {
						got = fmt.Sprint(lr.Status)
					} else if h, _ := s.UpstreamRequest(); h.Has("x-mse-consumer") {
						got = h.Value("x-mse-consumer")
					}
					if got != want[i] {
						t.Errorf("route %s, key #%d: %s, want %s", route, i, got, want[i])
					}
				}
			}
		})
	}
}

// A rule's configuration is the global one with its keys laid over it: here a rule reads the
// key from the query and keeps it, for its route only.
func TestRuleOverridesGlobalKeys(t *testing.T) {
	p := newPlugin(t, `{`+consumers+`, "_rules_": [
		{"_match_route_": ["legacy"], "keys": ["apikey"], "in_query": true, "in_header": false, "hide_credentials": false},
		{"_match_domain_": ["gw.local"], "allow": ["carol"]}]}`)
	h := passed(t, call(t, p, "legacy", "/v1/models?apikey="+bobKey), "bob")
	if h.Value(":path") != "/v1/models?apikey="+bobKey {
		t.Fatalf("upstream path %q", h.Value(":path"))
	}
	denied(t, call(t, p, "legacy", "/v1/models", "x-api-key", bobKey), 401, "authentication_error", "missing_api_key")
	// Any other route on gw.local: the second rule, carol only, default keys.
	passed(t, call(t, p, "chat", "/v1/models", "x-api-key", carolOldKey), "carol")
	denied(t, call(t, p, "chat", "/v1/models", "x-api-key", bobKey), 403, "permission_error", "consumer_not_allowed")
}

// A rule may bring its own consumers.
func TestRuleWithItsOwnConsumers(t *testing.T) {
	p := newPlugin(t, `{`+consumers+`, "global_auth": true, "_rules_": [
		{"_match_route_": ["partner"], "consumers": [{"name": "partner", "credential": "sk-partner-only-1"}]}]}`)
	passed(t, call(t, p, "partner", "/v1/models", "x-api-key", "sk-partner-only-1"), "partner")
	denied(t, call(t, p, "partner", "/v1/models", "x-api-key", aliceKey), 401, "authentication_error", "invalid_api_key")
	denied(t, call(t, p, "other", "/v1/models", "x-api-key", "sk-partner-only-1"), 401, "authentication_error", "invalid_api_key")
}
