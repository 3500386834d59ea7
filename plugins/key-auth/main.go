// Command key-auth is the gateway's API-key authentication: it finds the caller's key where
// the official OpenAI, Anthropic, Azure OpenAI and Gemini SDKs send it (or in the headers and
// query parameters configured), maps it to a consumer, checks the consumer against the
// route's allow list, and hands the consumer's name to the plugins after it - with the key
// itself removed before the upstream sees it. Its configuration reads like Higress's key-auth
// (consumers, keys, in_header, in_query, global_auth, allow in _rules_), so a Higress
// configuration carries over; README.md says where the two differ.
//
// The files, one concern each:
//   - config.go: the configuration and its checks;
//   - credentials.go: the credential table, a constant-time lookup that does not depend on
//     the number of consumers;
//   - sources.go: where a key is found in a request and how it is removed;
//   - auth.go: the decision for one request, its answers, logs and metrics.
package main

import "github.com/aiwasm/aiwasm/sdkwrap/plugin"

func main() {}

func init() {
	plugin.Register(plugin.Plugin[Config, struct{}]{
		Name:           "key-auth",
		Config:         parseConfig,
		Start:          start,
		RequestHeaders: authenticate,
	})
}
