//go:build !wasip1

package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/aiwasm/aiwasm/sdkwrap/usage"
)

// The body scan: what it accepts and refuses, and the top-level members it finds.
func TestScanObject(t *testing.T) {
	for _, tc := range []struct {
		body string
		ok   bool
		keys string
	}{
		{`{}`, true, ""},
		{` {"a":1} `, true, "a"},
		{`{"model":"m","messages":[{"role":"user","content":"x \"quoted\" \\ [ { "}],"stream":true,"n":-1.5e3,"x":null,"y":false}`, true, "model,messages,stream,n,x,y"},
		{`{"a":{"b":[1,{"c":"]"}]},"d":"e"}`, true, "a,d"},
		{`{"a\"b":1}`, true, `a\"b`},
		{``, false, ""},
		{`[]`, false, ""},
		{`{"a":1`, false, ""},
		{`{"a":1}x`, false, ""},
		{`{"a" 1}`, false, ""},
		{`{"a":[1,2}`, false, ""},
		{`{"a":{"b":1]}`, false, ""},
		{`{"a":"unclosed}`, false, ""},
		{`{"a":01}`, false, ""},
		{`{"a":tru}`, false, ""},
		{`{"a":1,}`, false, ""},
		{`{a:1}`, false, ""},
		{`{"a":` + strings.Repeat("[", 1001) + strings.Repeat("]", 1001) + `}`, false, ""},
		{`{"a":` + strings.Repeat("[", 999) + strings.Repeat("]", 999) + `}`, true, "a"},
	} {
		members, ok := scanObject([]byte(tc.body), nil)
		var keys []string
		for _, m := range members {
			keys = append(keys, string(m.key))
		}
		if ok != tc.ok || (ok && strings.Join(keys, ",") != tc.keys) {
			t.Errorf("%.60s: ok %v keys %v", tc.body, ok, keys)
		}
	}
}

// Options, defaults, model and stream edited in one copy; the client's body is untouched.
func TestEditObject(t *testing.T) {
	body := []byte(`{"model":"gpt-4","max_tokens":900,"messages":[{"role":"user","content":"hi"}]}`)
	orig := string(body)
	members, _ := scanObject(body, nil)
	out, err := editObject(body, members, []edit{
		{name: "max_tokens", value: "50"},
		{name: "temperature", value: "0.2"},
		{name: "temperature", value: "0.9", fill: true},
		{name: "max_tokens", value: "7", fill: true},
		{name: "user", value: `"u"`, fill: true},
		{name: "model", value: `"gpt-4o"`},
		{name: `we"ird`, value: "1"},
	})
	if err != nil || string(body) != orig {
		t.Fatalf("%v; body changed: %s", err, body)
	}
	jsonEqual(t, "edited", out, `{"model":"gpt-4o","max_tokens":50,"messages":[{"role":"user","content":"hi"}],"temperature":0.2,"user":"u","we\"ird":1}`)
	empty, _ := scanObject([]byte(`{ }`), nil)
	out, _ = editObject([]byte(`{ }`), empty, []edit{{name: "a", value: "1"}, {name: "b", value: "2"}})
	jsonEqual(t, "from empty", out, `{"a":1,"b":2}`)
	if got := string(appendJSONString(nil, "a\"b\\c\n\x01é")); got != `"a\"b\\c\u000a\u0001é"` {
		t.Fatalf("appendJSONString: %s", got)
	}
}

// Usage read from an answer's tail, as usage.FromBody reads it from the whole body.
func TestAnswerUsage(t *testing.T) {
	for _, body := range []string{
		`{"id":"x","choices":[],"usage":{"prompt_tokens":10,"completion_tokens":20,"total_tokens":30}}`,
		`{"id":"x","usage":{"prompt_tokens":10,"completion_tokens":20},"choices":[{"message":{"content":"the \"usage\": {} of it"}}]}`,
		"{\"usage\" :\n {\"prompt_tokens\": 1e3, \"completion_tokens\": 2.0}}",
		`{"choices":[],"usage":null}`,
		`{"choices":[]}`,
		`{"usage":{"prompt_tokens":-5,"completion_tokens":3}}`,
		`{"usage":{"prompt_tokens":"12"}}`,
		`{"usage":{"prompt_tokens":123456789012345678901234567890}}`,
		`{"usage":{"prompt_tokens":1,"prompt_tokens_details":{"cached_tokens":1},"completion_tokens":2,"total_tokens":4}}`,
		`not json "usage":{"prompt_tokens":1}`,
	} {
		got, ok := answerUsage(usage.OpenAI, []byte(body))
		want, wantOK := usageFromBody([]byte(body))
		if got != want || ok != wantOK {
			t.Errorf("%s: %+v %v, usage.FromBody %+v %v", body, got, ok, want, wantOK)
		}
	}
}

func usageFromBody(body []byte) (usage.Usage, bool) { return usage.FromBody(usage.OpenAI, body) }

// Whatever encoding/json takes as an object the scan takes, with the same top-level keys;
// editing it keeps it valid JSON. Nothing panics.
func FuzzScanObject(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":[1,{"b":"c\"]"}],"d":null}`, `{"model":"m","messages":[]}`, `{"a":"\u00e9\\"}`, `[1]`, `{"a":1`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		members, ok := scanObject(b, nil)
		var doc map[string]json.RawMessage
		if json.Unmarshal(b, &doc) != nil || !bytes.HasPrefix(bytes.TrimSpace(b), []byte("{")) {
			return
		}
		if !ok {
			t.Fatalf("refused %q", b)
		}
		for _, m := range members {
			if _, found := doc[string(m.key)]; !found && !bytes.Contains(m.key, []byte(`\`)) && utf8.Valid(m.key) {
				t.Fatalf("key %q not in %q", m.key, b)
			}
		}
		out, err := editObject(b, members, []edit{{name: "model", value: `"x"`}, {name: "max_tokens", value: "5", fill: true}})
		if err != nil || !json.Valid(out) {
			t.Fatalf("edit of %q gave %q (%v)", b, out, err)
		}
	})
}
