package main

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/tidwall/gjson"
)

func texts(body string) ([]string, bool) {
	var out []string
	ok := promptTexts(body, func(raw string) bool {
		out = append(out, unescapeJSON(raw))
		return true
	})
	return out, ok
}

func TestPromptTexts(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		want       []string
	}{
		{"openai chat", `{"model":"gpt","messages":[{"role":"system","content":"be nice"},{"role":"user","content":[{"type":"text","text":"hi"},{"type":"image_url","image_url":{"url":"https://x/y.png","detail":"low"}}]},{"role":"assistant","content":null,"tool_calls":[{"function":{"arguments":"{\"a\":1}"}}]}]}`,
			[]string{"be nice", "hi"}},
		{"completions", `{"prompt":["a",[1,2,3],"b"],"max_tokens":5}`, []string{"a", "b"}},
		{"embeddings", `{"input":"hello","model":"e"}`, []string{"hello"}},
		{"embeddings tokens", `{"input":[[1,2],[3]]}`, nil},
		{"responses", `{"instructions":"sys","input":[{"role":"user","content":[{"type":"input_text","text":"q"},{"type":"input_image","image_url":"data:..."}]}]}`, []string{"sys", "q"}},
		{"anthropic", `{"system":[{"type":"text","text":"s1"}],"messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"x","content":"r1"},{"type":"document","source":{"data":"zz"}}]}]}`, []string{"s1", "r1"}},
		{"gemini", `{"system_instruction":{"parts":[{"text":"s"}]},"contents":[{"role":"user","parts":[{"text":"a"},{"inline_data":{"data":"zz"}}]}],"generationConfig":{"x":1}}`, []string{"s", "a"}},
		{"escapes", `{"messages":[{"content":"a\nb \u00fc \"q\" \ud83d\ude00 \ud800"}]}`, []string{"a\nb ü \"q\" 😀 \ufffd"}},
		{"whitespace", " \n{ \"prompt\" : \"p\" } \t", []string{"p"}},
		{"duplicates and case", `{"prompt":"1","PROMPT":"2","messages":[{"content":"3","CONTENT":"4"}]}`, []string{"1", "2", "3", "4"}},
		{"escaped key", `{"m\u0065ssages":[{"cont\u0065nt":"x"}]}`, []string{"x"}},
		{"numbers and literals", `{"prompt":"p","n":[-0.5e+10,0,12.25E-3,true,false,null],"o":{}}`, []string{"p"}},
	} {
		got, ok := texts(tc.body)
		if !ok || !reflect.DeepEqual(got, tc.want) && !(len(got) == 0 && len(tc.want) == 0) {
			t.Errorf("%s: %q, %v; want %q", tc.name, got, ok, tc.want)
		}
	}
	for _, body := range []string{
		``, `hello`, `[{"prompt":"x"}]`, `{"query":"x"}`, `{"prompt":"x"`, `{"prompt":"x"} trailing`,
		`{"prompt":"x",}`, `{"prompt":01}`, `{"prompt":"a\x01b"}`, `{"prompt":"\x"}`, `{"prompt":"\u12"}`,
		`{"prompt":tru}`, `{"prompt" "x"}`, `{"prompt":[1,]}`, `{"prompt":-}`, `{"prompt":1.}`, `{"prompt":1e}`,
		`{"messages":` + deep(20) + `}`,
		`{"x":` + strings.Repeat("[", 300) + strings.Repeat("]", 300) + `,"prompt":"p"}`,
	} {
		if got, ok := texts(body); ok {
			t.Errorf("%q: taken for an LLM request (%q)", body, got)
		}
	}
}

// deep is content nested n levels of "content" deep.
func deep(n int) string {
	s := `"x"`
	for i := 0; i < n; i++ {
		s = `[{"content":` + s + `}]`
	}
	return s
}

