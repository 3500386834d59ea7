package main

import (
	"bytes"

	"github.com/aiwasm/aiwasm/sdkwrap/usage"
)

// answerUsage is the usage a whole JSON answer in format f reports. usage.FromBody validates
// the whole body first, which costs a Go wasm guest ~30 µs for a 4 KB answer; OpenAI-style
// answers carry their usage object last, so it is looked for from the end and only that
// object is read (with usage.FromBody, so the counting rules stay sdkwrap/usage's). When the
// tail is not what OpenAI writes, the whole body is read after all.
func answerUsage(f usage.Format, body []byte) (usage.Usage, bool) {
	if f == usage.OpenAI {
		if u, ok, sure := openAIUsageFromTail(body); sure {
			return u, ok
		}
	}
	return usage.FromBody(f, body)
}

// openAIUsageFromTail reads the last top-level-looking "usage" member of an answer: the key
// right after '{' or ',' and before ':', its value an object whose prompt_tokens,
// completion_tokens and total_tokens are plain integers (or absent), or null. sure is false
// for anything else (exponents, fractions, huge numbers, another shape), which
// usage.FromBody then reads by its own rules.
func openAIUsageFromTail(body []byte) (u usage.Usage, ok, sure bool) {
	i := bytes.LastIndex(body, []byte(`"usage"`))
	if i < 0 {
		return u, false, true
	}
	j := i - 1
	for j >= 0 && (body[j] == ' ' || body[j] == '\n' || body[j] == '\r' || body[j] == '\t') {
		j--
	}
	if j < 0 || (body[j] != ',' && body[j] != '{') {
		return u, false, false
	}
	s := scanner{b: body}
	k := s.ws(i + len(`"usage"`))
	if k >= len(body) || body[k] != ':' {
		return u, false, false
	}
	k = s.ws(k + 1)
	if s.literal(k, "null") > 0 {
		return u, false, true
	}
	if k >= len(body) || body[k] != '{' {
		return u, false, false
	}
	var buf [8]objMember
	members := buf[:0]
	if s.object(k, &members) < 0 {
		return u, false, false
	}
	var seenPrompt, seenCompletion, seenTotal bool
	for _, m := range members {
		var dst *int64
		var seen *bool
		switch string(m.key) {
		case "prompt_tokens":
			dst, seen = &u.Prompt, &seenPrompt
		case "completion_tokens":
			dst, seen = &u.Completion, &seenCompletion
		case "total_tokens":
			dst, seen = &u.Total, &seenTotal
		default:
			continue
		}
		v := body[m.start:m.end]
		switch v[0] {
		case 'n', '"', '{', '[', 't', 'f':
			continue // not a count: ignored, as usage.FromBody does
		}
		if len(v) > 18 {
			return u, false, false
		}
		n := int64(0)
		for _, c := range v {
			if c < '0' || c > '9' {
				return u, false, false
			}
			n = n*10 + int64(c-'0')
		}
		*dst, *seen = n, true
	}
	if !seenPrompt && !seenCompletion && !seenTotal {
		return usage.Usage{}, false, true
	}
	if !seenTotal {
		u.Total = u.Prompt + u.Completion
	}
	return u, true, true
}
