//go:build !wasip1

package main_test

import (
	"strings"
	"testing"

	"github.com/aiwasm/aiwasm/sdkwrap/wasmhost"
)

// With the default keys, every official SDK's way of sending its key works, the consumer is
// published (header and filter state), and the key is gone before the upstream.
func TestOfficialSDKHeadersWorkWithTheDefaults(t *testing.T) {
	p := newPlugin(t, `{`+consumers+`}`)
	for _, tc := range []struct{ sdk, header, value string }{
		{"OpenAI", "authorization", "Bearer " + aliceKey},
		{"Anthropic", "x-api-key", aliceKey},
		{"Azure OpenAI", "api-key", aliceKey},
		{"Gemini", "x-goog-api-key", aliceKey},
	} {
		t.Run(tc.sdk, func(t *testing.T) {
			s := call(t, p, "", "/v1/chat/completions", tc.header, tc.value, "x-stainless-lang", "js")
			h := passed(t, s, "alice")
			if h.Has(tc.header) {
				t.Fatalf("%s reached the upstream", tc.header)
			}
			if h.Value("x-stainless-lang") != "js" {
				t.Fatal("another header was lost")
			}
		})
	}
}

func TestBearerScheme(t *testing.T) {
	p := newPlugin(t, `{`+consumers+`}`)
	for _, v := range []string{"Bearer " + aliceKey, "bearer " + aliceKey, "BEARER   " + aliceKey, "Bearer\t" + aliceKey, aliceKey} {
		passed(t, call(t, p, "", "/v1/models", "authorization", v), "alice")
	}
	// Another scheme carries no API key; neither does a bare "Bearer".
	for _, v := range []string{"Basic " + aliceKey, "Bearer", "Bearer   "} {
		denied(t, call(t, p, "", "/v1/models", "authorization", v), 401, "authentication_error", "missing_api_key")
	}
	// The scheme is stripped from Authorization only: elsewhere the value is the key.
	denied(t, call(t, p, "", "/v1/models", "x-api-key", "Bearer "+aliceKey), 401, "authentication_error", "invalid_api_key")
}

func TestOutcomes(t *testing.T) {
	p := newPlugin(t, `{`+consumers+`, "allow": ["alice", "carol"]}`)

	msg := denied(t, call(t, p, "", "/v1/models"), 401, "authentication_error", "missing_api_key")
	if want := "no API key in the request: send one as Authorization: Bearer <key> or in a header (x-api-key, api-key, x-goog-api-key)"; msg != want {
		t.Errorf("message %q, want %q", msg, want)
	}
	s := call(t, p, "", "/v1/models", "x-api-key", unknownKey)
	if msg := denied(t, s, 401, "authentication_error", "invalid_api_key"); msg != "invalid API key (in x-api-key)" {
		t.Errorf("message %q", msg)
	}
	if got := s.LocalResponse().Headers.Value("www-authenticate"); got != `Bearer realm="aiwasm"` {
		t.Errorf("WWW-Authenticate %q", got)
	}
	// Different keys in several places: ambiguous, even when one of them is valid.
	s = call(t, p, "", "/v1/models", "authorization", "Bearer "+aliceKey, "x-api-key", bobKey)
	if msg := denied(t, s, 401, "authentication_error", "ambiguous_api_key"); !strings.Contains(msg, "authorization and x-api-key") {
		t.Errorf("message %q", msg)
	}
	denied(t, call(t, p, "", "/v1/models", "authorization", "Bearer "+aliceKey, "api-key", unknownKey), 401, "authentication_error", "ambiguous_api_key")
	// The same key in two places is one key; both copies are removed.
	h := passed(t, call(t, p, "", "/v1/models", "authorization", "Bearer "+aliceKey, "x-api-key", aliceKey), "alice")
	if h.Has("authorization") || h.Has("x-api-key") {
		t.Fatalf("a copy of the key went upstream: %v", h)
	}
	// A known consumer outside allow: 403, no challenge.
	if msg := denied(t, call(t, p, "", "/v1/models", "x-api-key", bobKey), 403, "permission_error", "consumer_not_allowed"); strings.Contains(msg, "bob") {
		t.Errorf("message %q names the consumer", msg)
	}

	for name, want := range map[string]int64{"key_auth_allowed": 1, "key_auth_unauthenticated": 4, "key_auth_forbidden": 1} {
		if got := metric(t, p, name); got != want {
			t.Errorf("%s = %d, want %d", name, got, want)
		}
	}
	for _, name := range p.MetricNames() {
		if strings.Contains(name, "alice") || strings.Contains(name, "bob") {
			t.Errorf("metric %s names a consumer", name)
		}
	}
}

