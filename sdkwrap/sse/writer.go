package sse

import (
	"strconv"
	"strings"
)

// AppendEvent appends ev in event-stream format to dst: its comment lines, then "event:",
// "id:", "retry:" and one "data:" line per line of Data, each ended by "\n", then the blank
// line. Raw is not used: to forward an event unchanged, write its Raw instead.
//
// What the format cannot carry is normalised so that parsing the result gives back ev:
// any line break in Data or Comment (CRLF, LF or CR) becomes a line of its own and comes back
// as "\n"; CR and LF are dropped from Event and ID, and NUL from ID (a client would ignore
// the id). Retry is written only if HasRetry and it is not negative; data lines only if
// HasData or Data is not empty.
func AppendEvent(dst []byte, ev Event) []byte {
	if ev.Comment != "" {
		dst = appendLines(dst, "", ev.Comment)
	}
	if ev.Event != "" {
		dst = appendField(dst, "event", ev.Event, "\r\n")
	}
	if ev.HasID {
		dst = appendField(dst, "id", ev.ID, "\r\n\x00")
	}
	if ev.HasRetry && ev.Retry >= 0 {
		dst = append(dst, "retry: "...)
		dst = strconv.AppendInt(dst, int64(ev.Retry), 10)
		dst = append(dst, '\n')
	}
	if ev.HasData || ev.Data != "" {
		dst = appendLines(dst, "data", ev.Data)
	}
	return append(dst, '\n')
}

// appendField writes one "name: value" line, leaving out the bytes of value listed in drop.
func appendField(dst []byte, name, value, drop string) []byte {
	dst = append(dst, name...)
	dst = append(dst, ':')
	if value != "" {
		dst = append(dst, ' ')
	}
	for value != "" {
		i := strings.IndexAny(value, drop)
		if i < 0 {
			dst = append(dst, value...)
			break
		}
		dst = append(dst, value[:i]...)
		value = value[i+1:]
	}
	return append(dst, '\n')
}

// appendLines writes one "name: line" per line of value (a comment when name is ""). A
// comment keeps its text verbatim after the ':'; a field gets the single space the parser
// strips.
func appendLines(dst []byte, name, value string) []byte {
	for {
		line, rest, more := cutLine(value)
		dst = append(dst, name...)
		dst = append(dst, ':')
		if name != "" && line != "" {
			dst = append(dst, ' ')
		}
		dst = append(dst, line...)
		dst = append(dst, '\n')
		if !more {
			return dst
		}
		value = rest
	}
}

// cutLine splits s at its first line break (CRLF, LF or CR).
func cutLine(s string) (line, rest string, found bool) {
	i := strings.IndexAny(s, "\r\n")
	if i < 0 {
		return s, "", false
	}
	if s[i] == '\r' && i+1 < len(s) && s[i+1] == '\n' {
		return s[:i], s[i+2:], true
	}
	return s[:i], s[i+1:], true
}
