//go:build !wasip1

package main

import (
	"strings"
	"testing"
	"time"

	"github.com/aiwasm/aiwasm/sdkwrap/wasmhost"
)

// Every refusal names the field's path and says why.
func TestConfigRefusals(t *testing.T) {
	const keys = `"limit_keys": [{"key": "*", "query_per_minute": 1}]`
	for _, tc := range []struct{ config, want string }{
		{`{}`, "(root): nothing to count by: set one of limit_by_header, limit_by_param, limit_by_consumer, limit_by_cookie, limit_by_per_ip or global_threshold"},
		{`{"limit_by_header": "x", "limit_by_param": "p", ` + keys + `}`, "limit_by_param: set together with limit_by_header: set exactly one of"},
		{`{"limit_by_header": "x", "limit_by_per_header": "x", ` + keys + `}`, "limit_by_per_header: set together with limit_by_header"},
		{`{"limit_by_consumer": true, "global_threshold": {"query_per_minute": 1}}`, "global_threshold: set together with limit_by_consumer"},
		{`{"limit_by_header": "", ` + keys + `}`, "limit_by_header: must not be empty"},
		{`{"limit_by_header": 5, ` + keys + `}`, "limit_by_header: want a string, got number"},
		{`{"limit_by_param": "", ` + keys + `}`, "limit_by_param: must not be empty"},
		{`{"limit_by_cookie": "", ` + keys + `}`, "limit_by_cookie: must not be empty"},
		{`{"limit_by_consumer": "", ` + keys + `}`, "limit_by_consumer: want a boolean, got string; limit_by_consumer: write true (Higress's limit_by_consumer: '' is limit_by_consumer: true here)"},
		{`{"limit_by_per_consumer": false, ` + keys + `}`, "limit_by_per_consumer: false counts nothing"},
		{`{"limit_by_per_ip": "from-header-", ` + keys + `}`, `limit_by_per_ip: want "from-remote-addr" or "from-header-<name>"`},
		{`{"limit_by_per_ip": "remote", ` + keys + `}`, `limit_by_per_ip: want "from-remote-addr" or "from-header-<name>" (such as "from-header-x-forwarded-for"), got "remote"`},
		{`{"limit_by_header": "x"}`, "limit_keys: missing required field"},
		{`{"limit_by_header": "x", "limit_keys": []}`, "limit_keys: must not be empty"},
		{`{"limit_by_header": "x", "limit_keys": [5]}`, "limit_keys[0]: want an object, got number"},
		{`{"limit_by_header": "x", "limit_keys": [{"query_per_minute": 1}]}`, "limit_keys[0].key: missing required field"},
		{`{"limit_by_header": "x", "limit_keys": [{"key": "", "query_per_minute": 1}]}`, "limit_keys[0].key: must not be empty"},
		{`{"limit_by_header": "x", "limit_keys": [{"key": 102234, "query_per_minute": 1}]}`, "limit_keys[0].key: want a string, got number"},
		{`{"limit_by_header": "x", "limit_keys": [{"key": "a"}]}`, "limit_keys[0]: set at least one of query_per_second, query_per_minute, query_per_hour or query_per_day"},
		{`{"limit_by_header": "x", "limit_keys": [{"key": "a", "query_per_minute": 0}]}`, "limit_keys[0].query_per_minute: must be at least 1, got 0 (to refuse every request, use request-block)"},
		{`{"limit_by_header": "x", "limit_keys": [{"key": "a", "query_per_second": -3}]}`, "limit_keys[0].query_per_second: must be at least 1, got -3"},
		{`{"limit_by_header": "x", "limit_keys": [{"key": "a", "query_per_hour": 1.5}]}`, "limit_keys[0].query_per_hour: want an integer"},
		{`{"limit_by_header": "x", "limit_keys": [{"key": "a", "query_per_day": "10"}]}`, "limit_keys[0].query_per_day: want an integer, got string"},
		{`{"limit_by_header": "x", "limit_keys": [{"key": "a", "query_per_day": 9007199254740993}]}`, "limit_keys[0].query_per_day: must be at most 2^53"},
		{`{"limit_by_header": "x", "limit_keys": [{"key": "*", "query_per_second": 1}, {"key": "*", "query_per_day": 9}]}`,
			`limit_keys[1].key: "*" repeats limit_keys[0]; put both windows in one entry`},
		{`{"limit_by_consumer": true, "limit_keys": [{"key": "alice", "query_per_second": 1}, {"key": "bob", "query_per_second": 1}, {"key": "alice", "query_per_day": 9}]}`,
			`limit_keys[2].key: "alice" repeats limit_keys[0]; put both windows in one entry`},
		{`{"limit_by_header": "x", "limit_keys": [{"key": "regexp:^a", "query_per_second": 1}, {"key": "regexp:^a", "query_per_day": 9}]}`,
			`limit_keys[1].key: "regexp:^a" repeats limit_keys[0]`},
		{`{"limit_by_per_ip": "from-remote-addr", "limit_keys": [{"key": "2001:db8::1", "query_per_second": 1}, {"key": "2001:0db8:0::1", "query_per_day": 9}]}`,
			`limit_keys[1].key: "2001:0db8:0::1" repeats limit_keys[0]`},
		{`{"limit_by_per_ip": "from-remote-addr", "limit_keys": [{"key": "10.0.0.0/8", "query_per_second": 1}, {"key": "10.9.0.0/8", "query_per_day": 9}]}`,
			`limit_keys[1].key: "10.9.0.0/8" repeats limit_keys[0]`},
		{`{"limit_by_header": "x", "limit_keys": [{"key": "regexp:(", "query_per_second": 1}]}`, "limit_keys[0].key: invalid regular expression: missing closing ): `(`"},
		{`{"limit_by_header": "x", "limit_keys": [{"key": "regexp:", "query_per_second": 1}]}`, `limit_keys[0].key: an empty regular expression matches every value: write "*"`},
		{`{"limit_by_per_ip": "from-remote-addr", "limit_keys": [{"key": "regexp:^10\\.", "query_per_second": 1}]}`, "limit_keys[0].key: limit_by_per_ip keys are IP addresses, CIDR ranges or *, not regular expressions"},
		{`{"limit_by_per_ip": "from-remote-addr", "limit_keys": [{"key": "localhost", "query_per_second": 1}]}`, `limit_keys[0].key: "localhost" is not an IP address, a CIDR range or *`},
		{`{"limit_by_per_ip": "from-remote-addr", "limit_keys": [{"key": "10.0.0.0/33", "query_per_second": 1}]}`, `limit_keys[0].key: "10.0.0.0/33" is not a CIDR range`},
		{`{"global_threshold": {}}`, "global_threshold: set at least one of query_per_second"},
		{`{"global_threshold": 100}`, "global_threshold: want an object, got number"},
		{`{"global_threshold": {"query_per_minute": 0}}`, "global_threshold.query_per_minute: must be at least 1"},
		{`{"global_threshold": {"query_per_minute": 5}, ` + keys + `}`, "limit_keys: not allowed with global_threshold"},
		{`{"limit_by_consumer": true, "window": "rolling", ` + keys + `}`, `window: must be one of "fixed", "sliding"; got "rolling"`},
		{`{"limit_by_consumer": true, "rejected_code": 200, ` + keys + `}`, "rejected_code: must be at least 400, got 200"},
		{`{"limit_by_consumer": true, "rejected_code": 600, ` + keys + `}`, "rejected_code: must be at most 599, got 600"},
		{`{"limit_by_consumer": true, "rejected_msg": "", ` + keys + `}`, "rejected_msg: must not be empty"},
		{`{"limit_by_consumer": true, "show_limit_quota_header": "yes", ` + keys + `}`, "show_limit_quota_header: want a boolean, got string"},
		{`{"limit_by_consumer": true, "ietf_headers": 1, ` + keys + `}`, "ietf_headers: want a boolean, got number"},
		{`{"limit_by_consumer": true, "rule_name": "", ` + keys + `}`, "rule_name: must not be empty"},
		{`{"limit_by_consumer": true, "rule_name": "route a", ` + keys + `}`, `rule_name: "route a": use letters, digits, '-', '_', '.' and ':' only`},
		{`{"limit_by_consumer": true, "rule_name": "` + strings.Repeat("r", 65) + `", ` + keys + `}`, "rule_name: at most 64 characters, got 65"},
		{`{"limit_by_consumer": true, "backend": "memcached", ` + keys + `}`, `backend: must be one of "local", "ratelimit-service", "redis"`},
		{`{"limit_by_consumer": true, "backend": "ratelimit-service", ` + keys + `}`, "ratelimit_service: missing required field"},
		{`{"limit_by_consumer": true, "backend": "ratelimit-service", "ratelimit_service": {}, ` + keys + `}`, "ratelimit_service.cluster: missing required field"},
		{`{"limit_by_consumer": true, "backend": "ratelimit-service", "ratelimit_service": {"cluster": "rl", "domain": ""}, ` + keys + `}`, "ratelimit_service.domain: must not be empty"},
		{`{"limit_by_consumer": true, "backend": "ratelimit-service", "ratelimit_service": {"cluster": "rl", "timeout": 500}, ` + keys + `}`, "ratelimit_service.timeout: want a duration string"},
		{`{"limit_by_consumer": true, "backend": "ratelimit-service", "ratelimit_service": {"cluster": "rl", "timeout": "0s"}, ` + keys + `}`, "ratelimit_service.timeout: must be at least 1ms"},
		{`{"limit_by_consumer": true, "backend": "ratelimit-service", "ratelimit_service": {"cluster": "rl", "timeout": "2m"}, ` + keys + `}`, "ratelimit_service.timeout: must be at most 1m0s"},
		{`{"limit_by_consumer": true, "ratelimit_service": {"cluster": "rl"}, ` + keys + `}`, `ratelimit_service: only with backend "ratelimit-service" (this configuration uses local)`},
		{`{"limit_by_consumer": true, "backend": "redis", ` + keys + `}`, `backend: "redis" needs the higress build of key-rate-limit (out/higress/key-rate-limit.wasm, built with -tags higress)`},
		{`{"limit_by_consumer": true, "redis": {"service_name": "redis.static"}, ` + keys + `}`, `redis: only with backend "redis", in the higress build`},
		{`{"limit_by_consumer": true, "max_keys": 8, ` + keys + `}`, "max_keys: must be at least 16, got 8"},
		{`{"limit_by_consumer": true, "max_keys": 2000000, ` + keys + `}`, "max_keys: must be at most 1048576"},
		{`{"limit_by_consumer": true, "failure_mode": "open", ` + keys + `}`, `failure_mode: must be one of "allow", "deny"; got "open"`},
		{`{"rule_name": "a", "rule_items": [{"limit_by_header": "x", ` + keys + `}]}`, "rule_items: not supported: write one limit_by_* with its limit_keys at the top level"},
		// A rule inherits the global source: choosing another one needs the global one reset.
		{`{"limit_by_header": "x", ` + keys + `, "_rules_": [{"_match_route_": ["r"], "rule_name": "r", "limit_by_param": "p"}]}`,
			"_rules_[0].limit_by_param: set together with limit_by_header"},
		// Every problem at once.
		{`{"limit_by_consumer": true, "window": "x", "rejected_code": 1, ` + keys + `}`, "window: must be one of"},
	} {
		got := refused(t, tc.config)
		if !strings.Contains(got, tc.want) {
			t.Errorf("config %s\nrefused with %s\nwant it to contain %s", tc.config, got, tc.want)
		}
	}
}

