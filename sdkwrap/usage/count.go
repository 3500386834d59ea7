package usage

import (
	"math"
	"strconv"

	"github.com/tidwall/gjson"
)

// count is one token counter of a usage object and whether it was reported; n is 0 when not.
type count struct {
	n  int64
	ok bool
}

// tokenCount reads a token counter. Only non-negative integral numbers count; a number too
// large for int64 saturates, since a provider that says "a lot" must not be charged nothing.
func tokenCount(r gjson.Result) count {
	if r.Type != gjson.Number {
		return count{}
	}
	if n, err := strconv.ParseInt(r.Raw, 10, 64); err == nil {
		if n < 0 {
			return count{}
		}
		return count{n, true}
	}
	// An exponent, a fraction or an integer beyond int64: go by the float value.
	f := r.Num
	switch {
	case f < 0 || f != math.Trunc(f): // negative, fractional or NaN
		return count{}
	case f >= math.MaxInt64:
		return count{math.MaxInt64, true}
	}
	return count{int64(f), true}
}

// add sums non-negative counts, saturating instead of overflowing.
func add(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

// build turns the prompt, completion and total counters into a Usage; it reports false when
// none of them was reported.
func build(prompt, completion, total count) (Usage, bool) {
	if !prompt.ok && !completion.ok && !total.ok {
		return Usage{}, false
	}
	u := Usage{Prompt: prompt.n, Completion: completion.n, Total: total.n}
	if !total.ok {
		u.Total = add(u.Prompt, u.Completion)
	}
	return u, true
}
