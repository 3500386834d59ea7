// Command fakellm runs the fake LLM server (package e2e/fakellm) until SIGINT or SIGTERM:
//
//	go run ./e2e/cmd/fakellm -listen 127.0.0.1:8000 -openai-key sk-test -status 429
//
// It prints "fakellm listening on http://ADDR" on stdout, then one line per request on
// stderr (never headers or keys). The fault flags set the instance fault; requests can
// still override it with x-fake-* headers, and PUT /_fake/fault changes it while running.
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"syscall"

	"github.com/aiwasm/aiwasm/e2e/fakellm"
)

func main() {
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr, stop))
}

// run is the whole command, apart from the process: it serves until stop delivers and
// returns the exit code.
func run(args []string, stdout, stderr io.Writer, stop <-chan os.Signal) int {
	var cfg fakellm.Config
	flags := flag.NewFlagSet("fakellm", flag.ContinueOnError)
	flags.SetOutput(stderr)
	listen := flags.String("listen", "127.0.0.1:8000", "address to listen on (port 0 picks a free one)")
	flags.StringVar(&cfg.OpenAIKey, "openai-key", "", "expected OpenAI key (Authorization: Bearer); empty accepts any")
	flags.StringVar(&cfg.AzureKey, "azure-key", "", "expected Azure OpenAI key (api-key); empty accepts any")
	flags.StringVar(&cfg.AnthropicKey, "anthropic-key", "", "expected Anthropic key (x-api-key); empty accepts any")
	flags.StringVar(&cfg.GeminiKey, "gemini-key", "", "expected Gemini key (x-goog-api-key or ?key=); empty accepts any")
	flags.IntVar(&cfg.Fault.Status, "status", 0, "answer every request with this error status (400-599)")
	flags.IntVar(&cfg.Fault.RetryAfter, "retry-after", 0, "Retry-After seconds for -status (default 1 for 429)")
	flags.DurationVar(&cfg.Fault.FirstTokenDelay, "first-token-delay", 0, "wait this long before answering")
	flags.DurationVar(&cfg.Fault.TokenDelay, "token-delay", 0, "wait this long between stream events")
	flags.IntVar(&cfg.Fault.CutAfter, "cut-after", 0, "drop the connection after this many streamed tokens")
	flags.BoolVar(&cfg.Fault.Stall, "stall", false, "send the first token (or nothing) and hang")
	flags.BoolVar(&cfg.Fault.Malformed, "malformed", false, "send invalid JSON in the first token event")
	flags.BoolVar(&cfg.Fault.NoUsage, "no-usage", false, "leave usage out of every answer")
	quiet := flags.Bool("quiet", false, "do not log requests")
	if err := flags.Parse(args); err != nil {
		return 2
	}
	if flags.NArg() > 0 {
		fmt.Fprintf(stderr, "fakellm: unexpected arguments %q\n", flags.Args())
		return 2
	}
	if !*quiet {
		cfg.Logger = log.New(stderr, "", log.LstdFlags|log.Lmicroseconds)
	}

	srv, err := fakellm.Listen(*listen, cfg)
	if err != nil {
		fmt.Fprintln(stderr, "fakellm:", err)
		return 1
	}
	fmt.Fprintf(stdout, "fakellm listening on %s\n", srv.URL())

	sig := <-stop
	fmt.Fprintf(stderr, "fakellm: %v, stopping\n", sig)
	if err := srv.Close(); err != nil {
		fmt.Fprintln(stderr, "fakellm:", err)
		return 1
	}
	return 0
}
