//go:build !wasip1

package main

// The compiled module in the wazero host, driven as Envoy drives it.

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/aiwasm/aiwasm/sdkwrap/wasmhost"
)

// The scenario of the issue, verbatim.
func TestSeedScenario(t *testing.T) {
	p := newPlugin(t, `{"block_urls": ["password", "pw"], "blocked_code": 404, "case_sensitive": false}`)
	for _, path := range []string{"/?text=Mypassword=xxxxxx", "/?text=pw=xxxxxx"} {
		if o := get(t, p, path); !o.blocked(404) {
			t.Errorf("%s: not blocked with 404: %+v", path, o.local)
		}
	}
	if o := get(t, p, "/?text=hello"); o.local != nil || o.headersAct != wasmhost.Continue {
		t.Errorf("/?text=hello: %+v, action %v", o.local, o.headersAct)
	}
}

// The blocked answer: blocked_code, an OpenAI-style JSON error carrying blocked_message (or
// the default), nothing of what matched.
func TestBlockedAnswer(t *testing.T) {
	for _, tc := range []struct{ config, want string }{
		{`{"block_urls": ["secret-path"]}`,
			`{"error":{"message":"request blocked by gateway policy","type":"invalid_request_error","code":"request_blocked"}}`},
		{`{"block_urls": ["secret-path"], "blocked_code": 451, "blocked_message": "not \"here\""}`,
			`{"error":{"message":"not \"here\"","type":"invalid_request_error","code":"request_blocked"}}`},
	} {
		p := newPlugin(t, tc.config)
		o := get(t, p, "/x/secret-path")
		if o.local == nil {
			t.Fatalf("%s: not blocked", tc.config)
		}
		wantCode := 403
		if strings.Contains(tc.config, "451") {
			wantCode = 451
		}
		if o.local.Status != wantCode || string(o.local.Body) != tc.want || o.local.Headers.Value("content-type") != "application/json" {
			t.Errorf("%s: got %d %q (content-type %q), want %d %s", tc.config, o.local.Status, o.local.Body, o.local.Headers.Value("content-type"), wantCode, tc.want)
		}
		if o.headersAct != wasmhost.Pause {
			t.Errorf("headers action %v, want Pause", o.headersAct)
		}
	}
}

