// Package sse reads and writes Server-Sent Events (the text/event-stream format of the WHATWG
// HTML standard) as LLM providers stream them.
//
// A proxy-wasm plugin sees a response body as chunks that do not line up with events, so the
// Parser is incremental: Feed it every chunk, it calls back once per complete event and keeps
// the unfinished tail, and Flush returns that tail at the end of the body.
//
// The Parser is built for a proxy, not a browser, and differs from the EventSource processing
// model on purpose:
//   - It reports every block ended by a blank line, including blocks a browser would not
//     dispatch (comment-only keep-alives, blocks without data, stray blank lines). Event.HasData
//     tells which blocks a browser would dispatch.
//   - Every Event carries Raw, its exact bytes. Concatenating the Raw of every event in order
//     gives back the input, so a plugin can forward untouched events byte for byte and a cache
//     can store them.
//   - Fields are reported per block: the last-event-ID and retry values are not carried from one
//     event to the next.
//   - Bytes are not UTF-8 decoded; invalid sequences pass through unchanged. Only a leading
//     UTF-8 BOM is skipped, as the standard says.
//   - Flush reports an event the stream ended without its blank line, which a browser would
//     drop: providers do end streams that way.
//
// AppendEvent writes an Event back in the same format.
package sse
