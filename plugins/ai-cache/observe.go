package main

import (
	"github.com/aiwasm/aiwasm/sdkwrap/filterstate"
	"github.com/aiwasm/aiwasm/sdkwrap/plugin"
)

type (
	root   = plugin.Root[Config]
	stream = plugin.Stream[Config, State]
)

// status is what the cache did with a request.
type status uint8

const (
	statusNone   status = iota // not a chat completion request: not the cache's business
	statusHit                  // answered from the cache
	statusMiss                 // looked up, not found: the upstream answers
	statusBypass               // not looked up (bypass header, no-cache, no consumer, not cacheable)
)

// header is the status header's value; state the filter state's (the names
// sdkwrap/filterstate documents for cache_status).
func (s status) header() string { return [...]string{"", "HIT", "MISS", "BYPASS"}[s] }
func (s status) state() string  { return [...]string{"", "hit", "miss", "skip"}[s] }

type metrics struct {
	hits, misses, bypasses, stores, storeSkipped, evictions, errors plugin.Counter
	semanticHits, semanticErrors                                    plugin.Counter
	bytes                                                           plugin.Gauge
}

var pluginMetrics *metrics

func metricsOf(r *root) *metrics {
	if pluginMetrics == nil {
		pluginMetrics = &metrics{
			hits: r.Counter("hits"), misses: r.Counter("misses"), bypasses: r.Counter("bypasses"),
			stores: r.Counter("stores"), storeSkipped: r.Counter("store_skipped"),
			evictions: r.Counter("evictions"), errors: r.Counter("store_errors"),
			semanticHits: r.Counter("semantic_hits"), semanticErrors: r.Counter("semantic_errors"),
			bytes: r.Gauge("bytes"),
		}
	}
	return pluginMetrics
}

// decide records the request's status once: filter state for the access log and the
// plugins before this one (ai-token-ratelimit does not charge a hit), and the counter.
func decide(s *stream, st status) {
	if s.State.status != statusNone {
		return
	}
	s.State.status = st
	s.SetFilterState(filterstate.CacheStatus, st.state())
	m := metricsOf(s.Root())
	switch st {
	case statusHit:
		m.hits.Inc()
	case statusMiss:
		m.misses.Inc()
	case statusBypass:
		m.bypasses.Inc()
	}
}