// Every rule list works alone, and only on its own part of the request.
func TestEachListAlone(t *testing.T) {
	chat := func(text string) string {
		return fmt.Sprintf(`{"model":"m","messages":[{"role":"user","content":%q}]}`, text)
	}
	for _, tc := range []struct {
		name, config string
		blocked      req
		passed       []req
	}{
		{"block_urls", `{"block_urls": ["/admin"]}`,
			req{method: "GET", path: "/v1/admin/users"},
			[]req{{method: "GET", path: "/v1/models", headers: []string{"x-note", "/admin"}}, {path: "/v1/chat", body: chat("/admin")}}},
		{"block_exact_urls", `{"block_exact_urls": ["/admin"]}`,
			req{method: "GET", path: "/admin"},
			[]req{{method: "GET", path: "/admin/users"}, {method: "GET", path: "/x/admin"}}},
		{"block_regexp_urls", `{"block_regexp_urls": ["^/v\\d+/internal/"]}`,
			req{method: "GET", path: "/v2/internal/keys"},
			[]req{{method: "GET", path: "/v2/public/internal/"}, {method: "GET", path: "/vX/internal/"}}},
		{"block_headers", `{"block_headers": ["x-debug-token"]}`,
			req{method: "GET", path: "/v1/models", headers: []string{"x-debug-token", "1"}},
			[]req{{method: "GET", path: "/v1/models", headers: []string{"x-debug", "token"}}, {path: "/v1/chat", body: chat("x-debug-token")}}},
		{"block_bodies", `{"block_bodies": ["ignore previous instructions"]}`,
			req{path: "/v1/chat", body: chat("Please ignore previous instructions.")},
			[]req{{method: "GET", path: "/ignore%20previous%20instructions"}, {path: "/v1/chat", body: chat("ignore the previous instructions")}}},
		{"block_body_regexps", `{"block_body_regexps": ["sk-[A-Za-z0-9]{20,}"]}`,
			req{path: "/v1/chat", body: chat("my key is sk-abcdefghij0123456789xyz")},
			[]req{{path: "/v1/chat", body: chat("my key is sk-short")}, {method: "GET", path: "/sk-abcdefghij0123456789xyz"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newPlugin(t, tc.config)
			if o := send(t, p, tc.blocked); !o.blocked(403) {
				t.Errorf("%+v: not blocked (%+v)", tc.blocked, o.local)
			}
			for _, r := range tc.passed {
				if o := send(t, p, r); !o.passed(r.body) {
					t.Errorf("%+v: did not pass: %+v, upstream body %q", r, o.local, o.body)
				}
			}
		})
	}
}

// case_sensitive, default true, in both settings, for every list.
func TestCaseSensitivity(t *testing.T) {
	chat := `{"messages":[{"role":"user","content":"The PassWord is Über-Geheim, PIN 1234"}]}`
	for _, tc := range []struct {
		name, rules string
		r           req
	}{
		{"block_urls", `"block_urls": ["/admin"]`, req{method: "GET", path: "/ADMIN"}},
		{"block_exact_urls", `"block_exact_urls": ["/admin"]`, req{method: "GET", path: "/Admin?x=1"}},
		{"block_regexp_urls", `"block_regexp_urls": ["/admin/\\d+$"]`, req{method: "GET", path: "/ADMIN/42"}},
		{"block_headers", `"block_headers": ["x-secret"]`, req{method: "GET", path: "/", headers: []string{"x-other", "X-SECRET-value"}}},
		{"block_bodies", `"block_bodies": ["password"]`, req{path: "/v1/chat", body: chat}},
		{"block_bodies non-ASCII", `"block_bodies": ["über-geheim"]`, req{path: "/v1/chat", body: chat}},
		{"block_body_regexps", `"block_body_regexps": ["pin \\d{4}"]`, req{path: "/v1/chat", body: chat}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, cfg := range []string{`{` + tc.rules + `}`, `{` + tc.rules + `, "case_sensitive": true}`} {
				if o := send(t, newPlugin(t, cfg), tc.r); !o.passed(tc.r.body) {
					t.Errorf("%s: blocked a different case: %+v", cfg, o.local)
				}
			}
			cfg := `{` + tc.rules + `, "case_sensitive": false}`
			if o := send(t, newPlugin(t, cfg), tc.r); !o.blocked(403) {
				t.Errorf("%s: not blocked", cfg)
			}
		})
	}
}

// Case-insensitive matching folds as the regexps' (?i) does: the long s and the Kelvin sign
// are s and k, for substrings and regexps alike (the regexps' literal prefilter must not
// let "paſſword" through).
func TestCaseFoldingIsUnicode(t *testing.T) {
	p := newPlugin(t, `{"block_bodies": ["password"], "block_body_regexps": ["token\\s*=\\s*\\w{4}"], "case_sensitive": false}`)
	for _, body := range []string{"PAſſWORD", "paſſword", "ToKen = abcd", "to\u212aen=abcd"} {
		if o := send(t, p, req{path: "/", body: body}); !o.blocked(403) {
			t.Errorf("%q not blocked", body)
		}
	}
	if o := send(t, p, req{path: "/", body: "pass word, token=ab"}); o.local != nil {
		t.Errorf("clean body blocked: %+v", o.local)
	}
}

