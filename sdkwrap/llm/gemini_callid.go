package llm

import (
	"strconv"
	"strings"
)

// Gemini has no tool call ids, so the translation makes them: call_<k> for the k-th call of
// a candidate. Gemini 3 also signs function calls (thoughtSignature) and refuses a
// conversation whose calls of the current turn come back without their signature. A proxy
// keeps no state between requests, so the signature travels in the id itself, which the
// client echoes back in its next request: call_<k>_ts_<signature>, the signature in base64url
// without padding so that the id holds only [A-Za-z0-9_-], which every provider accepts in an
// id (Anthropic refuses anything else).
const (
	geminiCallPrefix = "call_"
	geminiSigMark    = "_ts_"
)

// appendGeminiCallID appends the id of the k-th call as a JSON string, with its signature
// (standard base64, as Gemini sends it) if any.
func appendGeminiCallID(dst []byte, k int, signature string) []byte {
	dst = append(dst, '"')
	dst = append(dst, geminiCallPrefix...)
	dst = strconv.AppendInt(dst, int64(k), 10)
	if signature != "" {
		dst = append(dst, geminiSigMark...)
		for i := 0; i < len(signature); i++ {
			switch c := signature[i]; {
			case c == '+':
				dst = append(dst, '-')
			case c == '/':
				dst = append(dst, '_')
			case isIDByte(c):
				dst = append(dst, c)
			}
			// '=' padding and anything unexpected are left out.
		}
	}
	return append(dst, '"')
}

// geminiSignature returns the signature packed in a tool call id by appendGeminiCallID, back
// in standard padded base64, or "" if the id carries none.
func geminiSignature(id string) string {
	rest, ok := strings.CutPrefix(id, geminiCallPrefix)
	if !ok {
		return ""
	}
	digits := 0
	for digits < len(rest) && rest[digits] >= '0' && rest[digits] <= '9' {
		digits++
	}
	sig, ok := strings.CutPrefix(rest[digits:], geminiSigMark)
	if digits == 0 || !ok || sig == "" {
		return ""
	}
	b := make([]byte, 0, len(sig)+3)
	for i := 0; i < len(sig); i++ {
		switch c := sig[i]; c {
		case '-':
			b = append(b, '+')
		case '_':
			b = append(b, '/')
		default:
			b = append(b, c)
		}
	}
	for len(b)%4 != 0 {
		b = append(b, '=')
	}
	return string(b)
}

// isIDByte reports the bytes Anthropic accepts in a tool use id.
func isIDByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

// anthropicToolID is a tool call id as Anthropic accepts it: ids from elsewhere may hold
// other bytes, which become '_'. Applied to both the tool_use and its tool_result, the
// mapping keeps them matched.
func anthropicToolID(id string) string {
	for i := 0; i < len(id); i++ {
		if !isIDByte(id[i]) {
			b := []byte(id)
			for j := i; j < len(b); j++ {
				if !isIDByte(b[j]) {
					b[j] = '_'
				}
			}
			return string(b)
		}
	}
	return id
}
