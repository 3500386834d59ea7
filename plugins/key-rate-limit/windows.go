package main

import (
	"strconv"
	"strings"
	"time"

	"github.com/aiwasm/aiwasm/sdkwrap/config"
	"github.com/aiwasm/aiwasm/sdkwrap/counter"
	"github.com/aiwasm/aiwasm/sdkwrap/limitkey"
)

// unit is one of the four windows a limit may be set for.
type unit struct {
	name  string // "minute": the descriptor's window value and the IETF policy name
	field string // "query_per_minute"
	size  time.Duration
}

// units in the order limits are read, checked and reported: sdkwrap/limitkey's windows,
// each with its query_per_<window> field.
var units = func() (out [len(limitkey.Windows)]unit) {
	for i, w := range limitkey.Windows {
		out[i] = unit{name: w.Name, field: "query_per_" + w.Name, size: w.Size}
	}
	return out
}()

// limit is one window of an entry: at most max requests per unit.
type limit struct {
	unit *unit
	max  int64
}

// readLimits reads the query_per_* members of e, at least one of them.
func readLimits(e *config.Reader) []limit {
	var out []limit
	for i := range units {
		u := &units[i]
		if !e.Has(u.field) {
			continue
		}
		n := e.Int(u.field, 0)
		switch {
		case n < 1:
			// Zero would refuse every request: that is a block, not a rate.
			e.Failf(u.field, "must be at least 1, got %d (to refuse every request, use request-block)", n)
		case n > counter.MaxUnits:
			e.Failf(u.field, "must be at most 2^53, got %d", n)
		default:
			out = append(out, limit{unit: u, max: int64(n)})
		}
	}
	if len(out) == 0 && !hasAnyLimit(e) {
		e.Failf("", "set at least one of query_per_second, query_per_minute, query_per_hour or query_per_day")
	}
	return out
}

func hasAnyLimit(e *config.Reader) bool {
	for i := range units {
		if e.Has(units[i].field) {
			return true
		}
	}
	return false
}

// policyHeader is the RateLimit-Policy value of limits (draft-ietf-httpapi-ratelimit-headers-11):
// one item per window, named after it, `"minute";q=100;w=60, "day";q=1000;w=86400`.
func policyHeader(limits []limit) string {
	var b strings.Builder
	for i, l := range limits {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(policyItem(l.unit, l.max))
	}
	return b.String()
}

func policyItem(u *unit, q int64) string {
	return `"` + u.name + `";q=` + strconv.FormatInt(q, 10) + ";w=" + strconv.FormatInt(int64(u.size/time.Second), 10)
}
