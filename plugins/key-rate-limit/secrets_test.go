//go:build !wasip1

package main

// Header, parameter and cookie values may be API keys: no log line and no answer holds one,
// whatever happens to the request.

import (
	"net/http"
	"strings"
	"testing"

	"github.com/aiwasm/aiwasm/sdkwrap/wasmhost"
)

func TestValuesNeverLogged(t *testing.T) {
	const key = "sk-live-9f8e7d6c5b4a"
	for _, tc := range []struct {
		config  string
		request []string
	}{
		{`"limit_by_header": "authorization"`, []string{"authorization", "Bearer " + key}},
		{`"limit_by_param": "key"`, []string{":path", "/v1beta/models?key=" + key}},
		{`"limit_by_cookie": "token"`, []string{"cookie", "token=" + key}},
	} {
		for _, backend := range []string{`"backend": "local"`, `"backend": "ratelimit-service", "ratelimit_service": {"cluster": "rl"}, "failure_mode": "deny"`} {
			p := newPlugin(t, `{`+tc.config+`, `+backend+`, "limit_keys": [{"key": "regexp:^(Bearer )?sk-", "query_per_minute": 1}]}`,
				wasmhost.WithCluster("rl", wasmhost.StaticResponse{Status: http.StatusInternalServerError}))
			var answers []string
			for i := 0; i < 3; i++ {
				r := send(t, p, tc.request...)
				if r.local != nil {
					answers = append(answers, string(r.local.Body))
				}
				for _, h := range r.response {
					answers = append(answers, h[0]+": "+h[1])
				}
			}
			if len(p.Logs()) == 0 {
				t.Fatalf("%s: no debug logs to check", tc.config)
			}
			for _, l := range p.Logs() {
				if strings.Contains(l.Message, key) {
					t.Errorf("%s, %s: logged %q", tc.config, backend, l.Message)
				}
			}
			for _, a := range answers {
				if strings.Contains(a, key) {
					t.Errorf("%s, %s: answered %q", tc.config, backend, a)
				}
			}
		}
	}
}

// Refusals and failures are logged at debug level with the rule, the source, the entry and
// the window; consumer names and addresses are no secrets and are named, other values not.
// Admissions are not logged.
func TestDebugLines(t *testing.T) {
	p := newPlugin(t, seedConfig)
	send(t, p, consumer("alice")...)
	if len(p.Logs()) != 0 {
		t.Fatalf("an admission logged %v", p.Logs())
	}
	send(t, p, consumer("alice")...)
	send(t, p, consumer("alice")...)
	if !p.LogContains("rule default, consumer alice, limit_keys[0], minute window: refused, limit 2, retry in 1m30s") {
		t.Fatalf("logs %v", p.Logs())
	}
	q := newPlugin(t, `{"limit_by_header": "x-key", "limit_keys": [{"key": "*", "query_per_second": 1}]}`)
	send(t, q, "x-key", "k")
	send(t, q, "x-key", "k")
	if !q.LogContains("rule default, header:x-key (value not logged), limit_keys[0], second window: refused, limit 1, retry in 2s") {
		t.Fatalf("logs %v", q.Logs())
	}
	r := newPlugin(t, `{"limit_by_per_ip": "from-remote-addr", "limit_keys": [{"key": "*", "query_per_second": 1}],
		"backend": "ratelimit-service", "ratelimit_service": {"cluster": "rl"}}`,
		wasmhost.WithCluster("rl", wasmhost.StaticResponse{Status: http.StatusInternalServerError}))
	sendFrom(t, r, "198.51.100.7:1234")
	if !r.LogContains("rule default, ip 198.51.100.7, limit_keys[0], second window: not counted (counter: ratelimit service answered 500), allowed true by failure_mode") {
		t.Fatalf("logs %v", r.Logs())
	}
}
