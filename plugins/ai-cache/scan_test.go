//go:build !wasip1

package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aiwasm/aiwasm/sdkwrap/jsonguard"
	"github.com/tidwall/gjson"
)

// keyResult is what onRequestBody takes from a body: whether it is valid, whether it is
// a chat request the cache keys (an object, messages a non-empty array, no logprobs), the
// stream flag, the material under each strategy (nil: bypassed) and the semantic params.
type keyResult struct {
	valid, cacheable, stream bool
	material                 [3][]byte
	params                   []byte
}

// referenceKey is the key as the gjson implementation computed it (reference_test.go).
func referenceKey(body []byte) (k keyResult) {
	if k.valid = jsonguard.Valid(body); !k.valid {
		return k
	}
	req := gjson.ParseBytes(body)
	messages := req.Get("messages")
	k.cacheable = req.IsObject() && messages.IsArray() && messages.Get("0").Exists() &&
		req.Get("logprobs").Type != gjson.True
	if !k.cacheable {
		return k
	}
	k.stream = req.Get("stream").Type == gjson.True
	for s := range k.material {
		if m, ok := refKeyMaterial(nil, &Config{strategy: strategy(s)}, "consumer:c", req); ok {
			k.material[s] = m
		}
	}
	k.params = refParams(nil, req)
	return k
}

var testScan bodyScan // reused, as the plugin reuses its own

// scannedKey is the key as onRequestBody computes it now.
func scannedKey(body []byte) (k keyResult) {
	r := &testScan
	if k.valid = r.scan(body); !k.valid {
		return k
	}
	if k.cacheable = r.object && r.hasMessages() && !r.logprobs; !k.cacheable {
		return k
	}
	k.stream = r.stream
	for s := range k.material {
		if m, ok := keyMaterial(nil, &Config{strategy: strategy(s)}, "consumer:c", r); ok {
			k.material[s] = m
		}
	}
	k.params = appendParams(nil, r)
	return k
}

func (k keyResult) String() string {
	return fmt.Sprintf("valid %v cacheable %v stream %v\nfull %q\nall_questions %q\nlast_question %q\nparams %q",
		k.valid, k.cacheable, k.stream, k.material[0], k.material[1], k.material[2], k.params)
}

func (k keyResult) equal(o keyResult) bool {
	if k.valid != o.valid || k.cacheable != o.cacheable || k.stream != o.stream || !bytes.Equal(k.params, o.params) {
		return false
	}
	for s := range k.material {
		if (k.material[s] == nil) != (o.material[s] == nil) || !bytes.Equal(k.material[s], o.material[s]) {
			return false
		}
	}
	return true
}

// checkAgainstReference fails unless the scanner and the gjson reference agree on body.
func checkAgainstReference(t *testing.T, body []byte) {
	t.Helper()
	want, got := referenceKey(body), scannedKey(body)
	if !got.equal(want) {
		t.Fatalf("body %.300q\nscanner:   %.300v\nreference: %.300v", body, got, want)
	}
}

func chat(fields string) string {
	return `{"model":"gpt-4o-mini",` + fields + `}`
}

const tools = `"tools":[{"type":"function","function":{"name":"get_weather","description":"Weather.","parameters":` +
	`{"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string","enum":["c","f"]}},"required":["city"]}}}]`

const toolsReordered = `"tools":[{"function":{"parameters":{"required":["city"],"properties":{"unit":{"enum":["c","f"],` +
	`"type":"string"},"city":{"type":"string"}},"type":"object"},"description":"Weather.","name":"get_weather"},"type":"function"}]`

var msgHello = `"messages":[{"role":"user","content":"hello"}]`

