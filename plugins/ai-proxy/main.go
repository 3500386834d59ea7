// Command ai-proxy is a proxy-wasm plugin that puts one OpenAI-style API in front of many LLM
// providers: it holds the providers' keys, maps models, balances requests over instances,
// fails over, and translates to Anthropic's and Gemini's APIs. Its configuration reads as
// APISIX's ai-proxy (one provider), APISIX's ai-proxy-multi (several instances) or Higress's
// ai-proxy; README.md has the tables and the mappings.
//
// This file is wiring only. The others, one concern each:
//   - config.go: the configuration as a whole, the forms and the fields all of them share;
//     config_instance.go: one instance's fields (provider, credentials, options, override,
//     cluster); config_multi.go: instances, balancer, fallback_strategy, max_attempts,
//     health; config_higress.go: Higress's provider / providers form; config_modelmap.go:
//     reading model_mapping; bodyfields.go: options and defaults;
//     rawjson.go: the raw JSON behind the fields config.Reader cannot read;
//   - providers.go: the provider presets, as data (origin, paths, auth style, cluster);
//     endpoint.go: override.endpoint and Azure's URLs; cluster_default.go and
//     cluster_higress.go: the cluster an instance uses when it names none;
//   - instance.go: one instance at request time (model, target URL, auth headers);
//   - request_kind.go: which API a request calls, from its method and path;
//   - modelmap.go: model_mapping's patterns and precedence;
//   - balancer.go, chash.go, hashkey.go: the order in which a request tries instances;
//   - fallback.go: failure classes and which of them move a request on;
//   - keys.go: api key rotation and cooldowns; health.go: instance health;
//     shared.go: the shared data both keep across worker threads;
//   - selection.go: what the handlers ask a configuration for one request;
//     keys_request.go: what the request loop asks key rotation beyond that;
//   - state.go: what one request keeps between callbacks;
//   - request.go: the request handlers: request kinds, body checks, credentials stripped,
//     the plan started;
//   - prepare.go: one attempt's upstream request (model, options, defaults, stream,
//     translation, target, headers); jsonscan.go: the one-pass scan and edit of a body's
//     top level; gemini_embed.go: embeddings to and from Gemini;
//   - call.go: call mode, attempts, failover, key retries, final answers;
//   - route.go: route mode and the response handlers; stream.go: streamed answers
//     translated and metered, the call-mode fallback delivered as SSE;
//   - answer_usage.go: the usage of a whole answer, read from its tail;
//   - errors.go: provider errors normalised, credentials redacted; models.go: the model
//     list answered from configuration;
//   - runtime.go: what a worker keeps per instance (metrics, targets, credential headers);
//   - observe.go: filter state, metrics, logging.summaries and logging.payloads;
//   - testdata/callfloor: the cheapest call-mode plugin, BenchmarkCallMode's baseline.
package main

import "github.com/aiwasm/aiwasm/sdkwrap/plugin"

func main() {}

func init() {
	plugin.Register(plugin.Plugin[Config, State]{
		Name:               "ai-proxy",
		Config:             parseConfig,
		Start:              start,
		RequestHeaders:     onRequestHeaders,
		RequestBody:        onRequestBody,
		HoldHeadersForBody: true,
		ResponseHeaders:    onResponseHeaders,
		ResponseBody:       onResponseBody,
		ResponseEvent:      onResponseEvent,
		Done:               onDone,
	})
}

// start logs what the global configuration resolved to (clusters chosen by default most of
// all), never a credential, and defines its instances' metrics.
func start(root *plugin.Root[Config]) error {
	pluginMetricsOf(root)
	if c := root.Global(); c != nil {
		for _, in := range c.Instances {
			root.Log().Infof("instance %s", in.Describe())
			runtimeOf(root, in)
		}
	}
	return nil
}