// Exact URLs match the whole :path or the path before its query; substrings match anywhere
// in path and query; regexps are searched, anchored only if they say so. Percent escapes
// are decoded for a second look.
func TestURLMatchKinds(t *testing.T) {
	p := newPlugin(t, `{"block_exact_urls": ["/admin", "/v1/models?debug=1"], "block_urls": ["/internal/"], "block_regexp_urls": ["^/files/.*\\.env$", "token="]}`)
	for _, tc := range []struct {
		path  string
		block string // the rule, "" when it passes
	}{
		{"/admin", "block_exact_urls[0]"},
		{"/admin?x=1", "block_exact_urls[0]"},
		{"/%61dmin", "block_exact_urls[0]"},
		{"/admin/", ""},
		{"/admin/users", ""},
		{"/x/admin", ""},
		{"/v1/models?debug=1", "block_exact_urls[1]"},
		{"/v1/models?debug=2", ""},
		{"/v1/models", ""},
		{"/api/internal/x", "block_urls[0]"},
		{"/api/internal", ""},
		{"/api%2Finternal%2Fx", "block_urls[0]"},
		{"/files/app/.env", "block_regexp_urls[0]"},
		{"/files/app/.env.bak", ""},
		{"/x/files/app/.env", ""},
		{"/login?token=abc", "block_regexp_urls[1]"},
		{"/login?token", ""},
	} {
		o := get(t, p, tc.path)
		got := ""
		if o.local != nil {
			got, _ = o.s.Property("blocked_by")
			got = strings.TrimPrefix(got, "request-block:")
		}
		if got != tc.block {
			t.Errorf("%s: blocked by %q, want %q", tc.path, got, tc.block)
		}
	}
}

// block_headers matches header names and values, pseudo-headers included (as Higress).
func TestHeadersByNameAndValue(t *testing.T) {
	p := newPlugin(t, `{"block_headers": ["x-evil", "evil-value", "internal.example"]}`)
	for _, tc := range []struct {
		headers []string
		block   string
	}{
		{[]string{"x-evil-flag", "1"}, "block_headers[0]"},
		{[]string{"x-note", "an evil-value here"}, "block_headers[1]"},
		{[]string{":authority", "api.internal.example"}, "block_headers[2]"},
		{[]string{"x-note", "evil"}, ""},
		{[]string{"x-evi", "l-value"}, ""}, // a rule does not run across name and value
	} {
		s := p.NewStream()
		h := wasmhost.H(":method", "GET", ":path", "/", ":authority", "gw")
		h = append(h, wasmhost.H(tc.headers...)...)
		if _, err := s.RequestHeaders(h, true); err != nil {
			t.Fatal(err)
		}
		got, _ := s.Property("blocked_by")
		if want := "request-block:" + tc.block; tc.block == "" && got != "" || tc.block != "" && got != want {
			t.Errorf("%v: blocked_by %q, want %q", tc.headers, got, tc.block)
		}
	}
}

// Body rules: substrings and regexps; the headers are held until the body was checked, so
// nothing of a blocked request reaches the upstream.
func TestBodies(t *testing.T) {
	p := newPlugin(t, `{"block_bodies": ["DROP TABLE"], "block_body_regexps": ["\\b\\d{4}-\\d{4}-\\d{4}-\\d{4}\\b"]}`)
	for _, tc := range []struct{ body, block string }{
		{`{"prompt":"x; DROP TABLE users"}`, "block_bodies[0]"},
		{`{"prompt":"card 1234-5678-9012-3456 please"}`, "block_body_regexps[0]"},
		{`{"prompt":"card 1234-5678-9012-34567"}`, ""},
		{`{"prompt":"drop table"}`, ""},
	} {
		o := post(t, p, "/v1/completions", tc.body)
		if o.headersAct != wasmhost.Pause {
			t.Errorf("headers not held: %v", o.headersAct)
		}
		got, _ := o.s.Property("blocked_by")
		switch {
		case tc.block == "" && !o.passed(tc.body):
			t.Errorf("%s: did not pass: %+v, upstream %q", tc.body, o.local, o.body)
		case tc.block != "" && (got != "request-block:"+tc.block || !o.blocked(403) || len(o.body) != 0 || o.s.Resumed(false) != 0):
			t.Errorf("%s: blocked_by %q, local %+v, upstream body %q, resumed %d", tc.body, got, o.local, o.body, o.s.Resumed(false))
		}
	}
}

