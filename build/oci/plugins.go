package oci

import (
	"fmt"
	"sort"
)

// Phase and Priority place a plugin in the filter chain of Istio and Higress: phases run in
// the order AUTHN, AUTHZ, STATS, UNSPECIFIED_PHASE (the end of the chain, before the router),
// and within a phase the higher priority runs first. The values below give the chain of
// envoy/gateway.yaml (DESIGN.md section 8); key-auth, request-block and key-rate-limit keep
// the values their READMEs already publish.
type Placement struct {
	Phase    string
	Priority int
}

// Placements of every plugin, by name. A module in out/ that is missing here is refused by
// PushAll: it would be pushed without knowing where it belongs.
var Placements = map[string]Placement{
	"key-auth":           {"AUTHN", 310},
	"request-block":      {"AUTHN", 300},
	"key-rate-limit":     {"UNSPECIFIED_PHASE", 20},
	"ai-token-ratelimit": {"UNSPECIFIED_PHASE", 15},
	"ai-cache":           {"UNSPECIFIED_PHASE", 10},
	"ai-proxy":           {"UNSPECIFIED_PHASE", 5},
}

// phaseRank is where each phase sits in Istio's chain.
var phaseRank = map[string]int{"AUTHN": 0, "AUTHZ": 1, "STATS": 2, "UNSPECIFIED_PHASE": 3}

// ChainOrder returns the plugins in the order Istio and Higress run them for a request.
func ChainOrder() []string {
	names := make([]string, 0, len(Placements))
	for name := range Placements {
		names = append(names, name)
	}
	sort.Slice(names, func(i, j int) bool { return runsBefore(Placements[names[i]], Placements[names[j]]) })
	return names
}

func runsBefore(a, b Placement) bool {
	if phaseRank[a.Phase] != phaseRank[b.Phase] {
		return phaseRank[a.Phase] < phaseRank[b.Phase]
	}
	return a.Priority > b.Priority
}

func placementOf(plugin string) (Placement, error) {
	p, ok := Placements[plugin]
	if !ok {
		return Placement{}, fmt.Errorf("no phase and priority for plugin %q: add it to build/oci/plugins.go", plugin)
	}
	return p, nil
}
