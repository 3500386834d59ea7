//go:build !wasip1

package main

import (
	"strings"
	"testing"
)

// Bad configurations are refused at configure time, naming the field.
func TestConfigRefusals(t *testing.T) {
	for _, c := range []struct{ config, want string }{
		{`{"cache_key_strategy": "everything"}`, "cache_key_strategy"},
		{`{"scope": "tenant"}`, "scope"},
		{`{"ttl": 0}`, "ttl"},
		{`{"ttl": "1h"}`, "ttl"},
		{`{"ttl_seconds": 300}`, "ttl_seconds"},
		{`{"store": "redis"}`, `store: "redis" needs the higress build of ai-cache`},
		{`{"redis": {"service_name": "r.static"}}`, `redis: only with store "redis", in the higress build`},
		{`{"store": "memcached"}`, "store"},
		{`{"max_bytes": 100}`, "max_bytes"},
		{`{"max_entries": 2}`, "max_entries"},
		{`{"status_header": "bad header"}`, "status_header"},
		{`{"bypass_header": {"value": "skip"}}`, "bypass_header.name"},
		{`{"cacheable_finish_reasons": []}`, "cacheable_finish_reasons"},
		{`{"cache_tool_calls": "yes"}`, "cache_tool_calls"},
		{`{"semantic": {}}`, "semantic.provider"},
		{`{"semantic": {"provider": "openai-compatible", "cluster": "c"}}`, "semantic.override"},
		{`{"semantic": {"provider": "openai-compatible", "override": {"endpoint": "ftp://x"}, "cluster": "c"}}`, "semantic.override"},
		{`{"semantic": {"provider": "openai-compatible", "override": {"endpoint": "http://x/v1"}}}`, "semantic.cluster"},
		{`{"semantic": {"provider": "openai", "threshold": 1.5}}`, "semantic.threshold"},
		{`{"semantic": {"provider": "openai", "max_vectors": 0}}`, "semantic.max_vectors"},
		{`{"semantic": {"provider": "openai", "auth": {}}}`, "semantic.auth.header"},
	} {
		if msg := refused(t, c.config); !strings.Contains(msg, c.want) {
			t.Errorf("%s: %s", c.config, msg)
		}
	}
}

// A credential in the configuration never shows in a refusal or a log.
func TestSecretsStayOutOfMessages(t *testing.T) {
	msg := refused(t, `{"semantic": {"provider": "openai", "auth": {"header": {"authorization": 5}}, "threshold": 3}}`)
	p := newPlugin(t, `{"semantic": {"provider": "openai", "auth": {"header": {"authorization": "Bearer sk-secret-123"}}}}`)
	for _, l := range p.Logs() {
		msg += l.Message
	}
	if strings.Contains(msg, "sk-secret-123") {
		t.Fatal("a credential was logged")
	}
}

// Defaults: scope consumer, strategy full, TTL 3600, the status header, x-ai-cache: skip.
func TestDefaults(t *testing.T) {
	p := newPlugin(t, `{}`)
	alice := consumer("alice")
	do(t, p, call{body: chatBody("defaults"), headers: alice})
	if r := do(t, p, call{body: chatBody("defaults"), headers: alice}); r.status() != "HIT" {
		t.Fatal(r.status())
	}
	if r := do(t, p, call{body: chatBody("defaults"), headers: append(alice, "x-ai-cache", "skip")}); r.status() != "BYPASS" {
		t.Fatal(r.status())
	}
	p.Clock().Advance(3599e9)
	if r := do(t, p, call{body: chatBody("defaults"), headers: alice}); r.status() != "HIT" {
		t.Fatal("expired before 3600 s")
	}
	p.Clock().Advance(1e9)
	if r := do(t, p, call{body: chatBody("defaults"), headers: alice}); r.status() != "MISS" {
		t.Fatal("served after 3600 s")
	}
}
