package llm

import "github.com/aiwasm/aiwasm/sdkwrap/sse"

// StreamTranslator translates a streamed response one upstream event at a time, keeping only
// the little state the output needs (ids, which blocks are tool calls, usage): it never holds
// the stream.
type StreamTranslator interface {
	// Event translates the next upstream event, appending zero or more output events to dst.
	// Events without data (comments, keep-alives) and event types the output has no use for
	// produce nothing. An event whose data is not the JSON it should be gives an
	// *UpstreamError, for the plugin to log; the returned slice is still the output (whatever
	// could be translated before the fault, usually nothing) and the translator stays usable
	// for the events that follow.
	Event(dst []byte, ev sse.Event) ([]byte, error)
	// End appends what closes the output stream if the upstream did not (and is a no-op after
	// a proper end): OpenAI "data: [DONE]", Anthropic message_delta+message_stop. Call it once
	// the upstream body is complete, whether or not it ended properly.
	End(dst []byte) []byte
}

// eventType is the type of an event: the JSON "type" of its data, else its SSE event name.
func eventType(ev sse.Event, t string) string {
	if t != "" {
		return t
	}
	return ev.Event
}
