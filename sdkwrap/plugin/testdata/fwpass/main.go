// Command fwpass is wasmhost's passthrough test plugin written with the framework: the
// benchmark compares the two to price what the framework adds to every request.
package main

import (
	"github.com/aiwasm/aiwasm/sdkwrap/config"
	"github.com/aiwasm/aiwasm/sdkwrap/plugin"
)

func main() {}

type Config struct{}

func init() {
	plugin.Register(plugin.Plugin[Config, struct{}]{
		Name:   "fwpass",
		Config: func(r *config.Reader) (*Config, error) { return &Config{}, r.Err() },
		ResponseHeaders: func(s *plugin.Stream[Config, struct{}]) plugin.Action {
			s.SetResponseHeader("x-passthrough", "1")
			return plugin.Continue
		},
	})
}
