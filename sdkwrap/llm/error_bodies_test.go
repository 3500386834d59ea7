package llm

import (
	"testing"
)

func TestOpenAIError(t *testing.T) {
	tests := []struct {
		name   string
		from   Protocol
		status int
		body   string
		want   string
	}{
		{"openai", OpenAI, 429, `{"error":{"message":"Rate limit reached","type":"requests","param":null,"code":"rate_limit_exceeded"}}`,
			`{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}`},
		{"openai without type", OpenAI, 401, `{"error":{"message":"Incorrect API key provided"}}`,
			`{"error":{"message":"Incorrect API key provided","type":"authentication_error","code":null}}`},
		{"compatible string error", OpenAI, 400, `{"error":"model not found"}`,
			`{"error":{"message":"model not found","type":"invalid_request_error","code":null}}`},
		{"compatible detail", OpenAI, 422, `{"detail":"field required"}`,
			`{"error":{"message":"field required","type":"invalid_request_error","code":null}}`},
		{"anthropic overloaded", Anthropic, 529, `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`,
			`{"error":{"message":"Overloaded","type":"server_error","code":"overloaded_error"}}`},
		{"anthropic rate limit", Anthropic, 429, `{"type":"error","error":{"type":"rate_limit_error","message":"Number of requests has exceeded your rate limit."}}`,
			`{"error":{"message":"Number of requests has exceeded your rate limit.","type":"rate_limit_error","code":"rate_limit_error"}}`},
		{"anthropic bad request", Anthropic, 400, `{"type":"error","error":{"type":"invalid_request_error","message":"max_tokens: Field required"},"request_id":"req_1"}`,
			`{"error":{"message":"max_tokens: Field required","type":"invalid_request_error","code":"invalid_request_error"}}`},
		{"gemini", Gemini, 429, `{"error":{"code":429,"message":"Resource has been exhausted (e.g. check quota).","status":"RESOURCE_EXHAUSTED"}}`,
			`{"error":{"message":"Resource has been exhausted (e.g. check quota).","type":"rate_limit_error","code":"RESOURCE_EXHAUSTED"}}`},
		{"gemini array", Gemini, 400, `[{"error":{"code":400,"message":"API key not valid.","status":"INVALID_ARGUMENT"}}]`,
			`{"error":{"message":"API key not valid.","type":"invalid_request_error","code":"INVALID_ARGUMENT"}}`},
		{"gemini forbidden", Gemini, 403, `{"error":{"code":403,"message":"Method doesn't allow unregistered callers.","status":"PERMISSION_DENIED"}}`,
			`{"error":{"message":"Method doesn't allow unregistered callers.","type":"permission_error","code":"PERMISSION_DENIED"}}`},
		{"no body", Anthropic, 503, ``,
			`{"error":{"message":"Anthropic answered HTTP 503","type":"server_error","code":null}}`},
		{"plain text", Gemini, 503, "no healthy upstream",
			`{"error":{"message":"no healthy upstream","type":"server_error","code":null}}`},
		{"html", OpenAI, 502, "<html><body>Bad gateway</body></html>",
			`{"error":{"message":"the upstream answered HTTP 502","type":"server_error","code":null}}`},
		{"json without message", OpenAI, 404, `{"foo":1}`,
			`{"error":{"message":"the upstream answered HTTP 404","type":"not_found_error","code":null}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sameJSON(t, tt.name, OpenAIError(tt.from, tt.status, []byte(tt.body)), []byte(tt.want))
		})
	}
}

func TestAnthropicError(t *testing.T) {
	for status, typ := range map[int]string{400: "invalid_request_error", 401: "authentication_error", 403: "permission_error",
		404: "not_found_error", 413: "request_too_large", 429: "rate_limit_error", 500: "api_error", 502: "api_error", 529: "overloaded_error"} {
		got := AnthropicError(status, "went \"wrong\"\n")
		sameJSON(t, typ, got, []byte(`{"type":"error","error":{"type":"`+typ+`","message":"went \"wrong\"\n"}}`))
	}
	msg := ErrorMessage(OpenAI, 429, []byte(`{"error":{"message":"slow down"}}`))
	if msg != "slow down" {
		t.Errorf("ErrorMessage: %q", msg)
	}
}

func TestPlainTextCut(t *testing.T) {
	long := make([]byte, 0, 300)
	for len(long) < 300 {
		long = append(long, "é"...)
	}
	if got := plainText(long); got == "" || len(got) > 256 {
		t.Errorf("a long text body cut inside a character: %q", got)
	}
}
