package main

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// median of the runs of one scenario and mode, field by field.
func median(runs []load) load {
	pick := func(get func(load) float64) float64 {
		vals := make([]float64, len(runs))
		for i, r := range runs {
			vals[i] = get(r)
		}
		sort.Float64s(vals)
		n := len(vals)
		if n%2 == 1 {
			return vals[n/2]
		}
		return (vals[n/2-1] + vals[n/2]) / 2
	}
	return load{
		P50:    pick(func(l load) float64 { return l.P50 }),
		P90:    pick(func(l load) float64 { return l.P90 }),
		P99:    pick(func(l load) float64 { return l.P99 }),
		QPS:    pick(func(l load) float64 { return l.QPS }),
		Errors: pick(func(l load) float64 { return l.Errors }),
		RSS:    pick(func(l load) float64 { return l.RSS }),
	}
}

// report prints one table per mode: each scenario's medians and their ratio to bare Envoy
// measured in the same run.
func report(w io.Writer, modes []mode, scenarios []scenario, results map[string][]load) {
	for _, m := range modes {
		fmt.Fprintf(w, "\n%s\n\n", m.title)
		fmt.Fprintln(w, "| scenario | p50 ms | p90 ms | p99 ms | req/s | non-200 | Envoy RSS MiB | p50 x | p90 x | p99 x | req/s x | RSS x |")
		fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|---|---|")
		base := median(results[key(scenarios[0].name, m.name)])
		for _, s := range scenarios {
			runs := results[key(s.name, m.name)]
			if len(runs) == 0 {
				continue
			}
			med := median(runs)
			fmt.Fprintf(w, "| %s | %.3f | %.3f | %.3f | %.0f | %.1f%% | %.1f | %s | %s | %s | %s | %s |\n", s.name,
				med.P50, med.P90, med.P99, med.QPS, 100*med.Errors, med.RSS,
				ratio(med.P50, base.P50), ratio(med.P90, base.P90), ratio(med.P99, base.P99), ratio(med.QPS, base.QPS),
				ratio(med.RSS, base.RSS))
		}
	}
}

func ratio(v, base float64) string {
	if base == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f", v/base)
}

func key(scenario, mode string) string { return scenario + "/" + mode }

// codesLine shows the status codes of a run when they are not all 200.
func codesLine(codes map[string]int) string {
	var parts []string
	for c, n := range codes {
		parts = append(parts, fmt.Sprintf("%s:%d", c, n))
	}
	sort.Strings(parts)
	return strings.Join(parts, " ")
}
