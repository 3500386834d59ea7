package sse

import (
	"errors"
	"strings"
	"testing"
)

const bom = "\xEF\xBB\xBF"

// ev builds an expected event; Raw is given separately in the tables.
type want struct {
	fields Event
	raw    string
}

func TestParser(t *testing.T) {
	data := func(s string) Event { return Event{Data: s, HasData: true} }
	tests := []struct {
		name   string
		stream string
		want   []want
	}{
		{"lf", "data: hello\n\n", []want{{data("hello"), "data: hello\n\n"}}},
		{"crlf", "data: hello\r\n\r\n", []want{{data("hello"), "data: hello\r\n\r\n"}}},
		{"lone cr", "data: hello\r\rdata: next\r\r", []want{
			{data("hello"), "data: hello\r\r"},
			{data("next"), "data: next\r\r"},
		}},
		{"mixed line breaks", "event: a\r\ndata: 1\rdata: 2\n\r\n", []want{
			{Event{Event: "a", Data: "1\n2", HasData: true}, "event: a\r\ndata: 1\rdata: 2\n\r\n"},
		}},
		{"cr then crlf", "data: x\r\r\ndata: y\n\n", []want{
			{data("x"), "data: x\r\r\n"},
			{data("y"), "data: y\n\n"},
		}},
		{"two events", "data: 1\n\ndata: 2\n\n", []want{
			{data("1"), "data: 1\n\n"},
			{data("2"), "data: 2\n\n"},
		}},
		{"multi-line data", "data: a\ndata: b\ndata: c\n\n", []want{{data("a\nb\nc"), "data: a\ndata: b\ndata: c\n\n"}}},
		{"empty data", "data:\n\n", []want{{data(""), "data:\n\n"}}},
		{"data without colon", "data\n\n", []want{{data(""), "data\n\n"}}},
		{"two empty data lines", "data:\ndata\n\n", []want{{data("\n"), "data:\ndata\n\n"}}},
		{"empty line between data", "data: a\ndata:\ndata: b\n\n", []want{{data("a\n\nb"), "data: a\ndata:\ndata: b\n\n"}}},
		{"no space after colon", "data:x\n\n", []want{{data("x"), "data:x\n\n"}}},
		{"only one space stripped", "data:  x \n\n", []want{{data(" x "), "data:  x \n\n"}}},
		{"tab kept", "data:\tx\n\n", []want{{data("\tx"), "data:\tx\n\n"}}},
		{"colon in value", "data: {\"a\":1}\n\n", []want{{data(`{"a":1}`), "data: {\"a\":1}\n\n"}}},
		{"comment only", ": ping\n\n", []want{{Event{Comment: " ping"}, ": ping\n\n"}}},
		{"empty comment", ":\n\n", []want{{Event{}, ":\n\n"}}},
		{"comments around data", ":a\ndata: x\n: b\n\n", []want{{Event{Data: "x", HasData: true, Comment: "a\n b"}, ":a\ndata: x\n: b\n\n"}}},
		{"three comments", ":1\n:2\n:3\n\n", []want{{Event{Comment: "1\n2\n3"}, ":1\n:2\n:3\n\n"}}},
		{"all fields", "event: message_start\nid: 7\nretry: 1500\ndata: {}\n\n", []want{
			{Event{Event: "message_start", ID: "7", HasID: true, Retry: 1500, HasRetry: true, Data: "{}", HasData: true},
				"event: message_start\nid: 7\nretry: 1500\ndata: {}\n\n"},
		}},
		{"last event and id win", "event: a\nevent: b\nid: 1\nid: 2\n\n", []want{
			{Event{Event: "b", ID: "2", HasID: true}, "event: a\nevent: b\nid: 1\nid: 2\n\n"},
		}},
		{"empty event name", "event:\ndata: x\n\n", []want{{data("x"), "event:\ndata: x\n\n"}}},
		{"empty id", "id:\n\n", []want{{Event{HasID: true}, "id:\n\n"}}},
		{"id with NUL ignored", "id: 1\nid: a\x00b\n\n", []want{{Event{ID: "1", HasID: true}, "id: 1\nid: a\x00b\n\n"}}},
		{"retry not digits", "retry: 1.5\nretry: -1\nretry:\nretry: 1e3\nretry: 12a\n\n", []want{
			{Event{}, "retry: 1.5\nretry: -1\nretry:\nretry: 1e3\nretry: 12a\n\n"},
		}},
		{"retry overflow ignored", "retry: 10\nretry: 99999999999999999999999\n\n", []want{
			{Event{Retry: 10, HasRetry: true}, "retry: 10\nretry: 99999999999999999999999\n\n"},
		}},
		{"retry zero", "retry: 0\n\n", []want{{Event{HasRetry: true}, "retry: 0\n\n"}}},
		{"unknown fields ignored", "foo: bar\nData: x\ndata : y\nbaz\ndata: z\n\n", []want{
			{data("z"), "foo: bar\nData: x\ndata : y\nbaz\ndata: z\n\n"},
		}},
		{"bom", bom + "data: x\n\n", []want{{data("x"), bom + "data: x\n\n"}}},
		{"bom then blank line", bom + "\ndata: x\n\n", []want{
			{Event{}, bom + "\n"},
			{data("x"), "data: x\n\n"},
		}},
		{"bom only at start", bom + "data: 1\n\n" + bom + "data: 2\n\n", []want{
			{data("1"), bom + "data: 1\n\n"},
			{Event{}, bom + "data: 2\n\n"},
		}},
		{"two boms", bom + bom + "data: x\n\n", []want{{Event{}, bom + bom + "data: x\n\n"}}},
		{"partial bom is content", "\xEF\xBB\n\ndata: x\n\n", []want{
			{Event{}, "\xEF\xBB\n\n"},
			{data("x"), "data: x\n\n"},
		}},
		{"stray blank lines", "\n\r\n\rdata: x\n\n", []want{
			{Event{}, "\n"},
			{Event{}, "\r\n"},
			{Event{}, "\r"},
			{data("x"), "data: x\n\n"},
		}},
		{"no final blank line", "data: 1\n\ndata: [DONE]\n", []want{
			{data("1"), "data: 1\n\n"},
			{data("[DONE]"), "data: [DONE]\n"},
		}},
		{"no final line break", "data: a\ndata: b", []want{{data("a\nb"), "data: a\ndata: b"}}},
		{"stream ends after cr", "data: a\r\r", []want{{data("a"), "data: a\r\r"}}},
		{"non-utf8 kept", "data: \xff\xfe\n\n", []want{{data("\xff\xfe"), "data: \xff\xfe\n\n"}}},
		{"nul in data", "data: a\x00b\n\n", []want{{data("a\x00b"), "data: a\x00b\n\n"}}},
		{"empty stream", "", nil},
		{"anthropic", "event: message_delta\ndata: {\"type\":\"message_delta\",\"usage\":{\"output_tokens\":15}}\n\n", []want{
			{Event{Event: "message_delta", Data: `{"type":"message_delta","usage":{"output_tokens":15}}`, HasData: true},
				"event: message_delta\ndata: {\"type\":\"message_delta\",\"usage\":{\"output_tokens\":15}}\n\n"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var expected []Event
			for _, w := range tt.want {
				ev := w.fields
				ev.Raw = []byte(w.raw)
				expected = append(expected, ev)
			}
			check := func(how string, sizes []int) {
				t.Helper()
				got, err := feedAll([]byte(tt.stream), sizes, 0)
				if err != nil {
					t.Fatalf("%s: %v", how, err)
				}
				if !sameEvents(got, expected) {
					t.Fatalf("%s:\ngot\n%swant\n%s", how, describe(got), describe(expected))
				}
			}
			check("one chunk", []int{len(tt.stream) + 1})
			check("byte by byte", []int{1})
			check("with empty chunks", []int{0, 1, 0, 2})
			for cut := 1; cut < len(tt.stream); cut++ {
				check("cut at "+strings.Repeat("·", cut), []int{cut, len(tt.stream)})
			}
		})
	}
}

func TestParserHoldsEventEndedByCR(t *testing.T) {
	var p Parser
	var got []Event
	emit := func(ev Event) { got = append(got, ev) }
	if err := p.Feed([]byte("data: x\r\r"), emit); err != nil {
		t.Fatal(err)
	}
	if len(got) != 0 || p.Pending() != 9 {
		t.Fatalf("before the next byte: %d events, %d pending; want 0 events, 9 pending", len(got), p.Pending())
	}
	_ = p.Feed(nil, emit) // an empty chunk tells nothing
	if len(got) != 0 {
		t.Fatal("an empty chunk released the held event")
	}
	_ = p.Feed([]byte("\ndata"), emit)
	if len(got) != 1 || string(got[0].Raw) != "data: x\r\r\n" || p.Pending() != 4 {
		t.Fatalf("after LF: %s pending %d", describe(got), p.Pending())
	}
	got = nil
	_ = p.Feed([]byte(": y\r\r"), emit)
	_ = p.Feed([]byte(":"), emit)
	if len(got) != 1 || string(got[0].Raw) != "data: y\r\r" || p.Pending() != 1 {
		t.Fatalf("after another byte: %s pending %d", describe(got), p.Pending())
	}
}

func TestParserPendingAndFlush(t *testing.T) {
	var p Parser
	n := 0
	emit := func(Event) { n++ }
	_ = p.Feed([]byte("data: 1\n\ndata: 2"), emit)
	if n != 1 || p.Pending() != 7 {
		t.Fatalf("got %d events, %d pending; want 1, 7", n, p.Pending())
	}
	ev, ok := p.Flush()
	if !ok || ev.Data != "2" || string(ev.Raw) != "data: 2" {
		t.Fatalf("Flush = %+v, %v", ev, ok)
	}
	if p.Pending() != 0 {
		t.Fatalf("pending after Flush: %d", p.Pending())
	}
	if _, ok := p.Flush(); ok {
		t.Fatal("second Flush returned an event")
	}
	// Flush starts a new stream: a BOM is skipped again.
	var got []Event
	_ = p.Feed([]byte(bom+"data: 3\n\n"), func(ev Event) { got = append(got, ev) })
	if len(got) != 1 || got[0].Data != "3" {
		t.Fatalf("after Flush: %s", describe(got))
	}
}

func TestParserRawIsOwned(t *testing.T) {
	var p Parser
	var got []Event
	chunk := []byte("data: abc\n\ndata: d")
	_ = p.Feed(chunk, func(ev Event) { got = append(got, ev) })
	copy(chunk, "XXXXXXXXXXXXXXXXXX")
	_ = p.Feed([]byte("ef\n\n"), func(ev Event) { got = append(got, ev) })
	if len(got) != 2 || string(got[0].Raw) != "data: abc\n\n" || string(got[1].Raw) != "data: def\n\n" || got[1].Data != "def" {
		t.Fatalf("the caller's chunk leaked into events: %s", describe(got))
	}
}

func TestParserMaxEventSize(t *testing.T) {
	small := "data: 1\n\n"                             // 9 bytes
	big := "data: " + strings.Repeat("x", 20) + "\n\n" // 28 bytes
	tests := []struct {
		name    string
		stream  string
		max     int
		events  int
		wantErr bool
	}{
		{"fits", small + big, 28, 2, false},
		{"too large complete", small + big + small, 27, 1, true},
		{"too large unfinished", small + "data: " + strings.Repeat("x", 40), 27, 1, true},
		{"unfinished within limit", small + "data: xx", 27, 2, false},
		{"crlf one byte over", "data: 12\r\r\n", 10, 0, true},
		{"cr at the limit", "data: 12\r\r", 10, 1, false},
		{"default limit", "data: " + strings.Repeat("x", DefaultMaxEventSize) + "\n\n", 0, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, sizes := range [][]int{{len(tt.stream)}, {1}, {5}, {13}} {
				got, err := feedAll([]byte(tt.stream), sizes, tt.max)
				if tt.wantErr != errors.Is(err, ErrEventTooLarge) || len(got) != tt.events {
					t.Fatalf("chunks %v: %d events, err %v; want %d events, error %v", sizes, len(got), err, tt.events, tt.wantErr)
				}
			}
		})
	}
}

