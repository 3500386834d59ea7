package plugin

import "github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm"

// Property reads a host property, e.g. Property("source", "address"); ok is false when the
// host has none.
func (s *Stream[C, S]) Property(path ...string) (value []byte, ok bool) {
	v, err := proxywasm.GetProperty(path)
	return v, err == nil
}

// SetFilterState publishes a value under a filter-state name (sdkwrap/filterstate names them) for the
// plugins after this one and for access logs (%FILTER_STATE(wasm.<name>:PLAIN)%).
func (s *Stream[C, S]) SetFilterState(name, value string) {
	if err := proxywasm.SetProperty([]string{name}, []byte(value)); err != nil {
		s.log.Warnf("setting filter state %s: %v", name, err)
	}
}

// FilterState reads a value an earlier plugin published with SetFilterState (Envoy finds
// filter state "wasm.<name>" under the bare name).
func (s *Stream[C, S]) FilterState(name string) (string, bool) {
	v, err := proxywasm.GetProperty([]string{name})
	return string(v), err == nil
}

// RouteName is the name of the route the request matched: xds.route_name on Envoy, the bare
// route_name on Higress. Read it before changing headers that affect routing: it is stale
// until the router re-matches.
func (s *Stream[C, S]) RouteName() string { return s.routeName() }

// ClusterName is the upstream cluster of the matched route (xds.cluster_name on Envoy,
// cluster_name on Higress).
func (s *Stream[C, S]) ClusterName() string { return s.clusterName() }

func (s *Stream[C, S]) routeName() string {
	return firstProperty([]string{"xds", "route_name"}, []string{"route_name"})
}

func (s *Stream[C, S]) clusterName() string {
	return firstProperty([]string{"xds", "cluster_name"}, []string{"cluster_name"})
}

func (s *Stream[C, S]) authority() string { return s.Authority() }

func firstProperty(paths ...[]string) string {
	for _, p := range paths {
		if v, err := proxywasm.GetProperty(p); err == nil && len(v) > 0 {
			return string(v)
		}
	}
	return ""
}
