package main

import (
	"strings"
	"time"

	"github.com/aiwasm/aiwasm/sdkwrap/cachestore"
	"github.com/aiwasm/aiwasm/sdkwrap/config"
	"github.com/aiwasm/aiwasm/sdkwrap/redis"
)

// Config is one scope's configuration (global, or a _rules_ entry's), validated.
type Config struct {
	strategy strategy
	global   bool // scope "global"; else per consumer
	ttl      time.Duration

	store     cachestore.Store
	maxAnswer int // the largest answer stored

	statusHeader string
	bypassName   string // bypass_header.name, lower case
	bypassValue  string // bypass_header.value; "" means any value

	finishReasons map[string]bool
	toolCalls     bool // cache_tool_calls

	semantic *semanticConfig // nil: exact matches only
}

type strategy uint8

const (
	strategyFull strategy = iota
	strategyAllQuestions
	strategyLastQuestion
)

var strategyNames = []string{"full", "all_questions", "last_question"}

// Defaults and bounds.
const (
	defaultTTL        = 3600
	defaultMaxBytes   = 16 << 20
	defaultMaxEntries = 4096
	maxMaxBytes       = 1 << 30
	// maxCachedRequest is the largest request body the plugin reads: larger requests pass on
	// uncached (BYPASS).
	maxCachedRequest = 4 << 20
)

func parseConfig(r *config.Reader) (*Config, error) {
	c := &Config{}
	s := r.Enum("cache_key_strategy", "full", strategyNames...)
	for i, name := range strategyNames {
		if s == name {
			c.strategy = strategy(i)
		}
	}
	c.global = r.Enum("scope", "consumer", "consumer", "global") == "global"
	c.ttl = time.Duration(r.Int("ttl", defaultTTL, config.Min(1), config.Max(30*24*3600))) * time.Second
	if r.Has("ttl_seconds") {
		r.Failf("ttl_seconds", "unknown field: the time to live is ttl, in seconds")
	}
	kind := r.Enum("store", "local", "local", "redis")
	maxBytes := r.Int("max_bytes", defaultMaxBytes, config.Min(4096), config.Max(maxMaxBytes))
	maxEntries := r.Int("max_entries", defaultMaxEntries, config.Min(cachestore.MinEntries), config.Max(cachestore.MaxEntries))
	rs := redis.Read(r, redis.Choice{Wanted: kind == "redis", Field: "store", Plugin: "ai-cache",
		Otherwise: `use "local" (every gateway keeps its own cache)`})
	if kind == "redis" {
		for _, f := range []string{"max_bytes", "max_entries"} {
			if r.Has(f) {
				r.Failf(f, `only with store "local": Redis's own maxmemory bounds the Redis store`)
			}
		}
	}
	c.statusHeader = strings.ToLower(r.String("status_header", "X-AI-Cache-Status", config.NonEmpty()))
	checkHeaderName(r, "status_header", c.statusHeader)
	c.bypassName, c.bypassValue = "x-ai-cache", "skip"
	r.Object("bypass_header", func(o *config.Reader) {
		c.bypassName = strings.ToLower(o.String("name", "", config.Required(), config.NonEmpty()))
		checkHeaderName(o, "name", c.bypassName)
		c.bypassValue = o.String("value", "")
	})
	c.finishReasons = map[string]bool{}
	for _, f := range r.Strings("cacheable_finish_reasons", []string{"stop"}, config.NonEmpty()) {
		c.finishReasons[f] = true
	}
	c.toolCalls = r.Bool("cache_tool_calls", false)
	if c.toolCalls {
		c.finishReasons["tool_calls"] = true
	}
	c.semantic = readSemantic(r)
	if err := r.Err(); err != nil {
		return nil, err
	}
	prefix := c.openStore(r, kind, rs, maxEntries, maxBytes)
	if err := r.Err(); err != nil {
		return nil, err
	}
	if c.semantic != nil {
		if err := c.semantic.open(prefix); err != nil {
			r.Failf("semantic", "%v", err)
			return nil, r.Err()
		}
	}
	return c, nil
}

// checkHeaderName refuses what cannot be an HTTP header name.
func checkHeaderName(r *config.Reader, key, name string) {
	for i := 0; i < len(name); i++ {
		ch := name[i]
		if !(ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", ch) >= 0) {
			r.Failf(key, "not a valid header name")
			return
		}
	}
}

// start defines the metrics.
func start(root *root) error {
	metricsOf(root)
	storeLog = root.Log()
	return nil
}
