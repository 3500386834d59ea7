package sse

import (
	"bytes"
	"errors"
)

// DefaultMaxEventSize bounds one event when Parser.MaxEventSize is 0. Text deltas are a few
// hundred bytes, but an event carrying a generated image inline (base64) can be larger: a
// plugin that may see those should set a higher MaxEventSize.
const DefaultMaxEventSize = 1 << 20

// ErrEventTooLarge is returned by Feed once an event grows past the Parser's MaxEventSize
// without ending. The Parser then stays failed: a plugin should forward Unparsed (the bytes
// it held and the rest of that chunk) and the rest of the body as it is.
var ErrEventTooLarge = errors.New("sse: event larger than the maximum event size")

// Parser splits an event stream fed in arbitrary chunks into Events. The zero value is ready to
// use; a Parser reads one stream at a time and is not safe for concurrent use.
type Parser struct {
	// MaxEventSize bounds the bytes of one event (its Raw); 0 means DefaultMaxEventSize. The
	// limit applies whether or not the event spans chunks, so the outcome never depends on
	// how the body was cut.
	MaxEventSize int

	// pending holds the bytes of the event in progress; the scanning state below describes
	// its end.
	pending []byte
	// lineHasContent: the current line has at least one byte, so a line break ends the line
	// rather than the event.
	lineHasContent bool
	// afterCR: the last byte was a CR ending a line, and an LF right after it is part of the
	// same line break.
	afterCR bool
	// heldCR: pending ends with a blank line ended by CR. The event is complete but its Raw
	// must also take the LF of a CRLF, which only the next byte can tell.
	heldCR bool
	// bomChecked: the start of the stream has been checked for a BOM; bomLen counts the BOM
	// bytes matched so far, 3 once a whole BOM was found (the first block then skips it).
	bomChecked bool
	bomLen     int

	err error
	// unparsed is what a failed Feed did not emit: the held bytes and the rest of its chunk.
	unparsed []byte
	// dataBuf joins multi-line data without allocating per event.
	dataBuf []byte
	// lastEvent is the previous event name: streams repeat a few names, and reusing the
	// string saves an allocation per event.
	lastEvent string
}

// Feed parses the next chunk of the stream, calling emit for each event it completes, in
// order. Events are emitted only once their blank line was seen (for a blank line ending in
// CR, once the next byte shows whether an LF follows). Feed keeps the unfinished tail, copying
// it, so the caller may reuse chunk. It returns ErrEventTooLarge, after emitting the events
// before the oversized one, and then on every later call.
func (p *Parser) Feed(chunk []byte, emit func(Event)) error {
	if p.err != nil {
		return p.err
	}
	i := 0
	if p.heldCR && len(chunk) > 0 {
		p.heldCR = false
		if chunk[0] == '\n' {
			i = 1
		}
		if !p.complete(chunk[:i], emit) {
			return p.fail(chunk)
		}
	}
	start := i // first byte of the current event that is in chunk (a BOM belongs to it)
	if !p.bomChecked {
		i = p.skipBOM(chunk, i)
	}
	// nextLF and nextCR cache where the next line breaks are, so a run of lines of one kind
	// never rescans bytes already searched.
	nextLF, nextCR := -1, -1
	for i < len(chunk) {
		c := chunk[i]
		switch {
		case c != '\n' && c != '\r':
			p.lineHasContent = true
			p.afterCR = false
			if nextLF < i {
				nextLF = indexFrom(chunk, i, '\n')
			}
			if nextCR < i {
				nextCR = indexFrom(chunk, i, '\r')
			}
			i = min(nextLF, nextCR)
		case c == '\n' && p.afterCR:
			p.afterCR = false
			i++
		case p.lineHasContent:
			p.lineHasContent = false
			p.afterCR = c == '\r'
			i++
		default: // a blank line: the event ends with it
			end := i + 1
			if c == '\r' {
				if end == len(chunk) {
					p.heldCR = true
					i = end
					continue
				}
				if chunk[end] == '\n' {
					end++
				}
			}
			if !p.complete(chunk[start:end], emit) {
				return p.fail(chunk[start:])
			}
			start, i = end, end
		}
	}
	rest := chunk[start:]
	if len(p.pending)+len(rest) > p.maxEventSize() {
		return p.fail(rest)
	}
	p.pending = append(p.pending, rest...)
	return nil
}

