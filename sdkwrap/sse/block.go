package sse

import "bytes"

// parseBlock reads the fields of one block: its lines up to the first blank line, or all of
// them when the stream ended without one.
func (p *Parser) parseBlock(block []byte) Event {
	var ev Event
	// The first data value and comment are kept as slices of block; only a second line makes
	// the parser join them, in dataBuf (reused) or commentBuf (comments are rare).
	var data, comment, commentBuf []byte
	dataLines, commentLines := 0, 0
	lines := lineSplitter{b: block, nextLF: -1, nextCR: -1}
	for {
		line, ok := lines.next()
		if !ok || len(line) == 0 {
			break
		}
		if line[0] == ':' {
			commentLines++
			switch commentLines {
			case 1:
				comment = line[1:]
			case 2:
				commentBuf = append(append(append(commentBuf, comment...), '\n'), line[1:]...)
			default:
				commentBuf = append(append(commentBuf, '\n'), line[1:]...)
			}
			continue
		}
		name, value := line, line[len(line):]
		if c := bytes.IndexByte(line, ':'); c >= 0 {
			name, value = line[:c], line[c+1:]
			if len(value) > 0 && value[0] == ' ' {
				value = value[1:]
			}
		}
		switch string(name) {
		case "data":
			dataLines++
			ev.HasData = true
			switch dataLines {
			case 1:
				data = value
			case 2:
				p.dataBuf = append(append(append(p.dataBuf[:0], data...), '\n'), value...)
			default:
				p.dataBuf = append(append(p.dataBuf, '\n'), value...)
			}
		case "event":
			if string(value) != p.lastEvent {
				p.lastEvent = string(value)
			}
			ev.Event = p.lastEvent
		case "id":
			if bytes.IndexByte(value, 0) < 0 {
				ev.ID = string(value)
				ev.HasID = true
			}
		case "retry":
			if ms, ok := parseRetry(value); ok {
				ev.Retry = ms
				ev.HasRetry = true
			}
		}
		// Other field names are ignored, as the standard says.
	}
	if dataLines > 1 {
		ev.Data = string(p.dataBuf)
	} else {
		ev.Data = string(data)
	}
	if commentLines > 1 {
		ev.Comment = string(commentBuf)
	} else {
		ev.Comment = string(comment)
	}
	return ev
}

// parseRetry accepts only ASCII digits, as the standard says; a value too large for an int is
// ignored as well.
func parseRetry(v []byte) (int, bool) {
	if len(v) == 0 {
		return 0, false
	}
	const maxInt = int(^uint(0) >> 1)
	n := 0
	for _, c := range v {
		if c < '0' || c > '9' {
			return 0, false
		}
		d := int(c - '0')
		if n > (maxInt-d)/10 {
			return 0, false
		}
		n = n*10 + d
	}
	return n, true
}

// lineSplitter cuts a block into lines ended by CRLF, LF or CR. It remembers where the next CR
// and LF are, so a long run of lines ended one way never rescans the bytes ahead.
type lineSplitter struct {
	b              []byte
	pos            int
	nextLF, nextCR int
}

// next returns the next line without its line break; the last line may have none.
func (s *lineSplitter) next() ([]byte, bool) {
	if s.pos >= len(s.b) {
		return nil, false
	}
	if s.nextLF < s.pos {
		s.nextLF = indexFrom(s.b, s.pos, '\n')
	}
	if s.nextCR < s.pos {
		s.nextCR = indexFrom(s.b, s.pos, '\r')
	}
	end := min(s.nextLF, s.nextCR)
	line := s.b[s.pos:end]
	s.pos = end + 1
	if end == s.nextCR && s.pos < len(s.b) && s.b[s.pos] == '\n' {
		s.pos++
	}
	return line, true
}
