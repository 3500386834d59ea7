package llm

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"

	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/aiwasm/aiwasm/sdkwrap/sse"
)

var update = flag.Bool("update", false, "rewrite the golden outputs in testdata/")

// testCreated is the "created" second of every OpenAI object the tests produce.
const testCreated = 1700000000

func TestMain(m *testing.M) {
	now = func() int64 { return testCreated }
	os.Exit(m.Run())
}

// translateStream feeds a whole upstream stream to tr, event by event, as the plugin does,
// then ends it. An Event error is written into the output as an SSE comment, so goldens
// show it.
func translateStream(tr StreamTranslator, stream []byte, chunk int) []byte {
	var p sse.Parser
	var out []byte
	emit := func(ev sse.Event) {
		var err error
		if out, err = tr.Event(out, ev); err != nil {
			out = append(out, ": "+err.Error()+"\n\n"...)
		}
	}
	if chunk <= 0 {
		chunk = len(stream) + 1
	}
	for i := 0; i < len(stream); i += chunk {
		if err := p.Feed(stream[i:min(i+chunk, len(stream))], emit); err != nil {
			panic(err)
		}
	}
	if ev, ok := p.Flush(); ok {
		emit(ev)
	}
	return tr.End(out)
}

// parseEvents splits an SSE stream into its events.
func parseEvents(t testing.TB, stream []byte) []sse.Event {
	t.Helper()
	var p sse.Parser
	var evs []sse.Event
	if err := p.Feed(stream, func(ev sse.Event) { evs = append(evs, ev) }); err != nil {
		t.Fatal(err)
	}
	if ev, ok := p.Flush(); ok {
		t.Fatalf("stream ends with an unterminated event %q", ev.Raw)
	}
	return evs
}

// normJSON decodes JSON for comparison (key order and spacing do not matter).
func normJSON(t testing.TB, what string, b []byte) any {
	t.Helper()
	var v any
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		t.Fatalf("%s: not JSON: %v\n%s", what, err, b)
	}
	if d.More() {
		t.Fatalf("%s: more than one JSON value\n%s", what, b)
	}
	return v
}

// indentJSON is b indented, in its own key order, for golden files and diffs.
func indentJSON(b []byte) []byte {
	var out bytes.Buffer
	if err := json.Indent(&out, b, "", "  "); err != nil {
		return b
	}
	out.WriteByte('\n')
	return out.Bytes()
}

// sameJSON fails unless got and want hold the same JSON value.
func sameJSON(t testing.TB, what string, got, want []byte) {
	t.Helper()
	if !reflect.DeepEqual(normJSON(t, what+" (got)", got), normJSON(t, what+" (want)", want)) {
		t.Errorf("%s differs\n--- got\n%s--- want\n%s", what, indentJSON(got), indentJSON(want))
	}
}

// sameStream fails unless two SSE streams have the same events: same names and comments,
// and data that are the same JSON (or the same text, for [DONE]).
func sameStream(t testing.TB, what string, got, want []byte) {
	t.Helper()
	g, w := parseEvents(t, got), parseEvents(t, want)
	diff := len(g) != len(w)
	for i := 0; !diff && i < len(g); i++ {
		diff = g[i].Event != w[i].Event || g[i].Comment != w[i].Comment || g[i].HasData != w[i].HasData
		if !diff && g[i].Data != w[i].Data {
			if !json.Valid([]byte(g[i].Data)) || !json.Valid([]byte(w[i].Data)) {
				diff = true
			} else {
				diff = !reflect.DeepEqual(normJSON(t, what, []byte(g[i].Data)), normJSON(t, what, []byte(w[i].Data)))
			}
		}
	}
	if diff {
		t.Errorf("%s differs\n--- got\n%s--- want\n%s", what, got, want)
	}
}

// checkSSE fails unless out is well-formed output: complete events whose data is JSON or
// [DONE].
func checkSSE(t testing.TB, what string, out []byte) {
	t.Helper()
	for _, ev := range parseEvents(t, out) {
		if ev.HasData && ev.Data != "[DONE]" && !json.Valid([]byte(ev.Data)) {
			t.Fatalf("%s: event data is not JSON: %q", what, ev.Data)
		}
	}
}

// checkError fails unless err is nil or one of the package's typed errors.
func checkError(t testing.TB, what string, err error) {
	t.Helper()
	var req *RequestError
	var up *UpstreamError
	if err != nil && !errors.As(err, &req) && !errors.As(err, &up) {
		t.Fatalf("%s: untyped error %T: %v", what, err, err)
	}
}

func mustRead(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func errorText(err error) []byte { return []byte(strings.TrimSpace(err.Error()) + "\n") }

func sseData(data string) sse.Event { return sse.Event{Data: data, HasData: true} }
