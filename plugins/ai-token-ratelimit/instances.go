package main

import (
	"strconv"
	"time"

	"github.com/aiwasm/aiwasm/sdkwrap/config"
	"github.com/aiwasm/aiwasm/sdkwrap/counter"
)

// instanceBudget is one instances item: at most limit tokens (of the configuration's
// limit_strategy) per time_window on the ai-proxy instance called name - per value of the
// limit_by_* source when there is one (per consumer with limit_by_consumer), else for every
// request together.
type instanceBudget struct {
	name   string
	limit  int64
	window time.Duration
	label  string // the descriptor's window value: "60s"
}

// strategies are limit_strategy's values: which tokens an instance budget counts.
var strategies = map[string]kind{"total_tokens": kindTotal, "prompt_tokens": kindPrompt, "completion_tokens": kindCompletion}

// maxInstanceWindow is a year: counters' windows are whole milliseconds up to 366 days.
const maxInstanceWindow = 365 * 24 * 60 * 60

func readInstanceBudgets(r *config.Reader) []instanceBudget {
	var out []instanceBudget
	seen := map[string]int{}
	r.Array("instances", func(i int, e *config.Reader) {
		b := instanceBudget{
			name:  e.String("name", "", config.Required(), config.NonEmpty()),
			limit: int64(e.Int("limit", 0, config.Required(), config.Min(1), config.Max(int64(counter.MaxUnits)))),
		}
		secs := e.Int("time_window", 0, config.Required(), config.Min(1), config.Max(maxInstanceWindow))
		b.window, b.label = time.Duration(secs)*time.Second, strconv.Itoa(secs)+"s"
		if b.name == "" {
			return
		}
		if j, dup := seen[b.name]; dup {
			e.Failf("name", "%q repeats instances[%d]: one budget per ai-proxy instance", b.name, j)
			return
		}
		seen[b.name] = i
		out = append(out, b)
	}, config.NonEmpty())
	return out
}
