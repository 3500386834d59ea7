package llm

import (
	"encoding/json"
	"math/rand"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tidwall/gjson"
)

func TestAppendEscapedMatchesEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	cases := []string{"", "plain", "quote\" back\\slash", "\x00\x01\x1f\t\n\r", "été ☃ 𝄞", "bad \xff\xfe utf8", "\u2028"}
	for i := 0; i < 500; i++ {
		b := make([]byte, rng.Intn(20))
		for j := range b {
			b[j] = byte(rng.Intn(256))
		}
		cases = append(cases, string(b))
	}
	for _, s := range cases {
		out := appendJSONString(nil, s)
		var back string
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("%q -> %s: %v", s, out, err)
		}
		if want := strings.ToValidUTF8(s, "\uFFFD"); utf8.ValidString(s) && back != want {
			t.Fatalf("%q -> %s -> %q", s, out, back)
		}
	}
}

func TestCompactJSON(t *testing.T) {
	for in, want := range map[string]string{
		`{"a":1}`: `{"a":1}`,
		"{\n  \"a\": [1, 2],\n  \"b\": \"x y\\\" z\"\n}": `{"a":[1,2],"b":"x y\" z"}`,
		`{"k": "\\"}`: `{"k":"\\"}`,
	} {
		if got := compactJSON(in); got != want {
			t.Errorf("compactJSON(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestGeminiCallID(t *testing.T) {
	for _, sig := range []string{"", "CiQBVKhc7sig+/w=", "AAAA", "ab+/cd==", "x"} {
		id := string(appendGeminiCallID(nil, 3, sig))
		var s string
		if err := json.Unmarshal([]byte(id), &s); err != nil {
			t.Fatal(err)
		}
		if anthropicToolID(s) != s {
			t.Errorf("id %q is not a valid Anthropic id", s)
		}
		want := sig
		if want == "x" {
			want = "x===" // not base64 anyway: padded like any other
		}
		if got := geminiSignature(s); got != want {
			t.Errorf("signature %q -> id %q -> %q", sig, s, got)
		}
	}
	for _, id := range []string{"call_abc", "toolu_01", "call__ts_x", "call_1_tsx", "call_1_ts_"} {
		if sig := geminiSignature(id); sig != "" {
			t.Errorf("%q has no signature, got %q", id, sig)
		}
	}
	if got := anthropicToolID("call:1/2"); got != "call_1_2" {
		t.Errorf("anthropicToolID: %q", got)
	}
}

func TestParseDataURL(t *testing.T) {
	tests := []struct{ url, mime, data string }{
		{"data:image/png;base64,AAAA", "image/png", "AAAA"},
		{"data:application/pdf;base64,", "application/pdf", ""},
		{"data:image/png,AAAA", "", ""}, // not base64
		{"data:;base64,AAAA", "", ""},   // no type
		{"data:image/png;charset=x;base64,A", "", ""},
		{"data:image/png;base64", "", ""},
	}
	for _, tt := range tests {
		mime, data, ok := parseDataURL(tt.url)
		if ok != (tt.mime != "") || mime != tt.mime || data != tt.data {
			t.Errorf("%q: %q %q %v", tt.url, mime, data, ok)
		}
	}
	for url, want := range map[string]string{
		"https://x/a.PNG": "image/png", "https://x/a.jpeg?x=1": "image/jpeg", "https://x/a.gif#f": "image/gif",
		"https://x/doc.pdf": "application/pdf", "https://x.y/a": "image/jpeg", "https://x/a.b/c": "image/jpeg",
	} {
		if got := guessMIME(url, imagePart); got != want {
			t.Errorf("guessMIME(%q) = %q, want %q", url, got, want)
		}
	}
}

func TestFinishReasons(t *testing.T) {
	for in, want := range map[string]string{"end_turn": "stop", "stop_sequence": "stop", "max_tokens": "length",
		"tool_use": "tool_calls", "refusal": "content_filter", "pause_turn": "stop", "": "stop"} {
		if got := finishFromAnthropic(in); got != want {
			t.Errorf("Anthropic %q: %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"STOP": "stop", "MAX_TOKENS": "length", "SAFETY": "content_filter",
		"RECITATION": "content_filter", "BLOCKLIST": "content_filter", "PROHIBITED_CONTENT": "content_filter",
		"SPII": "content_filter", "OTHER": "stop", "MALFORMED_FUNCTION_CALL": "stop"} {
		if got := finishFromGemini(in, false); got != want {
			t.Errorf("Gemini %q: %q, want %q", in, got, want)
		}
	}
	if got := finishFromGemini("STOP", true); got != "tool_calls" {
		t.Errorf("Gemini STOP with calls: %q", got)
	}
	for in, want := range map[string]string{"stop": "end_turn", "length": "max_tokens", "tool_calls": "tool_use",
		"function_call": "tool_use", "content_filter": "refusal", "": "end_turn"} {
		if got := stopReasonFromOpenAI(in); got != want {
			t.Errorf("OpenAI %q: %q, want %q", in, got, want)
		}
	}
}

// geminiSchemaOf runs writeGeminiSchema on a schema given as JSON.
func geminiSchemaOf(schema string) (string, error) {
	w := jsonWriter{}
	err := writeGeminiSchema(&w, gjson.Parse(schema), "schema")
	return string(w.b), err
}

func TestGeminiSchema(t *testing.T) {
	tests := []struct{ in, want, err string }{
		{in: `{"type":"string","const":"x","title":"T","examples":["a"],"format":"uri"}`, want: `{"type":"STRING","title":"T","enum":["x"]}`},
		{in: `{"type":"integer","enum":[1,2],"format":"int64"}`, want: `{"type":"INTEGER","format":"int64"}`},
		{in: `{"type":["null","number"]}`, want: `{"type":"NUMBER","nullable":true}`},
		{in: `{"type":"null"}`, want: `{"type":"NULL"}`},
		{in: `{"oneOf":[{"type":"string"},{"type":"boolean"}]}`, want: `{"anyOf":[{"type":"STRING"},{"type":"BOOLEAN"}]}`},
		{in: `{"allOf":[{"$ref":"#/definitions/A"}],"definitions":{"A":{"type":"string"}}}`, want: `{"anyOf":[{"type":"STRING"}]}`},
		{in: `{"type":"array","items":[{"type":"string"}],"uniqueItems":true}`, want: `{"type":"ARRAY","items":{"type":"STRING"}}`},
		{in: `{"type":"object","properties":{},"additionalProperties":{"type":"string"}}`, want: `{"type":"OBJECT"}`},
		{in: `{"type":"object","properties":{"a\"b":{"type":"string"}}}`, want: `{"type":"OBJECT","properties":{"a\"b":{"type":"STRING"}}}`},
		{in: `true`, want: `{}`},
		{in: `{"$ref":"#/$defs/A","$defs":{"A":{"type":"object","properties":{"next":{"$ref":"#/$defs/A"}}}}}`, err: "nested too deeply"},
		{in: `{"$ref":"https://example.com/s.json"}`, err: "only references"},
		{in: `{"allOf":[{"type":"string"},{"minLength":1}]}`, err: "allOf"},
		{in: `{"type":"date"}`, err: "unknown type"},
		{in: `{"type":"object","properties":[]}`, err: "want an object"},
		{in: `"string"`, err: "want a JSON Schema object"},
	}
	for _, tt := range tests {
		got, err := geminiSchemaOf(tt.in)
		switch {
		case tt.err != "":
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s: error %v, want %q", tt.in, err, tt.err)
			}
		case err != nil:
			t.Errorf("%s: %v", tt.in, err)
		default:
			sameJSON(t, tt.in, []byte(got), []byte(tt.want))
		}
	}
}

// TestToolChoice maps every OpenAI tool_choice, with parallel_tool_calls false or not.
func TestToolChoice(t *testing.T) {
	const tools = `"tools":[{"type":"function","function":{"name":"f"}}]`
	tests := []struct{ choice, parallel, anthropic, gemini string }{
		{``, ``, ``, ``},
		{``, `false`, `{"type":"auto","disable_parallel_tool_use":true}`, ``},
		{`"auto"`, ``, `{"type":"auto"}`, `{"functionCallingConfig":{"mode":"AUTO"}}`},
		{`"none"`, `false`, `{"type":"none"}`, `{"functionCallingConfig":{"mode":"NONE"}}`},
		{`"required"`, `true`, `{"type":"any"}`, `{"functionCallingConfig":{"mode":"ANY"}}`},
		{`{"type":"function","function":{"name":"f"}}`, ``, `{"type":"tool","name":"f"}`,
			`{"functionCallingConfig":{"mode":"ANY","allowedFunctionNames":["f"]}}`},
	}
	for _, tt := range tests {
		req := `{"messages":[{"role":"user","content":"x"}],` + tools
		if tt.choice != "" {
			req += `,"tool_choice":` + tt.choice
		}
		if tt.parallel != "" {
			req += `,"parallel_tool_calls":` + tt.parallel
		}
		req += "}"
		a, err := AnthropicRequest([]byte(req), 1)
		if err != nil {
			t.Fatal(err)
		}
		if got := gjson.GetBytes(a, "tool_choice").Raw; got != tt.anthropic {
			t.Errorf("%s/%s: Anthropic tool_choice %s, want %s", tt.choice, tt.parallel, got, tt.anthropic)
		}
		g, _, _, err := GeminiRequest([]byte(req))
		if err != nil {
			t.Fatal(err)
		}
		if got := gjson.GetBytes(g, "toolConfig").Raw; got != tt.gemini {
			t.Errorf("%s: Gemini toolConfig %s, want %s", tt.choice, got, tt.gemini)
		}
	}
	// Without tools there is no choice to send.
	a, err := AnthropicRequest([]byte(`{"messages":[{"role":"user","content":"x"}],"tool_choice":"required"}`), 1)
	if err != nil || gjson.GetBytes(a, "tool_choice").Exists() {
		t.Errorf("tool_choice without tools: %s %v", a, err)
	}
}

// TestRequestErrors lists refusals that name the offending field.
func TestRequestErrors(t *testing.T) {
	tests := []struct{ body, anthropic, gemini string }{
		{`[]`, `the request body must be a JSON object`, ``},
		{`{"messages":`, `the request body is not valid JSON`, ``},
		{`{}`, `messages: want an array of messages`, ``},
		{`{"messages":[]}`, `messages: no user or assistant message to send`, ``},
		{`{"messages":[{"role":"system","content":"x"}]}`, `messages: no user or assistant message to send`, ``},
		{`{"messages":[{"content":"x"}]}`, `messages[0].role: want a string`, ``},
		{`{"messages":[{"role":"function","content":"x"}]}`, `messages[0].role: want system, developer, user, assistant or tool, not "function"`, ``},
		{`{"model":3,"messages":[{"role":"user","content":"x"}]}`, `model: want a string`, ``},
		{`{"max_tokens":0,"messages":[{"role":"user","content":"x"}]}`, `max_tokens: want a positive integer`, ``},
		{`{"max_completion_tokens":1.5,"messages":[{"role":"user","content":"x"}]}`, `max_completion_tokens: want a positive integer`, ``},
		{`{"temperature":"hot","messages":[{"role":"user","content":"x"}]}`, `temperature: want a number`, ``},
		{`{"stop":[1],"messages":[{"role":"user","content":"x"}]}`, `stop: want a string or an array of strings`, ``},
		{`{"stream":"yes","messages":[{"role":"user","content":"x"}]}`, `stream: want true or false`, ``},
		{`{"tool_choice":"maybe","tools":[],"messages":[{"role":"user","content":"x"}]}`, `tool_choice: want "auto", "none", "required" or {"type":"function","function":{"name":...}}`, ``},
		{`{"tools":[{"type":"code_interpreter"}],"messages":[{"role":"user","content":"x"}]}`, `tools[0].type: only function tools can be translated`, ``},
		{`{"response_format":{"type":"yaml"},"messages":[{"role":"user","content":"x"}]}`, `response_format.type: want text, json_object or json_schema`, ``},
		{`{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"ftp://x/a.png"}}]}]}`,
			`messages[0].content[0].image_url.url: want an http(s) URL or a data: URL`, ``},
		{`{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png,abc"}}]}]}`,
			`messages[0].content[0].image_url.url: want a base64 data: URL (data:<type>;base64,<data>)`, ``},
		{`{"messages":[{"role":"user","content":[{"type":"video"}]}]}`, `messages[0].content[0].type: unsupported content part type "video"`, ``},
		{`{"messages":[{"role":"user","content":[{"type":"file","file":{"file_id":"file-1"}}]}]}`,
			`messages[0].content[0].file.file_id: files uploaded to OpenAI cannot be sent to another provider; send file_data`, ``},
		{`{"messages":[{"role":"system","content":[{"type":"image_url","image_url":{"url":"https://x/a.png"}}]},{"role":"user","content":"x"}]}`,
			`messages[0].content[0]: a system message can only hold text`, ``},
		{`{"messages":[{"role":"user","content":"x"},{"role":"tool","content":"r"}]}`, `messages[1].tool_call_id: want a string`,
			`messages[1].tool_call_id: no earlier assistant tool call has this id; Gemini needs the function's name`},
		{`{"messages":[{"role":"assistant","tool_calls":[{"id":"a","function":{"arguments":"{}"}}]}]}`,
			`messages[0].tool_calls[0].function.name: want a non-empty string`, ``},
	}
	for _, tt := range tests {
		_, err := AnthropicRequest([]byte(tt.body), 1)
		if err == nil || err.Error() != tt.anthropic {
			t.Errorf("%s\nAnthropic: %v\n     want: %s", tt.body, err, tt.anthropic)
		}
		want := tt.gemini
		if want == "" {
			want = tt.anthropic
		}
		if _, _, _, err := GeminiRequest([]byte(tt.body)); err == nil || err.Error() != want {
			t.Errorf("%s\nGemini: %v\n  want: %s", tt.body, err, want)
		}
	}
}

func TestDefaultMaxTokens(t *testing.T) {
	body := []byte(`{"messages":[{"role":"user","content":"x"}]}`)
	for def, want := range map[int]int64{0: DefaultMaxTokens, -1: DefaultMaxTokens, 77: 77} {
		out, err := AnthropicRequest(body, def)
		if err != nil || gjson.GetBytes(out, "max_tokens").Int() != want {
			t.Errorf("default %d: %s %v", def, out, err)
		}
	}
}
