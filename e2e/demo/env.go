// Package demo is what `make demo` runs: the fake LLM and Envoy with every plugin that is
// built, and a short scripted session through them that explains each step. The demo command
// (e2e/cmd/demo) prints it for people; demo_test.go runs the same script and fails on any
// step that does not behave as it says.
package demo

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"

	"github.com/aiwasm/aiwasm/e2e/fakellm"
	"github.com/aiwasm/aiwasm/e2e/testbed"
)

// Options shape the demo's environment.
type Options struct {
	// Dir receives the rendered Envoy config and the logs.
	Dir string
	// Ports, when set, are tried for the gateway and the admin ("gateway", "admin"); a
	// port in use falls back to a free one. Tests leave it empty.
	Ports map[string]int
	// OpenAIKey, when set, adds a route to the real OpenAI (see openAIRoute).
	OpenAIKey string
}

// Env is the running demo: the fake LLM and Envoy in front of it.
type Env struct {
	Fake  *fakellm.Server
	Envoy *testbed.Envoy
	// OpenAI is true when a route to the real OpenAI was added.
	OpenAI bool
}

// Start brings the fake LLM up, then Envoy from envoy/gateway.yaml with the plugins that
// are built (a plugin joins the demo as soon as out/<name>.wasm exists).
func Start(opt Options) (*Env, error) {
	fake, err := fakellm.Start(fakellm.Config{})
	if err != nil {
		return nil, fmt.Errorf("fake LLM: %w", err)
	}
	g := testbed.Gateway{
		SkipUnbuilt: true,
		Upstreams:   map[string]string{"fakellm": fake.Addr()},
		Ports:       availablePorts(opt.Ports),
	}
	if opt.OpenAIKey != "" {
		g.Edit = func(cfg map[string]any) error { return addOpenAIRoute(cfg, opt.OpenAIKey) }
	}
	if err := os.MkdirAll(opt.Dir, 0o700); err != nil {
		fake.Close()
		return nil, err
	}
	envoy, err := testbed.StartEnvoy(g, testbed.EnvoyOptions{Dir: filepath.Clean(opt.Dir)})
	if err != nil {
		fake.Close()
		return nil, err
	}
	return &Env{Fake: fake, Envoy: envoy, OpenAI: opt.OpenAIKey != ""}, nil
}

// Stop ends Envoy, then the fake.
func (e *Env) Stop() {
	e.Envoy.Stop()
	e.Fake.Close()
}

// availablePorts keeps the wanted ports nobody listens on.
func availablePorts(want map[string]int) map[string]int {
	free := map[string]int{}
	for name, port := range want {
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		if err != nil {
			continue
		}
		l.Close()
		free[name] = port
	}
	return free
}
