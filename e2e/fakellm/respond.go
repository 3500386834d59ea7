package fakellm

import (
	"net/http"
	"strconv"
)

// sendJSON answers a non-stream request with v, applying the faults that concern a
// whole body: stall, malformed, cut.
func (c *call) sendJSON(v any) {
	c.sendBody("application/json", mustJSON(v))
}

// sendBody is sendJSON for a body already encoded, of any content type.
func (c *call) sendBody(contentType string, body []byte) {
	if c.fault.Stall {
		c.hang()
	}
	c.w.Header().Set("Content-Type", contentType)
	if c.fault.CutAfter > 0 && !c.fault.Malformed {
		// Promise the whole body, send half, drop the connection: the client sees an
		// unexpected EOF rather than a short but complete answer.
		c.w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		c.w.WriteHeader(http.StatusOK)
		c.w.Write(body[:len(body)/2])
		flush(c.w)
		panic(http.ErrAbortHandler)
	}
	if c.fault.Malformed {
		body = body[:len(body)/2] // a complete response whose content is cut short
	}
	c.w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	c.w.WriteHeader(http.StatusOK)
	c.w.Write(body)
}

// sendStream answers a stream request with events, flushing after each one and
// applying the stream faults: token delay, stall, malformed, cut.
func (c *call) sendStream(fr framing, events []event) {
	f := c.fault
	totalTokens := 0
	for _, e := range events {
		if e.token {
			totalTokens++
		}
	}
	// A reply shorter than CutAfter is cut after its last token, before the closing
	// events, so the fault always yields a broken stream.
	cutAt := min(f.CutAfter, totalTokens)

	fr.start(c.w)
	flush(c.w)
	sentTokens := 0
	for i, e := range events {
		if i > 0 {
			c.pause(f.TokenDelay)
		}
		if e.token && f.Malformed && sentTokens == 0 {
			e.data = e.data[:len(e.data)/2]
		}
		fr.event(c.w, i, e)
		flush(c.w)
		if !e.token {
			continue
		}
		sentTokens++
		if f.Stall && sentTokens == 1 {
			c.hang()
		}
		if sentTokens == cutAt {
			panic(http.ErrAbortHandler)
		}
	}
	fr.end(c.w)
	flush(c.w)
}