// A denied request is logged with its reason and the consumer's name, never the key: at info
// for a 403, at debug for a 401.
func TestDeniedRequestsAreLoggedWithoutTheKey(t *testing.T) {
	p := newPlugin(t, `{`+consumers+`, "allow": ["alice"]}`)
	call(t, p, "", "/v1/models", "x-api-key", bobKey)
	call(t, p, "", "/v1/models", "x-api-key", unknownKey)
	call(t, p, "", "/v1/models")
	call(t, p, "", "/v1/models", "x-api-key", aliceKey, "api-key", carolNewKey)
	want := []struct {
		level wasmhost.LogLevel
		text  string
	}{
		{wasmhost.LevelInfo, "[key-auth] [req-1] denied, 403 consumer_not_allowed: consumer bob is not in allow"},
		{wasmhost.LevelDebug, "[key-auth] [req-1] denied, 401 invalid_api_key: the key in x-api-key matches no consumer"},
		{wasmhost.LevelDebug, "[key-auth] [req-1] denied, 401 missing_api_key: no key in the request"},
		{wasmhost.LevelDebug, "[key-auth] [req-1] denied, 401 ambiguous_api_key: different keys in x-api-key and api-key"},
	}
	var got []wasmhost.LogLine
	for _, l := range p.Logs() {
		if strings.Contains(l.Message, "denied") {
			got = append(got, l)
		}
	}
	if len(got) != len(want) {
		t.Fatalf("denial lines %v", got)
	}
	for i, w := range want {
		if got[i].Level != w.level || got[i].Message != w.text {
			t.Errorf("line %d: %v, want [%v] %s", i, got[i], w.level, w.text)
		}
	}
}

// Every outcome, every place, at the most verbose log level: no credential, and not the
// unknown key either, in any log line or answer (call and newPlugin scan them).
func TestNoSecretInLogsOrAnswers(t *testing.T) {
	p := newPlugin(t, `{`+consumers+`, "allow": ["alice"], "in_query": true, "hide_credentials": false}`,
		wasmhost.WithLogLevel(wasmhost.LevelTrace))
	for _, kv := range [][]string{
		{"authorization", "Bearer " + aliceKey},
		{"x-api-key", bobKey},
		{"api-key", unknownKey},
		{"x-goog-api-key", carolOldKey, "authorization", "Bearer " + carolNewKey},
		{"x-api-key", "Bearer " + aliceKey},
	} {
		call(t, p, "", "/v1/models", kv...)
	}
	call(t, p, "", "/v1/models?x-api-key="+unknownKey)
	call(t, p, "", "/v1/models?api-key="+bobKey, "api-key", aliceKey)
	if len(p.Logs()) == 0 {
		t.Fatal("nothing logged: the scan proves nothing")
	}
}

// Whatever the route, a client-sent x-mse-consumer never passes: replaced on success,
// removed where no key is needed.
func TestSpoofedConsumerHeaderNeverPasses(t *testing.T) {
	p := newPlugin(t, `{`+consumers+`, "global_auth": false, "_rules_": [{"_match_route_": ["chat"], "allow": ["alice"]}]}`)
	passed(t, call(t, p, "chat", "/v1/chat/completions", "x-api-key", aliceKey, "x-mse-consumer", "bob"), "alice")
	passed(t, call(t, p, "public", "/v1/models", "x-mse-consumer", "alice"), "")
	passed(t, call(t, p, "public", "/v1/models", "x-api-key", aliceKey, "x-mse-consumer", "alice"), "")
	// Denied: answered locally, the spoofed header goes nowhere.
	denied(t, call(t, p, "chat", "/v1/chat/completions", "x-mse-consumer", "alice"), 401, "authentication_error", "missing_api_key")
}

// Where no key is needed, nothing is read or removed: a key sent there reaches the upstream
// as the client sent it.
func TestRoutesWithoutAuthLeaveKeysAlone(t *testing.T) {
	p := newPlugin(t, `{`+consumers+`, "global_auth": false}`)
	h := passed(t, call(t, p, "", "/v1/models?api-key=x", "authorization", "Bearer "+unknownKey), "")
	if h.Value("authorization") != "Bearer "+unknownKey || h.Value(":path") != "/v1/models?api-key=x" {
		t.Fatalf("upstream %v", h)
	}
	if metric(t, p, "key_auth_allowed")+metric(t, p, "key_auth_unauthenticated") != 0 {
		t.Fatal("a request that needed no key was counted")
	}
}

func TestKeyRotationWithCredentials(t *testing.T) {
	p := newPlugin(t, `{"consumers": [
		{"name": "alice", "credential": "`+aliceKey+`"},
		{"name": "carol", "credential": "`+carolOldKey+`", "credentials": ["`+carolNewKey+`"]}]}`)
	passed(t, call(t, p, "", "/v1/models", "x-api-key", carolOldKey), "carol")
	passed(t, call(t, p, "", "/v1/models", "x-api-key", carolNewKey), "carol")
	// The old and the new key of one consumer are still two different keys.
	denied(t, call(t, p, "", "/v1/models", "x-api-key", carolOldKey, "api-key", carolNewKey), 401, "authentication_error", "ambiguous_api_key")
}

