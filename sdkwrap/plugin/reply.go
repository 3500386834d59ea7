package plugin

import (
	"encoding/json"
	"fmt"

	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm"
	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/types"
)

// Reply answers the request from the plugin: the upstream is not asked (or its answer is
// dropped). Return the Action it gives from the handler.
func (s *Stream[C, S]) Reply(status int, headers [][2]string, body []byte) Action {
	if s.replied {
		return types.ActionPause
	}
	s.replied, s.waiting = true, false
	if err := proxywasm.SendHttpResponse(uint32(status), headers, body, -1); err != nil {
		s.log.Errorf("sending a local %d: %v", status, err)
	}
	return types.ActionPause
}

// Fail answers with an OpenAI-style error, the shape every OpenAI client understands:
// {"error":{"message":...,"type":...,"code":...}}. errType is e.g. "invalid_request_error",
// "authentication_error", "rate_limit_exceeded"; code a stable machine-readable reason.
func (s *Stream[C, S]) Fail(status int, errType, code, message string, extraHeaders ...[2]string) Action {
	headers := append([][2]string{{"content-type", "application/json"}}, extraHeaders...)
	return s.Reply(status, headers, ErrorBody(message, errType, code))
}

// Failf is Fail with a formatted message.
func (s *Stream[C, S]) Failf(status int, errType, code, format string, args ...any) Action {
	return s.Fail(status, errType, code, fmt.Sprintf(format, args...))
}

// ErrorBody is the OpenAI error JSON: {"error":{"message":...,"type":...,"code":...}}.
func ErrorBody(message, errType, code string) []byte {
	b, _ := json.Marshal(struct {
		Error struct {
			Message string `json:"message"`
			Type    string `json:"type"`
			Code    string `json:"code"`
		} `json:"error"`
	}{Error: struct {
		Message string `json:"message"`
		Type    string `json:"type"`
		Code    string `json:"code"`
	}{message, errType, code}})
	return b
}
