package main

import (
	"bufio"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/aiwasm/aiwasm/e2e/testbed"
)

// streamBody is a streamed chat completion of a few tokens.
const streamBody = `{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"Say hello to the load test"}]}`

// runTTFT measures the time to the first content token of a streamed chat completion: straight
// from the fake LLM, through bare Envoy, through Envoy with ai-proxy alone (route mode) and
// with the whole chain; n sequential requests each on one kept-alive connection, after a
// warm-up. It prints medians and what each path adds over the fake.
func runTTFT(n int, fakeAddr, work string) error {
	up := map[string]string{"fakellm": fakeAddr}
	paths := []struct {
		name string
		g    *testbed.Gateway
	}{
		{"fake LLM directly", nil},
		{"bare envoy", &testbed.Gateway{Plugins: []testbed.Plugin{}, Upstreams: up}},
		{"ai-proxy", &testbed.Gateway{Plugins: []testbed.Plugin{{Name: "ai-proxy"}}, Upstreams: up}},
		{"full chain", &testbed.Gateway{SkipUnbuilt: true, Upstreams: up}},
	}
	medians := map[string]time.Duration{}
	fmt.Printf("\nTime to the first token of a stream, %d sequential requests per path (medians)\n\n", n)
	fmt.Println("| path | p50 ms | p90 ms | added over the fake, p50 ms |")
	fmt.Println("|---|---|---|---|")
	for _, p := range paths {
		url := "http://" + fakeAddr
		var envoy *testbed.Envoy
		if p.g != nil {
			dir := filepath.Join(work, "ttft-"+strings.ReplaceAll(p.name, " ", "-"))
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return err
			}
			var err error
			if envoy, err = testbed.StartEnvoy(*p.g, testbed.EnvoyOptions{Dir: dir, LogLevel: "warning"}); err != nil {
				return fmt.Errorf("%s: %w", p.name, err)
			}
			url = envoy.URL
		}
		times, err := firstTokenTimes(url+"/v1/chat/completions", n)
		if envoy != nil {
			envoy.Stop()
		}
		if err != nil {
			return fmt.Errorf("%s: %w", p.name, err)
		}
		p50, p90 := times[len(times)/2], times[len(times)*9/10]
		medians[p.name] = p50
		fmt.Printf("| %s | %.3f | %.3f | %.3f |\n", p.name, ms(p50), ms(p90), ms(p50-medians["fake LLM directly"]))
	}
	return nil
}

// firstTokenTimes sends n streamed requests (plus 20 to warm up) and returns, sorted, the
// times from sending each to reading its first content delta.
func firstTokenTimes(url string, n int) ([]time.Duration, error) {
	client := &http.Client{Timeout: 30 * time.Second}
	var out []time.Duration
	for i := range n + 20 {
		req, err := http.NewRequest("POST", url, strings.NewReader(streamBody))
		if err != nil {
			return nil, err
		}
		req.Header.Set("content-type", "application/json")
		for _, h := range chainHeaders {
			name, value, _ := strings.Cut(h, ": ")
			req.Header.Set(name, value)
		}
		start := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			return nil, err
		}
		var first time.Duration
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if first == 0 && strings.Contains(sc.Text(), `"content":"`) {
				first = time.Since(start)
			}
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || first == 0 {
			return nil, fmt.Errorf("request %d: status %d, no content token", i, resp.StatusCode)
		}
		if i >= 20 {
			out = append(out, first)
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a] < out[b] })
	return out, nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
