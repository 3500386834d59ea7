package main

import (
	"bytes"
	"net/url"
	"strconv"
	"strings"

	"github.com/aiwasm/aiwasm/sdkwrap/llm"
	"github.com/aiwasm/aiwasm/sdkwrap/plugin"
)

// providerError is a provider's error answer as the client's error JSON: the provider's
// message, read from whichever API's error shape it came in (llm.OpenAIError), with any of
// the instance's credentials blanked out. A 401 or 403 is the provider refusing the
// gateway's own credentials: its message (OpenAI's quotes part of the key) is replaced by
// one saying so.
func (st *State) providerError(in *Instance, status int, body []byte) []byte {
	if status == 401 || status == 403 {
		msg := "instance " + in.Name + ": the provider refused the gateway's credentials (HTTP " + strconv.Itoa(status) + ")"
		if st.client == llm.Anthropic {
			return llm.AnthropicError(status, msg)
		}
		typ := "authentication_error"
		if status == 403 {
			typ = "permission_error"
		}
		return plugin.ErrorBody(msg, typ, "upstream_credentials_refused")
	}
	if st.client == llm.Anthropic {
		return in.redact(llm.AnthropicError(status, llm.ErrorMessage(st.p.proto, status, body)))
	}
	return in.redact(llm.OpenAIError(st.p.proto, status, body))
}

// redact blanks out the instance's credentials wherever b holds them (a provider echoing a
// key in an error message).
func (in *Instance) redact(b []byte) []byte {
	for _, secret := range in.secrets() {
		if len(secret) >= 4 && bytes.Contains(b, []byte(secret)) {
			b = bytes.ReplaceAll(b, []byte(secret), []byte("[redacted]"))
		}
	}
	return b
}

// secrets are the instance's credential values: api_keys, auth.header values (and what
// follows "Bearer "), auth.query values as configured and as encoded.
func (in *Instance) secrets() []string {
	var out []string
	if in.keys != nil {
		out = append(out, in.keys.keys...)
	}
	for _, h := range in.auth.headers {
		out = append(out, h[1])
		if v, ok := strings.CutPrefix(h[1], "Bearer "); ok {
			out = append(out, v)
		}
	}
	for q := in.auth.query; q != ""; {
		var pair string
		pair, q, _ = strings.Cut(q, "&")
		_, v, _ := strings.Cut(pair, "=")
		out = append(out, v)
		if d, err := url.QueryUnescape(v); err == nil && d != v {
			out = append(out, d)
		}
	}
	return out
}