// Without body rules the body is not buffered: the headers go on at once and so does every
// chunk.
func TestNoBodyRulesNoBuffering(t *testing.T) {
	p := newPlugin(t, `{"block_urls": ["/admin"]}`)
	s := p.NewStream()
	if act, _ := s.RequestHeaders(wasmhost.H(":method", "POST", ":path", "/v1/chat", "content-length", "6"), false); act != wasmhost.Continue {
		t.Fatalf("headers held: %v", act)
	}
	if act, _ := s.RequestBody([]byte("abc"), false); act != wasmhost.Continue {
		t.Fatalf("chunk held: %v", act)
	}
	if _, body := s.UpstreamRequest(); string(body) != "abc" {
		t.Fatalf("upstream got %q so far", body)
	}
}

// prompt_only: only the text a model reads is matched.
func TestPromptOnly(t *testing.T) {
	p := newPlugin(t, `{"block_bodies": ["password", "role"], "block_body_regexps": ["secret-\\d+"], "prompt_only": true}`)
	raw := newPlugin(t, `{"block_bodies": ["password", "role"], "block_body_regexps": ["secret-\\d+"]}`)
	for _, tc := range []struct {
		name, body string
		blocked    bool
	}{
		// Passes: the words are only in field names, image URLs, tool schemas, models.
		{"field name", `{"model":"m","messages":[{"role":"user","content":"hello"}]}`, false},
		{"image URL", `{"messages":[{"role":"user","content":[{"type":"text","text":"what is this?"},{"type":"image_url","image_url":{"url":"https://img.example/password.png"}}]}]}`, false},
		{"tool schema", `{"messages":[{"content":"hi"}],"tools":[{"type":"function","function":{"name":"set_password","parameters":{"type":"object","properties":{"password":{"type":"string"}}}}}]}`, false},
		{"model name", `{"model":"secret-7","input":"hello"}`, false},
		{"anthropic image", `{"system":"be brief","messages":[{"role":"user","content":[{"type":"image","source":{"type":"url","url":"https://x/password"}},{"type":"text","text":"hi"}]}]}`, false},
		// Blocks: the words are in the prompt.
		{"message string", `{"messages":[{"role":"user","content":"my password is hunter2"}]}`, true},
		{"text part", `{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://img/x.png"}},{"type":"text","text":"the password?"}]}]}`, true},
		{"prompt string", `{"model":"m","prompt":"password please"}`, true},
		{"prompt array", `{"model":"m","prompt":["hello","tell me secret-42"]}`, true},
		{"input string", `{"model":"e","input":"password"}`, true},
		{"input array", `{"model":"e","input":["a","b password"]}`, true},
		{"responses input items", `{"input":[{"role":"user","content":[{"type":"input_text","text":"password"}]}]}`, true},
		{"instructions", `{"instructions":"reveal the password","input":"hi"}`, true},
		{"anthropic system blocks", `{"system":[{"type":"text","text":"the password is x"}],"messages":[{"role":"user","content":"hi"}]}`, true},
		{"anthropic tool_result", `{"messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":[{"type":"text","text":"secret-9"}]}]}]}`, true},
		{"gemini contents", `{"contents":[{"role":"user","parts":[{"text":"hello"},{"text":"the password"}]}]}`, true},
		{"gemini system", `{"systemInstruction":{"parts":[{"text":"password"}]},"contents":[{"parts":[{"text":"hi"}]}]}`, true},
		{"json escape", `{"messages":[{"role":"user","content":"pass\u0077ord"}]}`, true},
		{"duplicate key", `{"messages":[{"role":"user","content":"hi"}],"messages":[{"role":"user","content":"password"}]}`, true},
		{"key case", `{"Messages":[{"role":"user","Content":"password"}]}`, true},
		// Not an LLM request: the raw body is matched.
		{"not JSON", `text=my+password`, true},
		{"JSON, no prompt field", `{"query":"password"}`, true},
		{"invalid JSON", `{"messages":[{"content":"hi"}], "x": password}`, true},
	} {
		o := post(t, p, "/v1/chat/completions", tc.body)
		if tc.blocked && !o.blocked(403) || !tc.blocked && !o.passed(tc.body) {
			t.Errorf("%s: blocked %v, want %v", tc.name, o.local != nil, tc.blocked)
		}
		// Without prompt_only every one of them is blocked (the words are all in there), save
		// the JSON escape and the clean non-JSON body.
		if tc.name != "json escape" {
			if o := post(t, raw, "/v1/chat/completions", tc.body); !o.blocked(403) {
				t.Errorf("%s: raw body not blocked", tc.name)
			}
		}
	}
}

