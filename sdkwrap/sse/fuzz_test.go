package sse

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// FuzzParser feeds a stream whole and cut where cuts says, and checks that the cuts change
// nothing, that Raw gives back the input, and that events survive writing and re-parsing.
// limit, when not 0, is a MaxEventSize small enough to be hit.
func FuzzParser(f *testing.F) {
	f.Add([]byte("data: hello\r\n\r\n"), []byte{11}, uint16(0))
	f.Add([]byte(bom+": ping\n\nevent: a\ndata: 1\ndata:\ndata\rid: 2\nretry: 5\n\r"), []byte{0, 1, 2, 3}, uint16(0))
	f.Add([]byte("data: a\r\r\ndata: b\r"), []byte{9}, uint16(12))
	f.Fuzz(func(t *testing.T, stream, cuts []byte, limit uint16) {
		whole, wholeErr := feedAll(stream, []int{len(stream) + 1}, int(limit))

		// Each byte of cuts is the size of the next chunk, cycling; 0 feeds an empty chunk. A
		// cycle that feeds nothing gets a 1 so the stream advances.
		sizes := make([]int, 0, len(cuts)+1)
		total := 0
		for _, c := range cuts {
			sizes = append(sizes, int(c))
			total += int(c)
		}
		if total == 0 {
			sizes = append(sizes, 1)
		}
		p := Parser{MaxEventSize: int(limit)}
		var split []Event
		consumed := 0 // bytes of stream covered by the Raw of events so far
		emit := func(ev Event) {
			if !bytes.HasPrefix(stream[consumed:], ev.Raw) {
				t.Fatalf("Raw %q is not the next %d bytes of the stream %q", ev.Raw, len(ev.Raw), stream[consumed:])
			}
			consumed += len(ev.Raw)
			split = append(split, ev)
		}
		var splitErr error
		fed := 0
		for k := 0; fed < len(stream); k++ {
			n := min(sizes[k%len(sizes)], len(stream)-fed)
			if splitErr = p.Feed(stream[fed:fed+n], emit); splitErr != nil {
				break
			}
			fed += n
			if p.Pending() != fed-consumed {
				t.Fatalf("after %d bytes, Pending() = %d, want %d", fed, p.Pending(), fed-consumed)
			}
		}
		if splitErr == nil && !bytes.Equal(p.pending, stream[consumed:]) {
			t.Fatalf("pending %q, want the rest of the stream %q", p.pending, stream[consumed:])
		}
		if ev, ok := p.Flush(); ok {
			emit(ev)
		}
		if (wholeErr == nil) != (splitErr == nil) {
			t.Fatalf("whole: %v, cut: %v", wholeErr, splitErr)
		}
		if wholeErr != nil && !errors.Is(wholeErr, ErrEventTooLarge) {
			t.Fatalf("unexpected error %v", wholeErr)
		}
		if !sameEvents(whole, split) {
			t.Fatalf("cuts %v changed the events:\nwhole\n%scut\n%s", sizes, describe(whole), describe(split))
		}
		if wholeErr == nil && consumed != len(stream) {
			t.Fatalf("the Raw of all events covers %d bytes of %d", consumed, len(stream))
		}

		for i, ev := range split {
			if limit != 0 && len(ev.Raw) > int(limit) {
				t.Fatalf("event of %d bytes passed a limit of %d", len(ev.Raw), limit)
			}
			// Each Raw is an event on its own (a BOM only counts at the start of a stream).
			if i == 0 || !bytes.HasPrefix(ev.Raw, []byte(bom)) {
				again, err := feedAll(ev.Raw, []int{len(ev.Raw)}, 0)
				if err != nil || len(again) != 1 || fields(again[0]) != fields(ev) {
					t.Fatalf("Raw %q alone parsed to %s (%v), want %+v", ev.Raw, describe(again), err, fields(ev))
				}
			}
			// A parsed event has nothing the writer must normalise.
			written := AppendEvent(nil, ev)
			again, err := feedAll(written, []int{len(written)}, 0)
			if err != nil || len(again) != 1 || fields(again[0]) != fields(ev) {
				t.Fatalf("written as %q, parsed to %s (%v), want %+v", written, describe(again), err, fields(ev))
			}
		}
	})
}

// FuzzRoundTrip writes an event and parses it back: the fields must survive, as normalised by
// AppendEvent.
func FuzzRoundTrip(f *testing.F) {
	f.Add("message_start", "7", "{\"a\":1}", "", 1500, uint8(7))
	f.Add("", "", "a\r\nb\rc\n", " ping", -1, uint8(4))
	f.Add("a\nb", "x\x00y", "", "\r\n", 0, uint8(3))
	f.Fuzz(func(t *testing.T, event, id, data, comment string, retry int, flags uint8) {
		ev := Event{
			Event: event, ID: id, Data: data, Comment: comment, Retry: retry,
			HasID: flags&1 != 0, HasRetry: flags&2 != 0, HasData: flags&4 != 0,
		}
		written := AppendEvent(nil, ev)
		got, err := feedAll(written, []int{len(written)}, len(written))
		if err != nil || len(got) != 1 {
			t.Fatalf("%q parsed to %s (%v), want one event", written, describe(got), err)
		}
		if !bytes.Equal(got[0].Raw, written) {
			t.Fatalf("Raw = %q, want %q", got[0].Raw, written)
		}
		want := Event{
			Event:    strings.NewReplacer("\r", "", "\n", "").Replace(event),
			Data:     normaliseBreaks(data),
			HasData:  ev.HasData || data != "",
			Comment:  normaliseBreaks(comment),
			HasRetry: ev.HasRetry && retry >= 0,
			HasID:    ev.HasID,
		}
		if want.HasRetry {
			want.Retry = retry
		}
		if want.HasID {
			want.ID = strings.NewReplacer("\r", "", "\n", "", "\x00", "").Replace(id)
		}
		if fields(got[0]) != fields(want) {
			t.Fatalf("%q parsed to %+v, want %+v", written, fields(got[0]), fields(want))
		}
	})
}

func normaliseBreaks(s string) string {
	return strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(s)
}
