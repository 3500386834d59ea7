//go:build !wasip1

package main

import (
	"strings"
	"testing"

	"github.com/aiwasm/aiwasm/sdkwrap/wasmhost"
)

// BenchmarkLookup4KB runs whole request cycles in the wazero host (watchdog off, logs at
// info, Envoy's default: at trace a lookup also formats a debug line, some 19 µs more):
//   - floor: a GET the plugin does not look at (context, headers, done);
//   - read: a 4 KB POST body read, then bypassed at its first byte (not JSON): the
//     framework's floor for a body;
//   - parsed: the 4 KB request read and scanned (validated, canonical values), then
//     bypassed (logprobs): the body's floor;
//   - miss: a 4 KB chat request looked up and not found (Cache-Control: no-store, so
//     nothing is written): scan, key material, hash, the store's shared-data read;
//   - hit: the same request found and answered as JSON.
//
// Compare medians of -count runs: the scan's cost is parsed - read, the lookup's own
// miss - parsed.
func BenchmarkLookup4KB(b *testing.B) {
	path := wasmhost.PluginPath(b, ".")
	m, err := wasmhost.Load(path, wasmhost.WithCallTimeout(0))
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	p, err := m.NewPlugin(`{"scope": "global"}`, wasmhost.WithLogLevel(wasmhost.LevelInfo))
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	prompt := strings.Repeat("lorem ipsum dolor sit amet ", benchPromptBytes/27)
	hitBody := []byte(chatBody(prompt))
	missBody := []byte(chatBody(prompt + " never stored"))
	post := wasmhost.H(":method", "POST", ":path", "/v1/chat/completions", ":authority", "gw", "content-type", "application/json")
	// Store the hit's answer once.
	s := p.NewStream()
	s.RequestHeaders(post, false)
	s.RequestBody(hitBody, true)
	s.ResponseHeaders(wasmhost.H(":status", "200", "content-type", "application/json"), false)
	s.ResponseBody([]byte(`{"id":"x","object":"chat.completion","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}]}`), true)
	s.Complete()

	cycle := func(b *testing.B, h wasmhost.Headers, body []byte, wantLocal bool) {
		for i := 0; i < b.N; i++ {
			s := p.NewStream()
			s.RequestHeaders(h, body == nil)
			if body != nil {
				s.RequestBody(body, true)
			}
			if (s.LocalResponse() != nil) != wantLocal {
				b.Fatal("unexpected outcome")
			}
			s.Complete()
		}
	}
	b.Run("floor", func(b *testing.B) {
		cycle(b, wasmhost.H(":method", "GET", ":path", "/v1/models", ":authority", "gw"), nil, false)
	})
	b.Run("read", func(b *testing.B) {
		cycle(b, post, []byte(strings.Repeat("x", len(hitBody))), false)
	})
	b.Run("parsed", func(b *testing.B) {
		cycle(b, post, []byte(chatBody(prompt, `"logprobs":true`)), false)
	})
	b.Run("miss", func(b *testing.B) {
		cycle(b, append(post.Clone(), [2]string{"cache-control", "no-store"}), missBody, false)
	})
	b.Run("hit", func(b *testing.B) { cycle(b, post, hitBody, true) })
}

var benchPromptBytes = 4096