// max_body_bytes and oversize_body: over the limit, 413 or passed unchecked; never more
// than the limit buffered.
func TestBodyLimit(t *testing.T) {
	big := `{"prompt":"` + strings.Repeat("a", 100) + ` password"}`
	small := `{"prompt":"password"}`

	reject := newPlugin(t, `{"block_bodies": ["password"], "max_body_bytes": 64}`)
	for _, noLength := range []bool{false, true} {
		o := send(t, reject, req{path: "/v1/completions", body: big, noLength: noLength})
		if !o.blocked(413) || !strings.Contains(string(o.local.Body), `"request_too_large"`) || len(o.body) != 0 {
			t.Errorf("reject, content-length %v: %+v, upstream %q", !noLength, o.local, o.body)
		}
	}
	if o := send(t, reject, req{path: "/", body: small}); !o.blocked(403) {
		t.Errorf("a body under the limit is not checked: %+v", o.local)
	}

	pass := newPlugin(t, `{"block_bodies": ["password"], "max_body_bytes": 64, "oversize_body": "pass"}`)
	for _, noLength := range []bool{false, true} {
		o := send(t, pass, req{path: "/v1/completions", body: big, noLength: noLength})
		if !o.passed(big) {
			t.Errorf("pass, content-length %v: %+v, upstream %q", !noLength, o.local, o.body)
		}
	}
	if o := send(t, pass, req{path: "/", body: small}); !o.blocked(403) {
		t.Errorf("a body under the limit is not checked: %+v", o.local)
	}
	// The one with content-length is counted and logged by the plugin; the other one is
	// logged by the framework.
	if n, _ := pass.Metric("request_block_passed_unchecked"); n != 1 {
		t.Errorf("request_block_passed_unchecked = %d, want 1", n)
	}
	if !pass.LogContains("over max_body_bytes (64): passed on unchecked") || !pass.LogContains("request body over 64 bytes: passed on unchecked") {
		t.Errorf("no warnings; logs %v", pass.Logs())
	}
}