func TestParserStaysFailed(t *testing.T) {
	p := Parser{MaxEventSize: 9}
	emit := func(Event) { t.Fatal("emitted after the error") }
	if err := p.Feed([]byte("data: 123456789"), emit); !errors.Is(err, ErrEventTooLarge) {
		t.Fatalf("Feed = %v", err)
	}
	if err := p.Feed([]byte("\n\n"), emit); !errors.Is(err, ErrEventTooLarge) {
		t.Fatalf("second Feed = %v", err)
	}
	if p.Pending() != 0 {
		t.Fatalf("kept %d bytes of the oversized event", p.Pending())
	}
	if _, ok := p.Flush(); ok {
		t.Fatal("Flush after an error returned an event")
	}
	var got []Event
	if err := p.Feed([]byte("data: 1\n\n"), func(ev Event) { got = append(got, ev) }); err != nil || len(got) != 1 {
		t.Fatalf("after Flush: %v, %d events", err, len(got))
	}
	// Failing on an event that ends in the chunk drops its pending start too.
	if err := p.Feed([]byte("data: 12"), emit); err != nil {
		t.Fatal(err)
	}
	if err := p.Feed([]byte("3456\n\n"), emit); !errors.Is(err, ErrEventTooLarge) || p.Pending() != 0 {
		t.Fatalf("Feed = %v, %d pending", err, p.Pending())
	}
}

