package wasmhost

import (
	"sync"
	"time"
)

// Clock is the time a plugin sees, through WASI (time.Now, time.Since in the guest) and
// proxy_get_current_time_nanoseconds. It stands still until Advance moves it, so tests of
// windows, TTLs and ticks are exact.
type Clock struct {
	mu    sync.Mutex
	now   time.Time
	reads int64 // nanotime moves 1ns per read so that durations measured in the guest are > 0
}

// NewClock returns a clock that reads start.
func NewClock(start time.Time) *Clock { return &Clock{now: start} }

// Now is the clock's current time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d. Use Plugin.Advance to also fire ticks.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func (c *Clock) set(t time.Time) {
	c.mu.Lock()
	if t.After(c.now) {
		c.now = t
	}
	c.mu.Unlock()
}

func (c *Clock) walltime() (sec int64, nsec int32) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now.Unix(), int32(c.now.Nanosecond())
}

func (c *Clock) nanotime() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reads++
	return c.now.UnixNano() + c.reads
}