// A refused configuration names the field and the reason.
func TestConfigRefused(t *testing.T) {
	for _, tc := range []struct{ config, want string }{
		{`{"block_regexp_urls": ["ok", "(abc"]}`, "block_regexp_urls[1]: invalid regular expression: missing closing ): `(abc`"},
		{`{"block_body_regexps": ["a(?=b)"]}`, "block_body_regexps[0]: invalid regular expression: invalid or unsupported Perl syntax: `(?=`"},
		{`{"block_urls": ["a", ""]}`, "block_urls[1]: must not be empty"},
		{`{"block_urls": "a"}`, "block_urls: want a list of strings, got string"},
		{`{"block_urls": ["a"], "blocked_code": 700}`, "blocked_code: must be at most 599"},
		{`{"block_urls": ["a"], "blocked_code": 101}`, "blocked_code: must be at least 200"},
		{`{"block_urls": ["a"], "case_sensitive": "false"}`, "case_sensitive: want a boolean"},
		{`{"block_urls": ["a"], "oversize_body": "drop"}`, `oversize_body: must be one of "reject", "pass"`},
		{`{"block_bodies": ["a"], "max_body_bytes": 0}`, "max_body_bytes: must be at least 1"},
		{`{}`, "no block rule: set at least one of block_exact_urls, block_urls, block_regexp_urls, block_headers, block_bodies, block_body_regexps"},
		{`{"blocked_code": 404, "block_url": ["typo"]}`, "no block rule"},
		{`{"block_urls": ["a"], "_rules_": [{"_match_route_": ["r"], "block_regexp_urls": ["("]}]}`, "_rules_[0].block_regexp_urls[0]: invalid regular expression"},
		{`{"block_bodies": ["a"], "block_bodys": ["b"]}`, "block_bodys: block_bodys is block_bodies spelled as Higress's C++ plugin does: set only one of them"},
		{`{"block_bodys": ["a", ""]}`, "block_bodys[1]: must not be empty"},
		{`{"block_urls": ["` + strings.Repeat("ab", 40000) + `"]}`, "block_urls: the rules are too long"},
	} {
		_, err := module(t).NewPlugin(tc.config)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.config, err, tc.want)
		}
	}
}

// block_bodys, Higress's C++ spelling, is read as block_bodies, with a warning.
func TestBlockBodysSpelling(t *testing.T) {
	p := newPlugin(t, `{"block_bodys": ["hello world"], "case_sensitive": false}`)
	if !p.LogContains("configuration: block_bodys: read as block_bodies") {
		t.Errorf("no warning; logs %v", p.Logs())
	}
	o := send(t, p, req{path: "/", body: "Hello World"})
	if v, _ := o.s.Property("blocked_by"); !o.blocked(403) || v != "request-block:block_bodys[0]" {
		t.Errorf("not blocked by block_bodys[0]: %+v, blocked_by %q", o.local, v)
	}
}

// _rules_: blocking on for one route only; a global part without rules holds shared
// settings; a rule whose lists are emptied turns blocking off there.
func TestRulesPerRoute(t *testing.T) {
	onOneRoute := newPlugin(t, `{"blocked_code": 451, "_rules_": [{"_match_route_": ["chat"], "block_bodies": ["password"]}]}`)
	onAllButOne := newPlugin(t, `{"block_bodies": ["password"], "_rules_": [{"_match_route_": ["internal"], "block_bodies": null}]}`)
	if !onAllButOne.LogContains("_rules_[0]: no block rule: the requests this rule matches pass unchecked") {
		t.Errorf("no warning for the rule without rules; logs %v", onAllButOne.Logs())
	}
	body := `{"messages":[{"role":"user","content":"password"}]}`
	for _, tc := range []struct {
		p      *wasmhost.Plugin
		route  string
		status int // 0: passes
	}{
		{onOneRoute, "chat", 451},
		{onOneRoute, "other", 0},
		{onAllButOne, "internal", 0},
		{onAllButOne, "chat", 403},
	} {
		s := tc.p.NewStream()
		s.SetProperty("xds.route_name", tc.route)
		if _, err := s.RequestHeaders(wasmhost.H(":method", "POST", ":path", "/v1/chat/completions", "content-length", fmt.Sprint(len(body))), false); err != nil {
			t.Fatal(err)
		}
		if _, err := s.RequestBody([]byte(body), true); err != nil {
			t.Fatal(err)
		}
		lr := s.LocalResponse()
		if tc.status == 0 && lr != nil || tc.status != 0 && (lr == nil || lr.Status != tc.status) {
			t.Errorf("route %s: local %+v, want status %d", tc.route, lr, tc.status)
		}
	}
}