// Flush ends the stream: it returns the bytes still pending as a final event, if there are
// any, and resets the Parser for a new stream (also after an error, whose pending bytes it
// drops). An event the stream ended without a blank line is returned with what it has; a
// browser would drop it, but providers do end streams that way.
func (p *Parser) Flush() (Event, bool) {
	var ev Event
	ok := p.err == nil && len(p.pending) > 0
	if ok {
		ev = p.event(p.pending)
	}
	*p = Parser{MaxEventSize: p.MaxEventSize, pending: p.pending[:0], dataBuf: p.dataBuf[:0], unparsed: p.unparsed[:0]}
	return ev, ok
}

// Pending returns how many bytes of an unfinished event the Parser holds.
func (p *Parser) Pending() int { return len(p.pending) }

// complete emits the current event, made of the pending bytes followed by tail; false when
// that event is too large.
func (p *Parser) complete(tail []byte, emit func(Event)) bool {
	if len(p.pending)+len(tail) > p.maxEventSize() {
		return false
	}
	raw := tail
	if len(p.pending) > 0 {
		p.pending = append(p.pending, tail...)
		raw = p.pending
	}
	ev := p.event(raw)
	p.pending = p.pending[:0]
	p.lineHasContent = false
	p.afterCR = false
	emit(ev)
	return true
}

// fail stops the Parser on an oversized event. Nothing is lost: the bytes it held and the
// chunk's rest wait in Unparsed.
func (p *Parser) fail(rest []byte) error {
	p.err = ErrEventTooLarge
	p.unparsed = append(append(p.unparsed[:0], p.pending...), rest...)
	p.pending = p.pending[:0]
	return p.err
}

// Unparsed returns, after Feed failed, the bytes it did not emit as events: those held from
// earlier chunks and the rest of the failing chunk, for the caller to forward as they are.
// Later Feeds add nothing to it.
func (p *Parser) Unparsed() []byte { return p.unparsed }

// event parses one block and gives it a Raw of its own.
func (p *Parser) event(raw []byte) Event {
	block := raw
	if p.bomLen == len(utf8BOM) {
		block = block[len(utf8BOM):]
		p.bomLen = 0
	}
	ev := p.parseBlock(block)
	ev.Raw = append(make([]byte, 0, len(raw)), raw...)
	return ev
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// skipBOM advances i over the bytes of a BOM at the very start of the stream, which may arrive
// split across chunks. The BOM bytes stay in the first event's Raw but are not line content.
func (p *Parser) skipBOM(chunk []byte, i int) int {
	for i < len(chunk) && p.bomLen < len(utf8BOM) {
		if chunk[i] != utf8BOM[p.bomLen] {
			// Not a BOM after all: the bytes matched so far are ordinary content.
			if p.bomLen > 0 {
				p.lineHasContent = true
				p.bomLen = 0
			}
			p.bomChecked = true
			return i
		}
		p.bomLen++
		i++
	}
	if p.bomLen == len(utf8BOM) {
		p.bomChecked = true
	}
	return i
}

func (p *Parser) maxEventSize() int {
	if p.MaxEventSize > 0 {
		return p.MaxEventSize
	}
	return DefaultMaxEventSize
}

// indexFrom returns the index of the first c in b at or after i, or len(b) if there is none.
func indexFrom(b []byte, i int, c byte) int {
	if k := bytes.IndexByte(b[i:], c); k >= 0 {
		return i + k
	}
	return len(b)
}
