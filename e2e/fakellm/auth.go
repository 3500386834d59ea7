package fakellm

import (
	"crypto/subtle"
	"net/http"
	"strings"
)

// checkCredential finds the key where the called API carries it and compares it with
// the configured one (an empty configured key accepts anything). A refusal is worded
// like the real API's, and never repeats the key it received.
func (h *Handler) checkCredential(c *call) (apiError, bool) {
	r := c.r
	switch c.api {
	case APIAzure:
		got := r.Header.Get("api-key")
		if got == "" {
			got = bearerToken(r)
		}
		return check(h.cfg.AzureKey, got,
			apiError{status: 401, message: "Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API."},
			apiError{status: 401, message: "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource."})
	case APIAnthropic:
		return check(h.cfg.AnthropicKey, r.Header.Get("x-api-key"),
			apiError{status: 401, message: "x-api-key header is required"},
			apiError{status: 401, message: "invalid x-api-key"})
	case APIGemini:
		got := r.Header.Get("x-goog-api-key")
		if got == "" {
			got = r.URL.Query().Get("key")
		}
		// Google answers a missing key with 403 and a wrong one with 400 API_KEY_INVALID.
		return check(h.cfg.GeminiKey, got,
			apiError{status: 403, message: "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API."},
			apiError{status: 400, message: "API key not valid. Please pass a valid API key.", code: "API_KEY_INVALID"})
	default:
		return check(h.cfg.OpenAIKey, bearerToken(r),
			apiError{status: 401, message: "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)."},
			apiError{status: 401, message: "Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys."})
	}
}

// check compares got with want in constant time; want == "" accepts anything.
func check(want, got string, missing, wrong apiError) (apiError, bool) {
	switch {
	case want == "":
		return apiError{}, true
	case got == "":
		return missing, false
	case subtle.ConstantTimeCompare([]byte(want), []byte(got)) != 1:
		return wrong, false
	}
	return apiError{}, true
}

// bearerToken is the token of an "Authorization: Bearer <token>" header, or "".
func bearerToken(r *http.Request) string {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(token)
}
