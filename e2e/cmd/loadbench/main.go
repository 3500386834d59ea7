// Command loadbench (make bench-e2e) measures what the plugins cost in a real Envoy: the same
// load through bare Envoy, Envoy with each built plugin, and the full chain, in front of the
// fake LLM answering with no delay. Each scenario runs at a fixed rate and at saturation,
// several times in interleaved order; the tables show medians and their ratio to bare Envoy
// from the same run, because the machines are shared and absolute numbers drift.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/aiwasm/aiwasm/e2e/testbed"
)

type scenario struct {
	name    string
	gateway testbed.Gateway
}

type mode struct {
	name, title string
	qps         float64
	conns       int
}

func main() {
	var (
		dur   = flag.String("t", "10s", "duration of each load run")
		reps  = flag.Int("reps", 3, "runs per scenario and mode (medians are reported)")
		rate  = flag.Float64("qps", 200, "request rate of the fixed-rate mode")
		conns = flag.Int("c", 16, "connections of the saturation mode")
		ttft  = flag.Int("ttft", 0, "measure time to first token instead, over this many streamed requests per path")
	)
	flag.Parse()
	log.SetFlags(0)
	var err error
	if *ttft > 0 {
		err = ttftOnly(*ttft)
	} else {
		err = run(*dur, *reps, *rate, *conns)
	}
	if err != nil {
		log.Fatal(err)
	}
}

// ttftOnly is the -ttft mode: the fake LLM, then runTTFT.
func ttftOnly(n int) error {
	fake, err := startFake()
	if err != nil {
		return err
	}
	defer fake.Close()
	work, err := os.MkdirTemp("", "aiwasm-ttft-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	return runTTFT(n, fake.Addr(), work)
}

// The request every run sends: a small non-streamed chat completion.
const chatBody = `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Say hello to the load test"}]}`

// chainHeaders let a request through the example chain's key-auth, and name a consumer for
// key-rate-limit when it runs alone (in the chain, key-auth replaces it with alice), so that
// every scenario with key-rate-limit counts each request.
var chainHeaders = []string{"authorization: Bearer sk-alice-demo", "x-mse-consumer: loadbench"}

func run(dur string, reps int, rate float64, conns int) error {
	fortio, err := findFortio()
	if err != nil {
		return err
	}
	fake, err := startFake()
	if err != nil {
		return err
	}
	defer fake.Close()
	work, err := os.MkdirTemp("", "aiwasm-loadbench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)

	scenarios, err := buildScenarios(fake.Addr(), work)
	if err != nil {
		return err
	}
	modes := []mode{
		{"fixed", fmt.Sprintf("Fixed rate: %.0f req/s over 4 connections, %s per run, median of %d runs", rate, dur, reps), rate, 4},
		{"max", fmt.Sprintf("Saturation: %d connections as fast as they go, %s per run, median of %d runs", conns, dur, reps), 0, conns},
	}
	results := map[string][]load{}
	for rep := 0; rep < reps; rep++ {
		for _, s := range scenarios {
			dir := filepath.Join(work, fmt.Sprintf("%s-%d", s.name, rep))
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return err
			}
			envoy, err := testbed.StartEnvoy(s.gateway, testbed.EnvoyOptions{Dir: dir, LogLevel: "warning"})
			if err != nil {
				return fmt.Errorf("%s: %w", s.name, err)
			}
			for _, m := range modes {
				l, err := runFortio(fortio, dir, envoy.URL+"/v1/chat/completions", chatBody, chainHeaders, m.qps, m.conns, dur)
				if err != nil {
					envoy.Stop()
					return fmt.Errorf("%s %s: %w", s.name, m.name, err)
				}
				l.RSS = residentMiB(envoy.Pid())
				log.Printf("run %d %-18s %-5s p50 %.3fms p99 %.3fms %.0f req/s  [%s]", rep+1, s.name, m.name, l.P50, l.P99, l.QPS, codesLine(l.Codes))
				results[key(s.name, m.name)] = append(results[key(s.name, m.name)], l)
			}
			envoy.Stop()
		}
	}
	bin, err := testbed.FindEnvoy()
	if err != nil {
		return err
	}
	fmt.Printf("\nEnvoy %s, %d worker threads, fake LLM with no delay, request: %s\n", bin.Version, 2, chatBody)
	report(os.Stdout, modes, scenarios, results)
	return nil
}

// buildScenarios: bare Envoy first (the baseline), the host's passthrough test plugin (the
// floor any plugin pays), each plugin that is built, and the chain of all that are built.
func buildScenarios(fakeAddr, work string) ([]scenario, error) {
	up := map[string]string{"fakellm": fakeAddr}
	passthrough, err := testbed.RepoPath("out", "testdata", "passthrough.wasm")
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(passthrough); err != nil {
		return nil, fmt.Errorf("run `make build` first: %w", err)
	}
	out := []scenario{
		{"bare envoy", testbed.Gateway{Plugins: []testbed.Plugin{}, Upstreams: up}},
		{"passthrough (test)", testbed.Gateway{Plugins: []testbed.Plugin{{Name: "passthrough", Wasm: passthrough}}, Upstreams: up}},
	}
	chain, err := testbed.Render(testbed.Gateway{SkipUnbuilt: true, Upstreams: up}, work)
	if err != nil {
		return nil, err
	}
	for _, name := range chain.WasmFilter {
		out = append(out, scenario{name, testbed.Gateway{Plugins: []testbed.Plugin{{Name: name}}, Upstreams: up}})
	}
	if len(chain.WasmFilter) > 1 {
		out = append(out, scenario{"full chain", testbed.Gateway{SkipUnbuilt: true, Upstreams: up}})
	}
	return out, nil
}

// residentMiB reads a process's resident memory from /proc (0 where there is none, e.g. the
// docker client when E2E_ENVOY=docker).
func residentMiB(pid int) float64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			return float64(kb) / 1024
		}
	}
	return 0
}