// Duplicate header, parameter and cookie keys may be credentials: the message names the
// entries, not the key.
func TestDuplicateSecretKeyNotQuoted(t *testing.T) {
	for _, by := range []string{"limit_by_header", "limit_by_param", "limit_by_per_cookie"} {
		got := refused(t, `{"`+by+`": "k", "limit_keys": [{"key": "sk-live-4f9a2c", "query_per_second": 1}, {"key": "sk-live-4f9a2c", "query_per_day": 9}]}`)
		if !strings.Contains(got, "limit_keys[1].key: repeats limit_keys[0]; put both windows in one entry") || strings.Contains(got, "sk-live") {
			t.Errorf("%s: %s", by, got)
		}
	}
}

// Accepted configurations: the defaults, warnings where something is ignored or unusual.
func TestConfigAccepted(t *testing.T) {
	for _, tc := range []struct {
		config string
		warn   string // a warning expected in the log, "" for none at all
	}{
		{`{"limit_by_consumer": true, "limit_keys": [{"key": "*", "query_per_minute": 1}]}`, ""},
		{`{"limit_by_consumer": null, "limit_by_header": "x", "limit_keys": [{"key": "*", "query_per_minute": 1}]}`, ""},
		{`{"limit_by_header": "x", "limit_keys": [{"key": "*", "query_per_minute": 1}], "rule_name": "a-b_c.d:e",
			"window": "fixed", "rejected_code": 400, "rejected_msg": "m", "show_limit_quota_header": false,
			"ietf_headers": true, "backend": "local", "max_keys": 16, "failure_mode": "deny"}`, ""},
		{`{"limit_by_consumer": true, "limit_keys": [{"key": "*", "query_per_minute": 1}], "limit_by_hedaer": "y"}`,
			`limit_by_hedaer: unknown field; did you mean "limit_by_header"?`},
		{`{"limit_by_consumer": true, "limit_keys": [{"key": "*", "query_per_minute": 1}], "max_keys": 100,
			"backend": "ratelimit-service", "ratelimit_service": {"cluster": "rl"}}`,
			"max_keys: ignored: only the local backend keeps a table (this configuration uses ratelimit-service)"},
		{`{"limit_by_consumer": true, "limit_keys": [{"key": "*", "query_per_minute": 1}],
			"_rules_": [{"_match_route_": ["r"], "limit_keys": [{"key": "*", "query_per_minute": 2}]}]}`,
			`_rules_[0]: no rule_name: this rule counts under "default"`},
		// Shared settings at the top level, the sources in the rules.
		{`{"rejected_code": 403, "limit_keys": [{"key": "*", "query_per_minute": 1}],
			"_rules_": [{"_match_route_": ["r"], "rule_name": "r", "limit_by_consumer": true}]}`, ""},
	} {
		p := newPlugin(t, tc.config)
		warns := p.LogsAt(wasmhost.LevelWarn)
		switch {
		case tc.warn == "" && len(warns) > 0:
			t.Errorf("config %s: warnings %v", tc.config, warns)
		case tc.warn != "" && !p.LogContains(tc.warn):
			t.Errorf("config %s: warnings %v, want %q", tc.config, warns, tc.warn)
		}
	}
}