// After a failure nothing is lost: the events emitted, then Unparsed, then the chunks after
// the failing one, give back the stream byte for byte, however it was cut.
func TestParserUnparsedLosesNothing(t *testing.T) {
	stream := "data: 1\n\n" + "data: " + strings.Repeat("x", 40) + "\n\n" + "data: 2\n\n"
	for _, size := range []int{1, 3, 7, 13, len(stream)} {
		p := Parser{MaxEventSize: 27}
		var out []byte
		failed := false
		for i := 0; i < len(stream); i += size {
			chunk := []byte(stream[i:min(i+size, len(stream))])
			if failed {
				out = append(out, chunk...)
				continue
			}
			if err := p.Feed(chunk, func(ev Event) { out = append(out, ev.Raw...) }); err != nil {
				failed = true
				out = append(out, p.Unparsed()...)
			}
		}
		if !failed || string(out) != stream {
			t.Fatalf("chunks of %d: failed %v, got back %q", size, failed, out)
		}
	}
}

func TestParserLongRunsOfLines(t *testing.T) {
	// Many short lines of one kind in one event must not make parsing quadratic: these
	// finish instantly, and would take minutes if every line rescanned the rest.
	for _, sep := range []string{"\r", "\n"} {
		stream := strings.Repeat("data"+sep, 200_000) + sep
		got, err := feedAll([]byte(stream), []int{len(stream)}, 2<<20)
		if err != nil || len(got) != 1 || len(got[0].Data) != 200_000-1 {
			t.Fatalf("sep %q: err %v, %d events", sep, err, len(got))
		}
	}
}
