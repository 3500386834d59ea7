// Command demo is `make demo`: the fake LLM and Envoy with every built plugin, a scripted
// session that explains each step, then the gateway keeps serving until Ctrl-C.
//
//	go run ./e2e/cmd/demo          # needs make envoy build first; make demo does both
//	go run ./e2e/cmd/demo -once    # run the script and exit (non-zero if a step failed)
//
// With OPENAI_API_KEY set, one more step asks the real OpenAI through the gateway.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/aiwasm/aiwasm/e2e/demo"
	"github.com/aiwasm/aiwasm/e2e/testbed"
)

func main() {
	once := flag.Bool("once", false, "run the scripted session and exit")
	flag.Parse()
	os.Exit(run(*once))
}

func run(once bool) int {
	dir, err := testbed.RepoPath("out", "demo")
	if err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		return 1
	}
	_ = os.RemoveAll(dir)
	env, err := demo.Start(demo.Options{
		Dir:       filepath.Clean(dir),
		Ports:     map[string]int{"gateway": 10000, "admin": 9901},
		OpenAIKey: os.Getenv("OPENAI_API_KEY"),
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		return 1
	}
	defer env.Stop()
	// Ctrl-C during the script or after it stops everything.
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)

	demo.Intro(os.Stdout, env)
	steps := demo.Script(env)
	failed := demo.Run(os.Stdout, env, steps)
	demo.Observe(os.Stdout, env, len(steps))
	if failed > 0 {
		fmt.Printf("\n%d step(s) did not behave as described; Envoy's log: %s\n", failed, env.Envoy.LogPath)
	}
	if once {
		if failed > 0 {
			return 1
		}
		return 0
	}
	fmt.Printf("\nThe gateway keeps running: try\n  curl -sS %s/v1/chat/completions -H 'authorization: Bearer sk-alice-demo' -H 'content-type: application/json' -d '{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}'\nCtrl-C stops Envoy and the fake LLM.\n", env.Envoy.URL)
	select {
	case <-signals:
	case <-env.Envoy.Done():
		fmt.Fprintln(os.Stderr, "demo: Envoy stopped on its own; see", env.Envoy.LogPath)
		return 1
	}
	fmt.Println("\nstopping")
	return 0
}
