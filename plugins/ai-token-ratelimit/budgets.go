package main

import (
	"github.com/aiwasm/aiwasm/sdkwrap/config"
	"github.com/aiwasm/aiwasm/sdkwrap/counter"
	"github.com/aiwasm/aiwasm/sdkwrap/limitkey"
	"github.com/aiwasm/aiwasm/sdkwrap/usage"
)

// kind is what a budget counts.
type kind uint8

const (
	kindTotal      kind = iota // token_per_<window>: prompt + completion tokens
	kindPrompt                 // prompt_token_per_<window>
	kindCompletion             // completion_token_per_<window>
	kindRequests               // request_per_<window>
)

// kinds: the field prefix and the descriptor's budget value of each kind, in reading order.
var kinds = [...]struct{ prefix, name string }{
	kindTotal:      {"token_per_", "tokens"},
	kindPrompt:     {"prompt_token_per_", "prompt_tokens"},
	kindCompletion: {"completion_token_per_", "completion_tokens"},
	kindRequests:   {"request_per_", "requests"},
}

func (k kind) tokens() bool { return k != kindRequests }

// of is the part of u this kind counts.
func (k kind) of(u usage.Usage) int64 {
	switch k {
	case kindPrompt:
		return u.Prompt
	case kindCompletion:
		return u.Completion
	}
	return u.Total
}

// budget is one window of an entry: at most max units of kind per window.
type budget struct {
	kind   kind
	window *limitkey.Window
	max    int64
}

// budgets are an entry's, tokens first, then requests (the order admission takes them).
type budgets []budget

type entry = limitkey.Entry[budgets]

// readBudgets reads the <kind>_per_<window> members of e, at least one of them.
func readBudgets(e *config.Reader) budgets {
	var out budgets
	for k := range kinds {
		for i := range limitkey.Windows {
			w := &limitkey.Windows[i]
			field := kinds[k].prefix + w.Name
			if !e.Has(field) {
				continue
			}
			n := e.Int(field, 0)
			switch {
			case n < 1:
				e.Failf(field, "must be at least 1, got %d (to refuse every request, use request-block)", n)
			case n > counter.MaxUnits:
				e.Failf(field, "must be at most 2^53, got %d", n)
			default:
				out = append(out, budget{kind: kind(k), window: w, max: int64(n)})
			}
		}
	}
	if len(out) == 0 && !hasAnyBudget(e) {
		e.Failf("", "set at least one budget: token_per_<window>, prompt_token_per_<window>, completion_token_per_<window> "+
			"or request_per_<window>, <window> being second, minute, hour or day")
	}
	return out
}

func hasAnyBudget(e *config.Reader) bool {
	for k := range kinds {
		for _, w := range limitkey.Windows {
			if e.Has(kinds[k].prefix + w.Name) {
				return true
			}
		}
	}
	return false
}
