//go:build !wasip1

package main

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/aiwasm/aiwasm/sdkwrap/wasmhost"
)

// rules100 is a configuration of 100 rules: 10 exact URLs, 25 URL substrings, 10 URL
// regexps, 15 header substrings, 30 body substrings and 10 body regexps, case-insensitive.
// Every regexp has a fixed string the automaton can look for; extra adds a rule.
func rules100(extra string) string {
	var exact, urls, reURLs, headers, bodies, reBodies []string
	for i := 0; i < 10; i++ {
		exact = append(exact, fmt.Sprintf("/admin/console-%d", i))
		reURLs = append(reURLs, fmt.Sprintf(`^/v\d+/private-%d/`, i))
		reBodies = append(reBodies, fmt.Sprintf(`sk-live-%d[a-z0-9]{16}`, i))
	}
	for i := 0; i < 25; i++ {
		urls = append(urls, fmt.Sprintf("debug_token_%d=", i))
	}
	for i := 0; i < 15; i++ {
		headers = append(headers, fmt.Sprintf("x-attack-vector-%d", i))
	}
	for i := 0; i < 30; i++ {
		bodies = append(bodies, fmt.Sprintf("forbidden phrase number %d", i))
	}
	cfg := map[string]any{
		"block_exact_urls": exact, "block_urls": urls, "block_regexp_urls": reURLs,
		"block_headers": headers, "block_bodies": bodies, "block_body_regexps": reBodies,
		"case_sensitive": false,
	}
	b, _ := json.Marshal(cfg)
	if extra != "" {
		return strings.TrimSuffix(string(b), "}") + "," + extra + "}"
	}
	return string(b)
}

// chatBody4KB is an OpenAI chat request of 4 KiB, ASCII prose with escapes, that no rule
// matches.
func chatBody4KB() string {
	sentence := "The quick brown fox jumps over the lazy dog while the gateway checks every prompt.\n"
	user := strings.Repeat(sentence, 3700/len(sentence))
	marshal := func(user string) string {
		b, _ := json.Marshal(map[string]any{
			"model":       "gpt-4o-mini",
			"temperature": 0.2,
			"messages": []map[string]string{
				{"role": "system", "content": "You are a helpful assistant. Answer briefly."},
				{"role": "user", "content": user},
			},
		})
		return string(b)
	}
	return marshal(user + strings.Repeat(".", 4096-len(marshal(user))))
}

// BenchmarkRequestBlock100Rules4KB is one full request (headers, a 4 KiB body, done) per
// iteration, that passes, through: the plugin with a rule that cannot match and no body
// rule (baseline: the body is not even buffered), 100 rules on the raw body, the same with
// prompt_only, and 100 rules plus a regexp without a fixed string (it runs on every body).
func BenchmarkRequestBlock100Rules4KB(b *testing.B) {
	path, err := wasmhost.BuildPlugin(".")
	if err != nil {
		b.Fatal(err)
	}
	m, err := wasmhost.Load(path, wasmhost.WithCallTimeout(0)) // no watchdog: price the plugin
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	body := []byte(chatBody4KB())
	if len(body) != 4096 || !json.Valid(body) {
		b.Fatalf("body of %d bytes, valid %v", len(body), json.Valid(body))
	}
	headers := wasmhost.H(":method", "POST", ":path", "/v1/chat/completions", ":authority", "api.example.com",
		"content-type", "application/json", "content-length", strconv.Itoa(len(body)),
		"authorization", "Bearer sk-test-0123456789", "user-agent", "OpenAI/Python 1.50.0", "x-request-id", "r-1")
	for _, tc := range []struct{ name, config string }{
		{"baseline", `{"block_urls": ["/never-matches-zzz"]}`},
		{"rules100", rules100("")},
		{"rules100-prompt_only", rules100(`"prompt_only": true`)},
		{"rules101-literal-free-regexp", strings.Replace(rules100(""), `"block_body_regexps":[`, `"block_body_regexps":["\\b\\d{4}[- ]\\d{4}[- ]\\d{4}[- ]\\d{4}\\b",`, 1)},
	} {
		b.Run(tc.name, func(b *testing.B) {
			p, err := m.NewPlugin(tc.config)
			if err != nil {
				b.Fatal(err)
			}
			defer p.Close()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				s, err := p.Play(wasmhost.Exchange{Request: headers, Body: body})
				if err != nil {
					b.Fatal(err)
				}
				if i == 0 {
					if s.LocalResponse() != nil {
						b.Fatalf("blocked: %s", s.LocalResponse().Body)
					}
					if _, got := s.UpstreamRequest(); len(got) != len(body) {
						b.Fatalf("upstream got %d bytes", len(got))
					}
				}
			}
		})
	}
}