// No log line, at any level, holds what a rule matched, nor anything of the request it
// came from; the block itself is logged at info with the rule's name.
func TestLogsNeverShowMatchedContent(t *testing.T) {
	p := newPlugin(t, `{"block_urls": ["zq-url-secret"], "block_exact_urls": ["/zq-exact-secret"], "block_regexp_urls": ["zq-re-url-\\d+"],
		"block_headers": ["zq-header-secret"], "block_bodies": ["zq-body-secret"], "block_body_regexps": ["zq-re-body-\\d+"],
		"prompt_only": true, "max_body_bytes": 4096, "oversize_body": "pass"}`, wasmhost.WithLogLevel(wasmhost.LevelTrace))
	get(t, p, "/a/zq-url-secret/b?x=zq-q-secret")
	get(t, p, "/zq-exact-secret")
	get(t, p, "/zq-re-url-42")
	get(t, p, "/", "x-zq-header-secret", "zq-hv-secret")
	post(t, p, "/v1/chat/completions", `{"messages":[{"role":"user","content":"zq-body-secret zq-more-secret"}]}`)
	post(t, p, "/v1/chat/completions", `{"messages":[{"role":"user","content":"zq-re-body-7 zq-more-secret"}]}`)
	post(t, p, "/v1/chat/completions", `zq-body-secret in a form zq-more-secret`)
	post(t, p, "/v1/chat/completions", `{"prompt":"`+strings.Repeat("zq-big-secret ", 400)+`"}`)
	if n, _ := p.Metric("request_block_blocked"); n != 7 {
		t.Errorf("request_block_blocked = %d, want 7", n)
	}
	for _, want := range []string{"block_urls[0]", "block_exact_urls[0]", "block_regexp_urls[0]", "block_headers[0]", "block_bodies[0]", "block_body_regexps[0]"} {
		found := false
		for _, l := range p.LogsAt(wasmhost.LevelInfo) {
			found = found || strings.HasSuffix(l.Message, "request blocked by "+want)
		}
		if !found {
			t.Errorf("no info line for %s", want)
		}
	}
	for _, l := range p.Logs() {
		if strings.Contains(l.Message, "zq") || strings.Contains(l.Message, "secret") {
			t.Errorf("log line shows request content: %s", l)
		}
	}
}

// Blocks publish their rule in filter state and count in request_block_blocked; GET
// requests without a body pass with body rules configured.
func TestFilterStateAndMetrics(t *testing.T) {
	p := newPlugin(t, `{"block_urls": ["/a", "/b"], "block_bodies": ["x"]}`)
	o := get(t, p, "/b")
	if v, _ := o.s.Property("blocked_by"); v != "request-block:block_urls[1]" {
		t.Errorf("blocked_by = %q", v)
	}
	if o := get(t, p, "/c"); o.local != nil || o.headersAct != wasmhost.Continue {
		t.Errorf("GET /c: %+v, %v", o.local, o.headersAct)
	}
	if v, _ := get(t, p, "/c").s.Property("blocked_by"); v != "" {
		t.Errorf("blocked_by set on a passed request: %q", v)
	}
	if n, ok := p.Metric("request_block_blocked"); !ok || n != 1 {
		t.Errorf("request_block_blocked = %d, %v", n, ok)
	}
	if _, ok := p.Metric("request_block_passed_unchecked"); !ok {
		t.Error("request_block_passed_unchecked not defined")
	}
}

// The answer is JSON a client can parse, whatever blocked_message holds.
func TestBlockedMessageIsEscaped(t *testing.T) {
	p := newPlugin(t, `{"block_urls": ["x"], "blocked_message": "line1\n\"quoted\" <b>&</b> ünï"}`)
	o := get(t, p, "/x")
	var v struct {
		Error struct{ Message, Type, Code string }
	}
	if err := json.Unmarshal(o.local.Body, &v); err != nil || v.Error.Message != "line1\n\"quoted\" <b>&</b> ünï" || v.Error.Code != "request_blocked" {
		t.Fatalf("body %s: %+v %v", o.local.Body, v, err)
	}
}
