// Command ai-cache is a proxy-wasm plugin that answers repeated chat completion requests
// from a cache: exactly (the same request, however its JSON is laid out) and, optionally,
// semantically (a question close enough to one answered before, by embeddings). A hit is
// answered by the plugin in the format the client asked for, JSON or a server-sent-event
// stream, whatever format the answer was stored from. README.md has the configuration and
// the design.
//
// This file is wiring only. The others, one concern each:
//   - config.go: the configuration, its defaults and refusals; config_semantic.go: the
//     semantic object and its embeddings endpoint;
//   - scan.go: one pass over a request body that validates it and writes its values in
//     canonical form; canonical.go: the canonical numbers and strings; key.go: the cache
//     key of a request per strategy;
//   - state.go: what one request keeps between callbacks;
//   - request.go: the request handlers: what is cached, bypassed, looked up;
//   - directives.go: the bypass header and Cache-Control;
//   - hit.go: answering a hit, as JSON or as SSE chunks;
//   - answer.go: which answers are stored; stream_capture.go: a streamed answer
//     accumulated as it passes; response.go: the response handlers and the store;
//   - semantic.go: the embeddings call and the nearest stored question;
//   - store.go: the local or Redis store the configuration names;
//   - observe.go: status header, filter state, metrics.
package main

import "github.com/aiwasm/aiwasm/sdkwrap/plugin"

func main() {}

func init() {
	plugin.Register(plugin.Plugin[Config, State]{
		Name:               "ai-cache",
		Config:             parseConfig,
		Start:              start,
		RequestHeaders:     onRequestHeaders,
		RequestBody:        onRequestBody,
		HoldHeadersForBody: true,
		ResponseHeaders:    onResponseHeaders,
		ResponseChunk:      onResponseChunk,
		ResponseEvent:      onResponseEvent,
	})
}
