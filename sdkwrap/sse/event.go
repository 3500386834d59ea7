package sse

// Event is one block of an event stream: the lines up to and including the blank line that ends
// it.
type Event struct {
	// Event is the value of the last "event" field, "" if there was none. A browser dispatches
	// "" as "message".
	Event string
	// Data is the value of every "data" field, joined with "\n".
	Data string
	// HasData reports whether the block had a "data" field at all, so "data:" (empty data) is
	// told apart from no data. A browser dispatches only blocks with data.
	HasData bool
	// ID is the value of the last valid "id" field; an id containing NUL is ignored, as the
	// standard says.
	ID string
	// HasID reports whether the block had a valid "id" field; "id:" (empty) resets a client's
	// last event ID, which is not the same as no id.
	HasID bool
	// Retry is the reconnection time in milliseconds of the last valid "retry" field (only ASCII
	// digits); meaningful only if HasRetry.
	Retry int
	// HasRetry reports whether the block had a valid "retry" field. A separate flag keeps the
	// zero Event free of a "retry: 0" line when written.
	HasRetry bool
	// Comment is the text after the ':' of every comment line, verbatim (the space of ": ping"
	// is kept), joined with "\n". A comment-only block such as ": ping" has HasData false and
	// can be forwarded unchanged through Raw.
	Comment string
	// Raw is the block exactly as received, up to and including its blank line (a leading BOM
	// belongs to the first block). The Parser allocates it for each event and never touches it
	// again: the receiver may keep it.
	Raw []byte
}
