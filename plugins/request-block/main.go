// Command request-block is a proxy-wasm plugin that refuses requests whose URL, headers or
// body match deny rules: substrings, exact URLs and RE2 regular expressions, optionally
// case-insensitive, and, with prompt_only, only the prompt text of LLM API requests. Its
// configuration is Higress's request-block one plus a few keys; README.md documents it.
//
// This file is wiring only: config.go reads the configuration; request.go, url.go and body.go
// check requests; match.go, automaton.go, literal.go and fold.go match text; prompt.go and
// jsontext.go find and decode the prompt in a JSON body.
package main

import "github.com/aiwasm/aiwasm/sdkwrap/plugin"

func main() {}

func init() {
	plugin.Register(plugin.Plugin[Config, struct{}]{
		Name:           "request-block",
		Config:         parseConfig,
		Start:          start,
		RequestHeaders: checkRequestHeaders,
		RequestBody:    checkRequestBody,
		// The headers wait for the body check: nothing reaches the upstream before it.
		HoldHeadersForBody: true,
	})
}
