//go:build !wasip1

package main_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aiwasm/aiwasm/sdkwrap/wasmhost"
)

// Refused configurations, each with the exact problem the operator reads in Envoy's log
// (refused also checks that no secret is in the error or the logs).
func TestRefusedConfigurations(t *testing.T) {
	const alice = `{"name": "alice", "credential": "` + aliceKey + `"}`
	for _, tc := range []struct{ name, config, want string }{
		{"duplicate credential, across consumers", `{"consumers": [` + alice + `,
			{"name": "bob", "credential": "` + bobKey + `"},
			{"name": "carol", "credentials": ["` + carolOldKey + `"]},
			{"name": "dave", "credentials": ["sk-dave-1", "` + aliceKey + `"]}]}`,
			"consumers[3].credentials[1]: duplicate of consumers[0].credential"},
		{"duplicate credential, one consumer", `{"consumers": [{"name": "a", "credential": "` + aliceKey + `", "credentials": ["` + aliceKey + `"]}]}`,
			"consumers[0].credentials[0]: duplicate of consumers[0].credential"},
		{"duplicate credential in a rule's consumers", `{` + consumers + `, "_rules_": [{"_match_route_": ["r"], "consumers": [` + alice + `, {"name": "x", "credential": "` + aliceKey + `"}]}]}`,
			"_rules_[0].consumers[1].credential: duplicate of consumers[0].credential"},
		{"empty credential", `{"consumers": [{"name": "a", "credential": ""}]}`,
			"consumers[0].credential: must not be empty"},
		{"empty credential in credentials", `{"consumers": [{"name": "a", "credentials": ["` + aliceKey + `", ""]}]}`,
			"consumers[0].credentials[1]: must not be empty"},
		{"empty credentials", `{"consumers": [{"name": "a", "credentials": []}]}`,
			"consumers[0].credentials: must not be empty"},
		{"credential with a newline", `{"consumers": [{"name": "a", "credential": "` + aliceKey + `\n"}]}`,
			"consumers[0].credential: must not contain whitespace or control characters (a trailing newline?)"},
		{"credential not a string", `{"consumers": [{"name": "a", "credential": 12345}]}`,
			"consumers[0].credential: want a string, got number"},
		{"no credential", `{"consumers": [{"name": "a"}]}`,
			"consumers[0]: needs a credential (or credentials, a list)"},
		{"empty name", `{"consumers": [{"name": "", "credential": "` + aliceKey + `"}]}`,
			"consumers[0].name: must not be empty"},
		{"no name", `{"consumers": [{"credential": "` + aliceKey + `"}]}`,
			"consumers[0].name: missing required field"},
		{"duplicate name", `{"consumers": [` + alice + `, {"name": "alice", "credential": "` + bobKey + `"}]}`,
			"consumers[1].name: duplicate of consumers[0].name"},
		{"no consumers", `{"keys": ["x-api-key"]}`,
			"consumers: missing required field"},
		{"empty consumers", `{"consumers": []}`,
			"consumers: must not be empty"},
		{"allow names an unknown consumer", `{` + consumers + `, "allow": ["alice", "mallory"]}`,
			`allow[1]: no consumer named "mallory"`},
		{"a rule's allow names an unknown consumer", `{` + consumers + `, "_rules_": [{"_match_route_": ["r"], "allow": ["dave"]}]}`,
			`_rules_[0].allow[0]: no consumer named "dave"`},
		{"allow holds a credential", `{` + consumers + `, "allow": ["` + bobKey + `"]}`,
			"allow[0]: is one of the credentials, not a consumer name"},
		{"empty allow", `{` + consumers + `, "allow": []}`,
			"allow: must not be empty"},
		{"empty keys", `{` + consumers + `, "keys": []}`,
			"keys: must not be empty"},
		{"empty key name", `{` + consumers + `, "keys": ["x-api-key", ""]}`,
			"keys[1]: must not be empty"},
		{"pseudo-header key", `{` + consumers + `, "keys": [":path"]}`,
			`keys[0]: ":path" is a pseudo-header, not a place for a key`},
		{"duplicate key name", `{` + consumers + `, "keys": ["X-Api-Key", "x-api-key"]}`,
			"keys[1]: duplicate of keys[0]"},
		{"nowhere to look", `{` + consumers + `, "in_header": false}`,
			"(root): in_header and in_query are both false: no key could ever be found"},
		{"nowhere to look, in a rule", `{` + consumers + `, "_rules_": [{"_match_route_": ["r"], "in_header": false}]}`,
			"_rules_[0]: in_header and in_query are both false: no key could ever be found"},
		{"global_auth not a boolean", `{` + consumers + `, "global_auth": "true"}`,
			"global_auth: want a boolean, got string"},
		{"hide_credentials not a boolean", `{` + consumers + `, "hide_credentials": 0}`,
			"hide_credentials: want a boolean, got number"},
		{"only rules", `{"_rules_": [{"_match_route_": ["r"], ` + consumers + `}]}`,
			"key-auth needs a global configuration (consumers at the top level, not only in _rules_)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := refused(t, tc.config); !strings.Contains(err, tc.want) {
				t.Fatalf("error %q\nwant %q", err, tc.want)
			}
		})
	}
}

// A problem a rule inherits from the global configuration is reported once, at the global
// path: the messages do not depend on the scope.
func TestInheritedProblemReportedOnce(t *testing.T) {
	err := refused(t, `{"consumers": [{"name": "a", "credential": "`+aliceKey+`"}, {"name": "b", "credential": "`+aliceKey+`"}],
		"_rules_": [{"_match_route_": ["r"], "allow": ["a"]}]}`)
	if strings.Count(err, "duplicate of") != 1 {
		t.Fatalf("error %q", err)
	}
}

// Ten thousand consumers and ten rules that inherit them: each consumer is known, each rule
// applies its allow, and the VM stays small - the rules share the global table, and the
// garbage of reading them is collected as it goes.
func TestManyConsumersManyRules(t *testing.T) {
	var rules []string
	for i := 0; i < 10; i++ {
		rules = append(rules, fmt.Sprintf(`{"_match_route_": ["r%d"], "allow": ["consumer-%d"]}`, i, i))
	}
	config := manyConsumers(10000, `, "global_auth": true, "_rules_": [`+strings.Join(rules, ",")+`]`)
	// No watchdog: reading 11 scopes of 10k consumers takes seconds under it.
	m, err := wasmhost.Load(modulePath(t), wasmhost.WithCallTimeout(0))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	p, err := m.NewPlugin(config)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if mem := p.MemorySize(0) >> 20; mem > 48 {
		t.Errorf("the VM holds %d MiB after configure", mem)
	}
	passed(t, call(t, p, "", "/v1/models", "x-api-key", consumerKey(0)), "consumer-0")
	passed(t, call(t, p, "", "/v1/models", "x-api-key", consumerKey(9999)), "consumer-9999")
	for i := 0; i < 10; i++ {
		route := fmt.Sprint("r", i)
		passed(t, call(t, p, route, "/v1/models", "x-api-key", consumerKey(i)), fmt.Sprint("consumer-", i))
		denied(t, call(t, p, route, "/v1/models", "x-api-key", consumerKey(i+1)), 403, "permission_error", "consumer_not_allowed")
	}
}
