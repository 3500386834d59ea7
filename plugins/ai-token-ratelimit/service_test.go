//go:build !wasip1

package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/aiwasm/aiwasm/sdkwrap/wasmhost"
)

// fakeService answers as envoyproxy/ratelimit does: it adds hits_addend to the descriptor's
// count (denied hits too) and compares with its limit.
type fakeService struct {
	mu     sync.Mutex
	limit  int64
	counts map[string]int64
	bodies []string
}

func (f *fakeService) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Descriptors []struct{ Entries []struct{ Key, Value string } }
		HitsAddend  int64 `json:"hits_addend"`
	}
	raw := new(strings.Builder)
	dec := json.NewDecoder(strings.NewReader(readAll(r)))
	_ = dec.Decode(&req)
	f.mu.Lock()
	defer f.mu.Unlock()
	key := fmt.Sprint(req.Descriptors)
	raw.WriteString(key)
	f.bodies = append(f.bodies, fmt.Sprintf("%s +%d", key, req.HitsAddend))
	f.counts[key] += req.HitsAddend
	n := f.counts[key]
	w.Header().Set("content-type", "application/json")
	if n > f.limit {
		w.WriteHeader(429)
		fmt.Fprintf(w, `{"overallCode":"OVER_LIMIT","statuses":[{"code":"OVER_LIMIT","currentLimit":{"requestsPerUnit":%d,"unit":"MINUTE"},"durationUntilReset":"30s"}]}`, f.limit)
		return
	}
	fmt.Fprintf(w, `{"overallCode":"OK","statuses":[{"code":"OK","currentLimit":{"requestsPerUnit":%d,"unit":"MINUTE"},"limitRemaining":%d,"durationUntilReset":"30s"}]}`, f.limit, f.limit-n)
}

func readAll(r *http.Request) string {
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := r.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			return b.String()
		}
	}
}

// With the ratelimit service, admission adds 1 token and the answer the rest of its usage
// (hits_addend cannot be negative), under the descriptor [rule, <source>, budget, window].
func TestServiceBackend(t *testing.T) {
	f := &fakeService{limit: 50, counts: map[string]int64{}}
	p := newPlugin(t, `{"limit_by_consumer": true, "limit_keys": [{"key": "*", "token_per_minute": 50}],
		"backend": "ratelimit-service", "ratelimit_service": {"cluster": "rl", "domain": "tokens"}, "failure_mode": "deny"}`,
		wasmhost.WithCluster("rl", f))
	r := send(t, p, call{headers: consumer("alice"), answer: openAI(30, 20)})
	if r.status != 0 || r.header("x-ratelimit-limit-tokens") != "50" || r.header("x-ratelimit-remaining-tokens") != "50" {
		t.Fatalf("first: %d %v", r.status, r.response)
	}
	want := []string{
		"[{[{rule default} {consumer alice} {budget tokens} {window minute}]}] +1",
		"[{[{rule default} {consumer alice} {budget tokens} {window minute}]}] +49",
	}
	if fmt.Sprint(f.bodies) != fmt.Sprint(want) {
		t.Fatalf("the service saw %v", f.bodies)
	}
	if r := send(t, p, call{headers: consumer("alice"), answer: openAI(1, 1)}); r.status != 429 || r.header("retry-after") != "30" {
		t.Fatalf("second: %d %v", r.status, r.response)
	}
	// failure_mode deny: a service that fails refuses with 503.
	q := newPlugin(t, `{"limit_by_consumer": true, "limit_keys": [{"key": "*", "token_per_minute": 50}],
		"backend": "ratelimit-service", "ratelimit_service": {"cluster": "rl"}, "failure_mode": "deny"}`,
		wasmhost.WithCluster("rl", wasmhost.StaticResponse{Status: 500}))
	if r := send(t, q, call{headers: consumer("alice"), answer: openAI(1, 1)}); r.status != 503 {
		t.Fatalf("deny: %d", r.status)
	}
	o := newPlugin(t, `{"limit_by_consumer": true, "limit_keys": [{"key": "*", "token_per_minute": 50}],
		"backend": "ratelimit-service", "ratelimit_service": {"cluster": "rl"}, "failure_mode": "allow"}`,
		wasmhost.WithCluster("rl", wasmhost.StaticResponse{Status: 500}))
	if r := send(t, o, call{headers: consumer("alice"), answer: openAI(1, 1)}); r.status != 0 || metric(o, "ai_token_ratelimit_backend_errors") < 1 {
		t.Fatalf("allow: %d", r.status)
	}
}

// Header, parameter and cookie values may be API keys: never in logs, even at debug level.
func TestValuesNeverLogged(t *testing.T) {
	const secret = "sk-secret-value-4711"
	p := newPlugin(t, `{"limit_by_header": "x-api-key", "limit_keys": [{"key": "*", "token_per_minute": 1}], "max_keys": 64}`,
		wasmhost.WithLogLevel(wasmhost.LevelDebug))
	send(t, p, call{headers: []string{"x-api-key", secret}, answer: `{}`})
	r := send(t, p, call{headers: []string{"x-api-key", secret}, answer: `{}`})
	if r.status != 429 || !p.LogContains("header:x-api-key (value not logged), limit_keys[0], token_per_minute: refused") {
		t.Fatalf("%d %v", r.status, p.Logs())
	}
	for _, l := range p.Logs() {
		if strings.Contains(l.Message, secret) {
			t.Fatalf("logged: %s", l.Message)
		}
	}
	if strings.Contains(r.body, secret) {
		t.Fatal("the refusal names the key")
	}
}
