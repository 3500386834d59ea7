package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"

	"github.com/aiwasm/aiwasm/e2e/testbed"
)

// load is one fortio run's outcome.
type load struct {
	P50, P90, P99 float64 // latency, milliseconds
	QPS           float64 // achieved requests per second
	Errors        float64 // share of answers that were not 200
	RSS           float64 // Envoy's resident memory after the run, MiB (0 when unknown)
	Codes         map[string]int
}

// fortioResult is the part of `fortio load -json` this tool reads.
type fortioResult struct {
	ActualQPS         float64
	RetCodes          map[string]int
	DurationHistogram struct {
		Percentiles []struct {
			Percentile float64
			Value      float64 // seconds
		}
	}
}

func findFortio() (string, error) {
	if bin := os.Getenv("FORTIO_BIN"); bin != "" {
		return bin, nil
	}
	bin, err := testbed.RepoPath(".cache", "bin", "fortio")
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(bin); err != nil {
		return "", fmt.Errorf("no fortio: run `make tools` or set FORTIO_BIN: %w", err)
	}
	return bin, nil
}

// runFortio sends POST requests with body to url: qps 0 means as fast as conns connections
// can go (saturation).
func runFortio(bin, dir, url, body string, headers []string, qps float64, conns int, dur string) (load, error) {
	out := filepath.Join(dir, "fortio.json")
	args := []string{"load", "-quiet", "-json", out, "-p", "50,90,99",
		"-qps", strconv.FormatFloat(qps, 'f', -1, 64), "-c", strconv.Itoa(conns), "-t", dur,
		"-uniform", "-payload", body, "-H", "content-type: application/json"}
	for _, h := range headers {
		args = append(args, "-H", h)
	}
	args = append(args, url)
	if msg, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
		return load{}, fmt.Errorf("fortio: %v\n%s", err, msg)
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		return load{}, err
	}
	var res fortioResult
	if err := json.Unmarshal(raw, &res); err != nil {
		return load{}, fmt.Errorf("fortio json: %w", err)
	}
	l := load{QPS: res.ActualQPS, Codes: res.RetCodes}
	total := 0
	for _, n := range res.RetCodes {
		total += n
	}
	if total > 0 {
		l.Errors = 1 - float64(res.RetCodes["200"])/float64(total)
	}
	for _, p := range res.DurationHistogram.Percentiles {
		ms := p.Value * 1000
		switch p.Percentile {
		case 50:
			l.P50 = ms
		case 90:
			l.P90 = ms
		case 99:
			l.P99 = ms
		}
	}
	return l, nil
}
