package sse

import "testing"

func TestAppendEvent(t *testing.T) {
	tests := []struct {
		name string
		ev   Event
		want string
	}{
		{"zero event", Event{}, "\n"},
		{"data", Event{Data: "hello", HasData: true}, "data: hello\n\n"},
		{"data without HasData", Event{Data: "hello"}, "data: hello\n\n"},
		{"empty data", Event{HasData: true}, "data:\n\n"},
		{"multi-line data", Event{Data: "a\nb\r\nc\rd"}, "data: a\ndata: b\ndata: c\ndata: d\n\n"},
		{"trailing line break", Event{Data: "a\n"}, "data: a\ndata:\n\n"},
		{"leading space kept", Event{Data: " a"}, "data:  a\n\n"},
		{"all fields", Event{Event: "message_start", ID: "7", HasID: true, Retry: 1500, HasRetry: true, Data: "{}", HasData: true},
			"event: message_start\nid: 7\nretry: 1500\ndata: {}\n\n"},
		{"empty id", Event{HasID: true}, "id:\n\n"},
		{"id without HasID", Event{ID: "7"}, "\n"},
		{"retry zero", Event{HasRetry: true}, "retry: 0\n\n"},
		{"negative retry dropped", Event{Retry: -1, HasRetry: true}, "\n"},
		{"comment", Event{Comment: " ping"}, ": ping\n\n"},
		{"multi-line comment", Event{Comment: "a\r\nb"}, ":a\n:b\n\n"},
		{"line breaks dropped from event and id", Event{Event: "a\r\nb", ID: "1\n2\x003", HasID: true}, "event: ab\nid: 123\n\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := AppendEvent([]byte("prefix"), tt.ev)
			if string(got) != "prefix"+tt.want {
				t.Fatalf("AppendEvent = %q, want %q", got, "prefix"+tt.want)
			}
		})
	}
}

// TestAppendEventRaw: an event parsed from a canonical stream is written back to its Raw.
func TestAppendEventRaw(t *testing.T) {
	for _, stream := range []string{
		": ping\n\n",
		"data: {\"choices\":[]}\n\n",
		"event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
		"id: 3\nretry: 10\ndata: a\ndata:\ndata: b\n\n",
	} {
		events, err := feedAll([]byte(stream), []int{len(stream)}, 0)
		if err != nil || len(events) != 1 {
			t.Fatalf("%q: %v, %d events", stream, err, len(events))
		}
		if got := AppendEvent(nil, events[0]); string(got) != stream {
			t.Fatalf("AppendEvent(parse(%q)) = %q", stream, got)
		}
	}
}