func TestConfiguredKeys(t *testing.T) {
	p := newPlugin(t, `{`+consumers+`, "keys": ["X-Gateway-Token", "authorization"]}`)
	passed(t, call(t, p, "", "/v1/models", "x-gateway-token", aliceKey), "alice")
	passed(t, call(t, p, "", "/v1/models", "authorization", "Bearer "+bobKey), "bob")
	// The default places are no longer read.
	msg := denied(t, call(t, p, "", "/v1/models", "x-api-key", aliceKey), 401, "authentication_error", "missing_api_key")
	if msg != "no API key in the request: send one as Authorization: Bearer <key> or in a header (x-gateway-token)" {
		t.Errorf("message %q", msg)
	}
	// Without authorization among the keys, the challenge is not Bearer.
	p = newPlugin(t, `{`+consumers+`, "keys": ["x-api-key"]}`)
	s := call(t, p, "", "/v1/models")
	denied(t, s, 401, "authentication_error", "missing_api_key")
	if got := s.LocalResponse().Headers.Value("www-authenticate"); got != `Key realm="aiwasm"` {
		t.Errorf("WWW-Authenticate %q", got)
	}
}

func TestQueryParameters(t *testing.T) {
	p := newPlugin(t, `{`+consumers+`, "keys": ["apikey", "key"], "in_query": true, "in_header": false}`)
	for _, tc := range []struct{ path, upstream string }{
		{"/v1/models?apikey=" + aliceKey, "/v1/models"},
		{"/v1/models?a=1&apikey=" + aliceKey + "&b=x%20y&c", "/v1/models?a=1&b=x%20y&c"},
		{"/v1/models?key=" + aliceKey + "&z=2", "/v1/models?z=2"},
		{"/v1/models?b=2&api%6Bey=" + aliceKey, "/v1/models?b=2"}, // an encoded name
		{"/v1/models?apikey=" + strings.ReplaceAll(aliceKey, "-", "%2D"), "/v1/models"},
		{"/v1/models?apikey=&key=" + aliceKey, "/v1/models"}, // an empty value is no key
		{"/v1/models?key=" + aliceKey + "&key=" + aliceKey + "&q=1", "/v1/models?q=1"},
	} {
		h := passed(t, call(t, p, "", tc.path), "alice")
		if got := h.Value(":path"); got != tc.upstream {
			t.Errorf("%s: upstream path %q, want %q", tc.path, got, tc.upstream)
		}
	}
	// in_header false: a header is not read.
	msg := denied(t, call(t, p, "", "/v1/models", "apikey", aliceKey), 401, "authentication_error", "missing_api_key")
	if msg != "no API key in the request: send one in a query parameter (apikey, key)" {
		t.Errorf("message %q", msg)
	}
	denied(t, call(t, p, "", "/v1/models?key="+aliceKey+"&apikey="+bobKey), 401, "authentication_error", "ambiguous_api_key")
	denied(t, call(t, p, "", "/v1/models?key="+unknownKey), 401, "authentication_error", "invalid_api_key")
}

func TestHeaderAndQueryTogether(t *testing.T) {
	p := newPlugin(t, `{`+consumers+`, "in_query": true}`)
	passed(t, call(t, p, "", "/v1/models?x-goog-api-key="+aliceKey), "alice")
	h := passed(t, call(t, p, "", "/v1/models?x-api-key="+aliceKey+"&alt=sse", "authorization", "Bearer "+aliceKey), "alice")
	if h.Has("authorization") || h.Value(":path") != "/v1/models?alt=sse" {
		t.Fatalf("upstream %v", h)
	}
	s := call(t, p, "", "/v1/models?x-api-key="+bobKey, "x-api-key", aliceKey)
	if msg := denied(t, s, 401, "authentication_error", "ambiguous_api_key"); !strings.Contains(msg, "x-api-key and ?x-api-key") {
		t.Errorf("message %q", msg)
	}
}

func TestHideCredentialsOff(t *testing.T) {
	p := newPlugin(t, `{`+consumers+`, "in_query": true, "hide_credentials": false}`)
	h := passed(t, call(t, p, "", "/v1/models?api-key="+aliceKey+"&a=1", "authorization", "Bearer "+aliceKey), "alice")
	if h.Value("authorization") != "Bearer "+aliceKey || h.Value(":path") != "/v1/models?api-key="+aliceKey+"&a=1" {
		t.Fatalf("upstream %v", h)
	}
}

func TestUnknownFieldIsAWarning(t *testing.T) {
	p := newPlugin(t, `{`+consumers+`, "hide_credential": false}`)
	if !p.LogContains(`hide_credential: unknown field; did you mean "hide_credentials"?`) {
		t.Fatalf("no warning; logs %v", p.Logs())
	}
	// The rules' own keys are no unknown fields of the global configuration.
	p = newPlugin(t, `{`+consumers+`, "_rules_": [{"_match_route_": ["r"], "allow": ["bob"]}]}`)
	for _, l := range p.Logs() {
		if strings.Contains(l.Message, "unknown field") {
			t.Fatalf("warning %v", l)
		}
	}
}
