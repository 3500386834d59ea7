package usage

import (
	"strings"

	"github.com/aiwasm/aiwasm/sdkwrap/jsonguard"
	"github.com/aiwasm/aiwasm/sdkwrap/sse"
	"github.com/tidwall/gjson"
)

// StreamMeter collects the usage a provider reports in a streamed response, one event at a
// time; its Observe method fits sse.Parser.Feed:
//
//	meter := usage.NewStreamMeter(usage.OpenAI)
//	err := parser.Feed(chunk, meter.Observe)
//
// Per format:
//   - OpenAI: the usage object of any chunk where it is not null; the last one wins. With
//     include_usage that is the chunk before [DONE]; APIs that report usage in every chunk
//     report it cumulatively.
//   - Anthropic: message_start's message.usage, then the usage of every message_delta, whose
//     counts are cumulative: each counter reported later replaces the earlier value.
//   - Gemini: the usageMetadata of each chunk; the last one wins.
//
// Events without data, [DONE], events of other types and events without usage are skipped;
// events that mention usage but are not valid JSON are skipped and counted by Malformed
// (except OpenAI chunks whose usage is null, which are not validated).
type StreamMeter struct {
	format    Format
	usage     Usage
	seen      bool
	anthropic anthropicCounts
	malformed int
}

// NewStreamMeter returns a StreamMeter for one response stream in format f.
func NewStreamMeter(f Format) *StreamMeter {
	return &StreamMeter{format: f}
}

// Observe takes the next event of the stream.
func (m *StreamMeter) Observe(ev sse.Event) {
	data := ev.Data
	// Most events carry no usage; the key's name in the raw text rules them out before any
	// JSON is read. ("usageMetadata" starts with it too.)
	if !ev.HasData || !strings.Contains(data, `"usage`) {
		return
	}
	// With include_usage every OpenAI chunk but one says "usage":null. Such a chunk has
	// nothing to read. Told from the text when "usage" occurs once, as providers write it:
	// in a Wasm guest, gjson finding the key costs ~25 µs per chunk (most of a stream's
	// cost), the text search well under one.
	if m.format == OpenAI {
		if nullUsageText(data) || isNull(gjson.Get(data, "usage")) {
			return
		}
	}
	if !jsonguard.Valid(data) {
		m.malformed++
		return
	}
	switch m.format {
	case OpenAI:
		m.replace(openAIUsage(gjson.Get(data, "usage")))
	case Anthropic:
		m.observeAnthropic(ev.Event, data)
	case Gemini:
		m.replace(geminiDocument(gjson.Parse(data)))
	}
}

// observeAnthropic reads the two event types that carry usage. The JSON "type" names the
// event; the SSE event name stands in if it is missing.
func (m *StreamMeter) observeAnthropic(name, data string) {
	if t := gjson.Get(data, "type"); t.Type == gjson.String {
		name = t.Str
	}
	switch name {
	case "message_start":
		m.anthropic.merge(gjson.Get(data, "message.usage"))
	case "message_delta":
		m.anthropic.merge(gjson.Get(data, "usage"))
	default:
		return
	}
	m.replace(m.anthropic.usage())
}

// nullUsageText reports a chunk whose only "usage" is `"usage":null` (no space, the form
// OpenAI and the compatible servers write). A chunk in another form is read with gjson.
func nullUsageText(data string) bool {
	i := strings.Index(data, `"usage":null`)
	return i >= 0 && !strings.Contains(data[i+len(`"usage":null`):], `"usage`) && !strings.Contains(data[:i], `"usage`)
}

// isNull reports an explicit JSON null, as opposed to a missing value.
func isNull(r gjson.Result) bool {
	return r.Type == gjson.Null && r.Raw == "null"
}

func (m *StreamMeter) replace(u Usage, ok bool) {
	if ok {
		m.usage, m.seen = u, true
	}
}

// Usage returns the usage seen so far, and whether any was. For a stream cut short it is what
// the provider had reported by then: for Anthropic, the input tokens and the output counted up
// to the last message_delta.
func (m *StreamMeter) Usage() (Usage, bool) {
	return m.usage, m.seen
}

// Malformed returns how many events mentioned usage but were not valid JSON: usage that may
// have been lost. It is for logging and metrics; the events are otherwise ignored.
func (m *StreamMeter) Malformed() int {
	return m.malformed
}