func TestPromptTextsStops(t *testing.T) {
	n := 0
	ok := promptTexts(`{"prompt":["a","b","c"],"input":"d"} invalid after`, func(string) bool { n++; return n < 2 })
	if !ok || n != 2 {
		t.Fatalf("ok %v after %d calls, want true after 2", ok, n)
	}
}

// FuzzPrompt checks the scanner against encoding/json (is it JSON?) and against the same
// walk written with gjson (which texts, and is it an LLM request?).
func FuzzPrompt(f *testing.F) {
	f.Add(`{"messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}]}`)
	f.Add(`{"contents":[{"parts":[{"text":"a\u0062"}]}],"prompt":["x",1]}`)
	f.Add(`{"Input":[{"content":[{"content":[{"text":"deep"}]}]}]}`)
	f.Fuzz(func(t *testing.T, body string) {
		got, ok := texts(body)
		valid := json.Valid([]byte(body))
		if ok && !valid {
			t.Fatalf("invalid JSON %q taken for an LLM request", body)
		}
		if strings.Count(body, "[")+strings.Count(body, "{") > maxNesting-10 || !valid || !gjson.Valid(body) {
			return // deeper than the scanner goes, or where gjson's reading is not the reference
		}
		var want []string
		wantOK := gjsonPromptTexts(body, func(s string) bool {
			want = append(want, s)
			return true
		})
		if ok != wantOK || ok && !reflect.DeepEqual(got, want) && !(len(got) == 0 && len(want) == 0) {
			t.Fatalf("%q: scanner %q %v, gjson %q %v", body, got, ok, want, wantOK)
		}
	})
}

// gjsonPromptTexts is the prompt scanner's reference, written with gjson: the same texts
// (decoded), the same verdict. It is what promptTexts was before it had to be fast.
func gjsonPromptTexts(body string, fn func(text string) bool) bool {
	i := 0
	for i < len(body) && (body[i] == ' ' || body[i] == '\t' || body[i] == '\n' || body[i] == '\r') {
		i++
	}
	if i == len(body) || body[i] != '{' || !gjson.Valid(body) {
		return false
	}
	w := refWalker{fn: fn}
	found := false
	gjson.Parse(body).ForEach(func(k, v gjson.Result) bool {
		for _, name := range promptKeys {
			if strings.EqualFold(k.Str, name) {
				found = true
				w.content(v, 0)
				break
			}
		}
		return !w.stop
	})
	return found && !w.tooDeep
}

// walker goes through content, calling fn with each text.
type refWalker struct {
	fn      func(string) bool
	stop    bool // fn returned false
	tooDeep bool
}

// content is a string, a list of strings and parts, or one part.
func (w *refWalker) content(v gjson.Result, depth int) {
	if depth > maxPromptDepth {
		w.tooDeep, w.stop = true, true
		return
	}
	switch {
	case v.Type == gjson.String:
		w.text(v.Str)
	case v.IsArray():
		v.ForEach(func(_, item gjson.Result) bool {
			switch {
			case item.Type == gjson.String:
				w.text(item.Str)
			case item.IsObject():
				w.part(item, depth+1)
			}
			return !w.stop
		})
	case v.IsObject():
		w.part(v, depth+1)
	}
}

// part is a message, a content part or block, or a Gemini content: its "text" is read, and
// its "content" (messages, Responses items, tool results) and "parts" (Gemini) are followed.
// Anything else in it (image_url, source, tool input) is not prompt text.
func (w *refWalker) part(p gjson.Result, depth int) {
	p.ForEach(func(k, v gjson.Result) bool {
		switch {
		case strings.EqualFold(k.Str, "text"):
			if v.Type == gjson.String {
				w.text(v.Str)
			}
		case strings.EqualFold(k.Str, "content"), strings.EqualFold(k.Str, "parts"):
			w.content(v, depth)
		}
		return !w.stop
	})
}

func (w *refWalker) text(s string) {
	if s != "" && !w.stop && !w.fn(s) {
		w.stop = true
	}
}
