package sse

import (
	"bytes"
	"fmt"
	"strings"
)

// feedAll feeds stream to a fresh Parser in the given chunk sizes (cycling; sizes may be 0 but
// not all of them), then flushes, and returns every event and the first error.
func feedAll(stream []byte, sizes []int, maxSize int) ([]Event, error) {
	p := Parser{MaxEventSize: maxSize}
	var events []Event
	emit := func(ev Event) { events = append(events, ev) }
	for i, k := 0, 0; i < len(stream); k++ {
		n := min(sizes[k%len(sizes)], len(stream)-i)
		if err := p.Feed(stream[i:i+n], emit); err != nil {
			return events, err
		}
		i += n
	}
	if ev, ok := p.Flush(); ok {
		events = append(events, ev)
	}
	return events, nil
}

// eventFields is an Event without Raw, comparable with ==.
type eventFields struct {
	Event, Data, ID, Comment string
	HasData, HasID, HasRetry bool
	Retry                    int
}

func fields(ev Event) eventFields {
	return eventFields{ev.Event, ev.Data, ev.ID, ev.Comment, ev.HasData, ev.HasID, ev.HasRetry, ev.Retry}
}

func describe(events []Event) string {
	var b strings.Builder
	for _, ev := range events {
		fmt.Fprintf(&b, "%+v raw=%q\n", fields(ev), ev.Raw)
	}
	return b.String()
}

func sameEvents(a, b []Event) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if fields(a[i]) != fields(b[i]) || !bytes.Equal(a[i].Raw, b[i].Raw) {
			return false
		}
	}
	return true
}
