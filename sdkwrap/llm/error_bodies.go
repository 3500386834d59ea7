package llm

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/tidwall/gjson"
)

// OpenAIError renders a provider's error answer as OpenAI error JSON,
// {"error":{"message","type","code"}}, for an OpenAI client. body is the provider's error body
// in its own shape (OpenAI's, Anthropic's {"type":"error","error":{...}}, Gemini's
// {"error":{"code","message","status"}}, also wrapped in an array as Gemini streams it); when
// it is empty or unreadable the message says what the status was. type follows the status
// (see errorType); code is the provider's own error name (Anthropic's error type, Gemini's
// status) or, from OpenAI, its code.
func OpenAIError(from Protocol, status int, body []byte) []byte {
	e := readProviderError(from, status, body)
	w := jsonWriter{b: make([]byte, 0, len(e.message)+96)}
	w.open('{')
	w.keyOpen("error", '{')
	w.keyStr("message", e.message)
	w.keyStr("type", e.typ)
	if e.code != "" {
		w.keyStr("code", e.code)
	} else {
		w.keyRaw("code", "null")
	}
	w.close('}')
	w.close('}')
	return w.b
}

// ErrorMessage is the human-readable message of a provider's error answer, as OpenAIError
// reads it: for AnthropicError, when an Anthropic client's request failed upstream.
func ErrorMessage(from Protocol, status int, body []byte) string {
	return readProviderError(from, status, body).message
}

// AnthropicError renders an error as Anthropic error JSON,
// {"type":"error","error":{"type","message"}}, for an Anthropic client; the error type is the
// one Anthropic documents for the status.
func AnthropicError(status int, message string) []byte {
	w := jsonWriter{b: make([]byte, 0, len(message)+80)}
	w.open('{')
	w.keyStr("type", "error")
	w.keyOpen("error", '{')
	w.keyStr("type", anthropicErrorType(status))
	w.keyStr("message", message)
	w.close('}')
	w.close('}')
	return w.b
}

type providerError struct{ message, typ, code string }

func readProviderError(from Protocol, status int, body []byte) providerError {
	e := providerError{typ: errorType(status)}
	if validJSONBytes(body) {
		doc := gjson.ParseBytes(body)
		if doc.IsArray() { // Gemini's streamGenerateContent answers errors as [{"error":...}]
			doc = doc.Get("0")
		}
		errObj := doc.Get("error")
		switch from {
		case Anthropic:
			e.message, e.code = errObj.Get("message").Str, errObj.Get("type").Str
		case Gemini:
			e.message, e.code = errObj.Get("message").Str, errObj.Get("status").Str
		default:
			if errObj.Type == gjson.String { // some compatible APIs: {"error":"..."}
				e.message = errObj.Str
			} else {
				e.message = errObj.Get("message").Str
				if t := errObj.Get("type"); t.Type == gjson.String && t.Str != "" {
					e.typ = t.Str
				}
				if c := errObj.Get("code"); c.Type == gjson.String || c.Type == gjson.Number {
					e.code = c.String()
				}
			}
		}
		if e.message == "" {
			// Other common shapes: {"message":...}, {"detail":...} (FastAPI servers).
			for _, k := range [...]string{"message", "detail"} {
				if m := doc.Get(k); m.Type == gjson.String {
					e.message = m.Str
					break
				}
			}
		}
	} else if text := plainText(body); text != "" {
		// Not JSON: a proxy's own answer, such as Envoy's "no healthy upstream".
		e.message = text
	}
	if e.message == "" {
		e.message = from.displayName() + " answered HTTP " + strconv.Itoa(status)
	}
	return e
}

// plainText is a short plain-text body worth showing: printable UTF-8, not HTML.
func plainText(body []byte) string {
	const maxLen = 256
	s := string(body[:min(len(body), maxLen)])
	if len(body) > maxLen {
		// The cut may have split a character.
		for i := 0; i < utf8.UTFMax && len(s) > 0 && !utf8.ValidString(s); i++ {
			s = s[:len(s)-1]
		}
	}
	s = strings.TrimSpace(s)
	if s == "" || s[0] == '<' || !utf8.ValidString(s) {
		return ""
	}
	for _, r := range s {
		if r < 0x20 && r != '\n' && r != '\t' {
			return ""
		}
	}
	return s
}

func (p Protocol) displayName() string {
	switch p {
	case Anthropic:
		return "Anthropic"
	case Gemini:
		return "Gemini"
	}
	return "the upstream"
}

// errorType is the OpenAI error type for a status.
func errorType(status int) string {
	switch {
	case status == 401:
		return "authentication_error"
	case status == 403:
		return "permission_error"
	case status == 404:
		return "not_found_error"
	case status == 429:
		return "rate_limit_error"
	case status >= 500:
		return "server_error"
	}
	return "invalid_request_error"
}

// anthropicErrorType is the error type Anthropic documents for a status.
func anthropicErrorType(status int) string {
	switch status {
	case 401:
		return "authentication_error"
	case 403:
		return "permission_error"
	case 404:
		return "not_found_error"
	case 413:
		return "request_too_large"
	case 429:
		return "rate_limit_error"
	case 529:
		return "overloaded_error"
	}
	if status >= 500 {
		return "api_error"
	}
	return "invalid_request_error"
}