// keyPairs are pairs of requests and whether they must get the same key (under every
// strategy, unless only says otherwise).
var keyPairs = []struct {
	name string
	a, b string
	same bool
	only []strategy // the strategies the pair is checked under (nil: all)
}{
	{"key order", `{"model":"m","temperature":0.2,` + msgHello + `}`, `{` + msgHello + `,"temperature":0.2,"model":"m"}`, true, nil},
	{"message key order", chat(msgHello), chat(`"messages":[{"content":"hello","role":"user"}]`), true, nil},
	{"whitespace", chat(msgHello), " {\n\t\"model\" : \"gpt-4o-mini\" ,\r\n \"messages\" : [ { \"role\" : \"user\" , \"content\" : \"hello\" } ] } \n", true, nil},
	{`\u00e9 is é`, chat(`"messages":[{"role":"user","content":"caf\u00e9"}]`), chat(`"messages":[{"role":"user","content":"café"}]`), true, nil},
	{`\u0041 is A`, chat(`"messages":[{"role":"user","content":"\u0041"}]`), chat(`"messages":[{"role":"user","content":"A"}]`), true, nil},
	{`\/ is /`, chat(`"messages":[{"role":"user","content":"a\/b"}]`), chat(`"messages":[{"role":"user","content":"a/b"}]`), true, nil},
	{`\u000a is \n`, chat(`"messages":[{"role":"user","content":"a\u000ab"}]`), chat(`"messages":[{"role":"user","content":"a\nb"}]`), true, nil},
	{`escaped key`, chat(`"m\u0065ssages":[{"r\u006fle":"us\u0065r","content":"hello"}]`), chat(msgHello), true, nil},
	{`surrogate pair`, chat(`"messages":[{"role":"user","content":"\ud83d\ude00"}]`), chat(`"messages":[{"role":"user","content":"😀"}]`), true, nil},
	{`lone surrogate is U+FFFD`, chat(`"messages":[{"role":"user","content":"\ud800"}]`), chat(`"messages":[{"role":"user","content":"\ufffd"}]`), true, nil},
	{`surrogate takes the next escape`, chat(`"messages":[{"role":"user","content":"\ud800\u0041"}]`), chat(`"messages":[{"role":"user","content":"\ufffd"}]`), true, nil},
	{`invalid UTF-8 is not U+FFFD`, chat(`"messages":[{"role":"user","content":"` + "\xff" + `"}]`), chat(`"messages":[{"role":"user","content":"\ufffd"}]`), false, nil},
	{"1.0 is 1", chat(`"temperature":1.0,` + msgHello), chat(`"temperature":1,` + msgHello), true, nil},
	{"1e3 is 1000", chat(`"max_tokens":1e3,` + msgHello), chat(`"max_tokens":1000,` + msgHello), true, nil},
	{"0.50 is 5e-1", chat(`"temperature":0.50,` + msgHello), chat(`"temperature":5E-1,` + msgHello), true, nil},
	{"-0 is 0", chat(`"temperature":-0,` + msgHello), chat(`"temperature":0,` + msgHello), true, nil},
	{"nested tool schemas in another order", chat(tools + "," + msgHello), chat(msgHello + "," + toolsReordered), true, nil},
	{"stream true vs false", chat(`"stream":true,` + msgHello), chat(`"stream":false,` + msgHello), true, nil},
	{"user differs", chat(`"user":"u1","metadata":{"a":1},` + msgHello), chat(`"user":"u2",` + msgHello), true, nil},
	{"system differs, same question", chat(`"messages":[{"role":"system","content":"a"},{"role":"user","content":"q"}]`),
		chat(`"messages":[{"role":"system","content":"b"},{"role":"user","content":"q"}]`), true, []strategy{strategyAllQuestions, strategyLastQuestion}},
	{"earlier question differs", chat(`"messages":[{"role":"user","content":"a"},{"role":"assistant","content":"x"},{"role":"user","content":"q"}]`),
		chat(`"messages":[{"role":"user","content":"b"},{"role":"user","content":"q"}]`), true, []strategy{strategyLastQuestion}},

	{"temperature 0.2 vs 0.3", chat(`"temperature":0.2,` + msgHello), chat(`"temperature":0.3,` + msgHello), false, nil},
	{"model", `{"model":"a",` + msgHello + `}`, `{"model":"b",` + msgHello + `}`, false, nil},
	{"message", chat(msgHello), chat(`"messages":[{"role":"user","content":"hello!"}]`), false, nil},
	{"tools", chat(tools + "," + msgHello), chat(strings.Replace(tools, `"city"]`, `"unit"]`, 1) + "," + msgHello), false, nil},
	{"tools or none", chat(tools + "," + msgHello), chat(msgHello), false, nil},
	{"-0 vs 0.5", chat(`"temperature":-0,` + msgHello), chat(`"temperature":0.5,` + msgHello), false, nil},
	{"big integers", chat(`"seed":12345678901234567890,` + msgHello), chat(`"seed":12345678901234567891,` + msgHello), false, nil},
	{"string vs number", chat(`"seed":"1",` + msgHello), chat(`"seed":1,` + msgHello), false, nil},
	{"duplicate keys keep their order", chat(`"x":1,"x":2,` + msgHello), chat(`"x":2,"x":1,` + msgHello), false, nil},
	{"system differs", chat(`"messages":[{"role":"system","content":"a"},{"role":"user","content":"q"}]`),
		chat(`"messages":[{"role":"system","content":"b"},{"role":"user","content":"q"}]`), false, []strategy{strategyFull}},
}