// The defaults, seen in what the plugin does: sliding windows, 429 with the default message,
// quota headers without the IETF ones, the local backend, failing open (see the service
// tests).
func TestDefaults(t *testing.T) {
	p := newPlugin(t, `{"limit_by_header": "x-key", "limit_keys": [{"key": "*", "query_per_minute": 1}]}`)
	ok := send(t, p, "x-key", "k")
	if ok.header("x-ratelimit-limit") != "1" || ok.response.Has("ratelimit") {
		t.Fatalf("admitted %v", ok.response)
	}
	p.Clock().Advance(time.Minute) // sliding: the last minute's request still weighs
	r := send(t, p, "x-key", "k")
	if msg, _, _ := r.errorBody(t); r.status != 429 || msg != "Too many requests, please try again later." {
		t.Fatalf("refused %d %s", r.status, r.local.Body)
	}
	// The local backend: an exact key's counter in shared data, named by its descriptor.
	q := newPlugin(t, `{"limit_by_header": "x-key", "limit_keys": [{"key": "k", "query_per_minute": 1}]}`)
	send(t, q, "x-key", "k")
	if _, _, found := q.SharedData().Get("key-rate-limit/60000/rule=default;header:x-key=k;window=minute"); !found || q.SharedData().Len() != 1 {
		t.Fatalf("shared data holds %d keys, not the counter", q.SharedData().Len())
	}
}
