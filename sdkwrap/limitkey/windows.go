package limitkey

import "time"

// Window is one of the four windows a per-window field may be set for: <prefix><name>,
// query_per_minute or token_per_hour.
type Window struct {
	Name string // "minute": the descriptor's window value and the IETF policy name
	Size time.Duration
}

// Windows in the order limits are read, checked and reported.
var Windows = [...]Window{
	{"second", time.Second},
	{"minute", time.Minute},
	{"hour", time.Hour},
	{"day", 24 * time.Hour},
}

// CeilSeconds rounds up to whole seconds: a client that waits that long finds the window
// moved on.
func CeilSeconds(d time.Duration) int64 {
	if d <= 0 {
		return 0
	}
	return int64((d + time.Second - 1) / time.Second)
}