// Requests that mean the same get the same key, requests that differ do not, and the
// scanner's material is the gjson reference's, byte for byte.
func TestKeyEquivalences(t *testing.T) {
	for _, p := range keyPairs {
		a, b := scannedKey([]byte(p.a)), scannedKey([]byte(p.b))
		if !a.cacheable || !b.cacheable {
			t.Fatalf("%s: not cacheable:\n%v\n%v", p.name, a, b)
		}
		strategies := p.only
		if strategies == nil {
			strategies = []strategy{strategyFull, strategyAllQuestions, strategyLastQuestion}
		}
		for _, s := range strategies {
			if same := bytes.Equal(a.material[s], b.material[s]); same != p.same {
				t.Errorf("%s (%s): same key %v, want %v\n%q\n%q", p.name, strategyNames[s], same, p.same, a.material[s], b.material[s])
			}
		}
		checkAgainstReference(t, []byte(p.a))
		checkAgainstReference(t, []byte(p.b))
	}
}

func TestKeyFlags(t *testing.T) {
	for _, c := range []struct {
		body                     string
		valid, cacheable, stream bool
	}{
		{chat(msgHello), true, true, false},
		{chat(`"stream":true,` + msgHello), true, true, true},
		{chat(`"stream":true,"stream":false,` + msgHello), true, true, true},
		{chat(`"stream":"true",` + msgHello), true, true, false},
		{chat(`"logprobs":true,` + msgHello), true, false, false},
		{chat(`"logprobs":false,` + msgHello), true, true, false},
		{chat(`"messages":[]`), true, false, false},
		{chat(`"messages":{}`), true, false, false},
		{chat(`"messages":"hello"`), true, false, false},
		{chat(`"messages":"[1]",` + msgHello), true, false, false}, // the first messages counts
		{chat(`"messages":[1]`), true, true, false},
		{`[` + chat(msgHello) + `]`, true, false, false},
		{`"` + msgHello + `"`, false, false, false},
		{chat(`"prompt":"x"`), true, false, false},
	} {
		got := scannedKey([]byte(c.body))
		if got.valid != c.valid || got.cacheable != c.cacheable || got.stream != c.stream {
			t.Errorf("%s: %v", c.body, got)
		}
		checkAgainstReference(t, []byte(c.body))
	}
}

// Strategies: what the question strategies key on, and when they have nothing to.
func TestScanStrategies(t *testing.T) {
	for _, body := range []string{
		chat(`"messages":[{"role":"system","content":"s"}]`),                              // no question
		chat(`"messages":[{"role":"user"}]`),                                              // no content
		chat(`"messages":[{"role":"user","content":"q"},{"role":"user"}]`),                // last without content
		chat(`"messages":[{"role":"user","content":null},{"role":"user","content":"q"}]`), // null content
		chat(`"messages":[{"role":"user","role":"system","content":"q"}]`),                // the first role counts
		chat(`"messages":[{"role":"system","role":"user","content":"q"}]`),
		chat(`"messages":[{"role":"user","content":"a","content":"b"}]`), // the first content counts
		chat(`"messages":[{"content":[{"type":"text","text":"q"},{"type":"image_url","image_url":{"url":"u"}}],"role":"user"}]`),
		chat(`"messages":[["role","user"],"{\"role\":\"user\"",{"role":"us\u0065r","content":{"b":1,"a":[{"d":1,"c":2}]}}]`),
		chat(`"messages":[{"role":"user","content":"q","messages":[{"role":"user","content":"inner"}]}]`),
	} {
		checkAgainstReference(t, []byte(body))
	}
}

// Objects of many members (sorted otherwise than few) keep duplicate keys in their order.
func TestScanManyMembers(t *testing.T) {
	var b strings.Builder
	for i := range 200 {
		fmt.Fprintf(&b, `"k%d":%d,`, (i*37)%50, i) // 50 keys, each four times
	}
	members := strings.TrimSuffix(b.String(), ",")
	checkAgainstReference(t, []byte(chat(members+`,"o":{`+members+`},`+msgHello)))
	checkAgainstReference(t, []byte(chat(`"messages":[{`+members+`,"role":"user","content":{`+members+`}}]`)))
}

