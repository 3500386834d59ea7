// Command callfloor is the least a call-mode plugin written with the framework can do: hold
// the headers for the body, send the body to a cluster with proxy_http_call, answer the
// client with what came back. BenchmarkCallMode runs it beside ai-proxy on the same traffic
// to tell what the framework and the host cost from what ai-proxy adds.
package main

import (
	"time"

	"github.com/aiwasm/aiwasm/sdkwrap/cluster"
	"github.com/aiwasm/aiwasm/sdkwrap/config"
	"github.com/aiwasm/aiwasm/sdkwrap/plugin"
)

func main() {}

type Config struct{}

type stream = plugin.Stream[Config, struct{}]

var jsonHeaders = [][2]string{{"content-type", "application/json"}}

func init() {
	plugin.Register(plugin.Plugin[Config, struct{}]{
		Name:               "callfloor",
		Config:             func(r *config.Reader) (*Config, error) { return &Config{}, r.Err() },
		HoldHeadersForBody: true,
		RequestBody: func(s *stream, body []byte) plugin.Action {
			err := cluster.Call(cluster.Request{
				Cluster: "openai", Method: "POST", Path: "/v1/chat/completions", Authority: "api.openai.com", Scheme: "https",
				Headers: [][2]string{{"content-type", "application/json"}, {"authorization", "Bearer sk-floor"}},
				Body:    body, Timeout: 30 * time.Second,
			}, func(resp cluster.Response, err error) { s.Reply(resp.Status, jsonHeaders, resp.Body) })
			if err != nil {
				return s.Fail(500, "server_error", "call", err.Error())
			}
			return plugin.Pause
		},
	})
}
