package demo

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"
)

// Intro prints what runs where.
func Intro(w io.Writer, env *Env) {
	e := env.Envoy
	fmt.Fprintf(w, "aiwasm demo\n\n")
	fmt.Fprintf(w, "  gateway    %s   (Envoy %s)\n", e.URL, e.Binary.Version)
	fmt.Fprintf(w, "  admin      %s   (/stats/prometheus, /config_dump)\n", e.AdminURL)
	fmt.Fprintf(w, "  fake LLM   %s\n", env.Fake.URL())
	chain := "none built yet: requests go straight to the fake LLM"
	if len(e.Config.WasmFilter) > 0 {
		chain = strings.Join(e.Config.WasmFilter, " -> ")
	}
	fmt.Fprintf(w, "  plugins    %s\n", chain)
	fmt.Fprintf(w, "  config     %s\n", e.Config.Path)
	fmt.Fprintf(w, "  logs       %s (Envoy), %s (access)\n", e.LogPath, e.Config.AccessLog)
}

// Run plays the steps against the gateway, printing each request as a curl command and
// what came back, and returns how many steps did not behave as described.
func Run(w io.Writer, env *Env, steps []Step) int {
	failed := 0
	client := &http.Client{Timeout: 60 * time.Second}
	for i, s := range steps {
		fmt.Fprintf(w, "\n== %d/%d  %s\n   %s\n", i+1, len(steps), s.Title, s.Why)
		fmt.Fprintf(w, "   $ %s\n", curl(env.Envoy.URL, s))
		var r Result
		var err error
		for range max(s.Repeat, 1) {
			if r, err = do(client, env.Envoy.URL, s, w); err != nil {
				break
			}
		}
		if err != nil {
			fmt.Fprintf(w, "   FAILED: %v\n", err)
			failed++
			continue
		}
		if r.Body != "" {
			fmt.Fprintf(w, "   %s\n", shorten(r.Body, 400))
		}
		if err := s.Check(r); err != nil {
			fmt.Fprintf(w, "   FAILED: %v\n", err)
			failed++
		}
	}
	return failed
}

func do(client *http.Client, base string, s Step, w io.Writer) (Result, error) {
	req, err := http.NewRequest(s.Method, base+s.Path, strings.NewReader(s.Body))
	if err != nil {
		return Result{}, err
	}
	for k, v := range s.Headers {
		req.Header.Set(k, v)
	}
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return Result{}, err
	}
	defer resp.Body.Close()
	fmt.Fprintf(w, "   <- %s (%s to the headers)\n", resp.Status, time.Since(start).Round(time.Millisecond))
	for _, name := range s.Show {
		if v := resp.Header.Get(name); v != "" {
			fmt.Fprintf(w, "      %s: %s\n", name, v)
		}
	}
	r := Result{Status: resp.StatusCode, Header: resp.Header}
	if !s.Stream || resp.StatusCode != 200 {
		b, err := io.ReadAll(resp.Body)
		r.Body = string(b)
		return r, err
	}
	// Print the tokens as the events arrive, the way a chat UI would.
	fmt.Fprint(w, "   ")
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		data, ok := strings.CutPrefix(sc.Text(), "data: ")
		if !ok || data == "[DONE]" {
			continue
		}
		var chunk struct {
			Choices []struct{ Delta struct{ Content string } }
			Usage   json.RawMessage
		}
		if err := json.Unmarshal([]byte(data), &chunk); err != nil {
			return r, fmt.Errorf("bad event %q: %w", data, err)
		}
		for _, c := range chunk.Choices {
			if c.Delta.Content != "" {
				r.Deltas = append(r.Deltas, c.Delta.Content)
				fmt.Fprint(w, c.Delta.Content)
			}
		}
		if len(chunk.Usage) > 0 && string(chunk.Usage) != "null" {
			r.Usage = string(chunk.Usage)
		}
	}
	fmt.Fprintf(w, "\n   usage: %s\n", r.Usage)
	return r, sc.Err()
}

// curl is the step as a command a reader can paste. Credentials are demo values.
func curl(base string, s Step) string {
	parts := []string{"curl -sS"}
	if s.Method != "GET" {
		parts = append(parts, "-X", s.Method)
	}
	keys := make([]string, 0, len(s.Headers))
	for k := range s.Headers {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("-H '%s: %s'", k, s.Headers[k]))
	}
	if s.Body != "" {
		parts = append(parts, fmt.Sprintf("-d '%s'", s.Body))
	}
	return strings.Join(append(parts, base+s.Path), " ")
}

func shorten(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) <= n {
		return s
	}
	return s[:n] + " ..."
}

// Observe prints what Envoy recorded about the session: the access log's entries and the
// metrics of the plugins and the LLM cluster.
// want is the number of requests the session made.
func Observe(w io.Writer, env *Env, want int) {
	fmt.Fprintf(w, "\n== What Envoy recorded\n   Access log (%s), the last entries; wasm.* fields are the plugins' filter state:\n", env.Envoy.Config.AccessLog)
	deadline := time.Now().Add(5 * time.Second) // the test bed has Envoy flush it every 200 ms
	var lines []string
	for time.Now().Before(deadline) {
		if lines = nonEmptyLines(env.Envoy.AccessLog()); len(lines) >= want {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if len(lines) > 3 {
		lines = lines[len(lines)-3:]
	}
	for _, l := range lines {
		fmt.Fprintf(w, "   %s\n", compactLogEntry(l))
	}
	stats, err := env.Envoy.Admin("/stats/prometheus")
	if err != nil {
		fmt.Fprintf(w, "   metrics: %v\n", err)
		return
	}
	fmt.Fprintf(w, "   Metrics (%s/stats/prometheus):\n", env.Envoy.AdminURL)
	for _, l := range nonEmptyLines(stats) {
		if strings.HasPrefix(l, "#") || strings.Contains(l, "_bucket{") {
			continue // histograms show as their _sum and _count
		}
		if strings.HasPrefix(l, "envoy_cluster_upstream_rq{") && strings.Contains(l, `envoy_cluster_name="fakellm"`) || isPluginMetric(l, env.Envoy.Config.WasmFilter) {
			fmt.Fprintf(w, "   %s\n", l)
		}
	}
}

func isPluginMetric(line string, plugins []string) bool {
	for _, p := range plugins {
		if strings.HasPrefix(line, strings.ReplaceAll(p, "-", "_")+"_") {
			return true
		}
	}
	return false
}

// compactLogEntry drops the null fields of an access-log entry.
func compactLogEntry(line string) string {
	var entry map[string]any
	if json.Unmarshal([]byte(line), &entry) != nil {
		return line
	}
	for k, v := range entry {
		if v == nil {
			delete(entry, k)
		}
	}
	b, _ := json.Marshal(entry)
	return string(b)
}

func nonEmptyLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}