// Bodies gjson refuses, or jsonguard for their depth, the scanner refuses too.
func TestScanRefuses(t *testing.T) {
	deep := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
	refused := []string{
		``, ` `, `{"model":"m","messages":[`, `{"model":"m"`, `{"a":1}}`, `{} {}`, `{}x`, `[1]]`, `]`, `}`,
		`{"a" 1}`, `{"a":1,}`, `[1,]`, `{,}`, `[,1]`, `{"a":}`, `{a:1}`, `{'a':1}`, `{"a":1 "b":2}`, `[1 2]`,
		`"\x"`, `"\u12"`, `"\u12G4"`, `"\ud800\u12"`, `"\`, `"abc`, `"a` + "\x00" + `"`, `"a` + "\t" + `b"`, `"a` + "\n" + `"`,
		`01`, `[01]`, `-01`, `-`, `1.`, `.5`, `+1`, `1e`, `1e+`, `1.e3`, `--1`, `0x10`, `1_000`,
		`tru`, `nul`, `falsey`, `True`, `NaN`, `Infinity`, `-Infinity`, `[true false]`,
		"\v{}", "\f{}", "{}\x00", "\xef\xbb\xbf{}", // no other whitespace, no BOM
		deep(jsonguard.MaxDepth + 1),
		strings.Repeat(`{"a":`, jsonguard.MaxDepth+1) + "1" + strings.Repeat("}", jsonguard.MaxDepth+1),
		strings.Repeat("[", 1_000_001),
	}
	for _, b := range refused {
		if testScan.scan([]byte(b)) {
			t.Errorf("accepted %.40q", b)
		}
		if jsonguard.Valid(b) {
			t.Errorf("jsonguard accepts %.40q: not a refusal test", b)
		}
	}
	accepted := []string{`{}`, `[]`, ` {} `, `1`, `-0`, `0.5e-3`, `"\u00e9"`, `"` + "\xff" + `"`, `null`,
		deep(jsonguard.MaxDepth), chat(msgHello)}
	for _, b := range accepted {
		if !testScan.scan([]byte(b)) {
			t.Errorf("refused %.40q", b)
		}
		checkAgainstReference(t, []byte(b))
	}
}

// plainRun stops at the first byte a string's text cannot copy as it is, whatever its
// position in a word or a 32-byte block, and whatever plain bytes precede it.
func TestPlainRun(t *testing.T) {
	for c := 0; c < 256; c++ {
		stops := c < 0x20 || c >= 0x80 || c == '"' || c == '\\'
		for _, fill := range []byte{' ', '!', '#', '[', ']', '~', 0x7f, 'a'} {
			for at := 0; at < 70; at++ {
				b := bytes.Repeat([]byte{fill}, 72)
				b[at] = byte(c)
				b = append(b, '"')
				for from := 0; from <= at; from += 5 {
					want := at
					if !stops {
						want = 72
					}
					if got := plainRun(b, from); got != want {
						t.Fatalf("byte %#x at %d in %q from %d: %d, want %d", c, at, fill, from, got, want)
					}
				}
			}
		}
	}
}

// A million '[' is refused at the limit, at once, without a frame per level.
func TestScanDeepIsCheap(t *testing.T) {
	body := []byte(strings.Repeat("[", 1_000_000))
	start := time.Now()
	for range 100 {
		if testScan.scan(body) {
			t.Fatal("accepted")
		}
	}
	if d := time.Since(start) / 100; d > time.Millisecond {
		t.Errorf("%v per refusal", d)
	}
	if len(testScan.stack) != jsonguard.MaxDepth {
		t.Errorf("%d frames", len(testScan.stack))
	}
}

// Once its buffers have grown, a scan and the key allocate nothing.
func TestScanAllocatesNothing(t *testing.T) {
	body := []byte(chat(`"temperature":0.7,"seed":12345678901234567890,"top_p":1e-1,"stream":true,"n":null,"store":false,` + tools + `,` +
		`"messages":[{"role":"system","content":"be terse"},{"role":"user","content":"caf\u00e9 \ud83d\ude00 ` +
		strings.Repeat("lorem ipsum ", 300) + `"}]`))
	c := &Config{strategy: strategyAllQuestions}
	var buf []byte
	n := testing.AllocsPerRun(100, func() {
		if !testScan.scan(body) {
			t.Fatal("refused")
		}
		buf, _ = keyMaterial(buf[:0], c, "scope", &testScan)
		buf = paramsMaterial(buf[:0], c, "scope", &testScan)
	})
	if n != 0 {
		t.Errorf("%v allocations per key", n)
	}
}

// FuzzKeyScanner: for any body the scanner and the gjson reference agree on validity
// (jsonguard.Valid's), and on everything onRequestBody takes from a valid one.
func FuzzKeyScanner(f *testing.F) {
	for _, p := range keyPairs {
		f.Add([]byte(p.a))
		f.Add([]byte(p.b))
	}
	for _, s := range []string{
		chat(`"stream":true,"logprobs":false,"n":[1,-2.5e+3,{"z":null,"y":[true,false]}],` + msgHello),
		chat(`"messages":[{"role":"user","content":null},{"role":"assistant","content":"x"},{"role":"user"}]`),
		`{"a":"\u0000\u001f\"\\\/\b\f\n\r\t","\u00e9":1,"é":2,"":3,"a\u0000":4}`,
		`[1e400,-1e400,1e-400,123456789012345678901234567890,1.5,100000000000000000000.0,0.1e1]`,
		"{\"messages\":[{\"role\":\"user\",\"content\":\"\xe4\xbd\xa0\xe5\xa5\xbd \xc3 \xed\xa0\x80\"}]}",
		`{"messages":[{"role":"user","content":"\ud83d\ude00\udc00\ud800x\ud800\ud800"}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		checkAgainstReference(t, body)
	})
}
