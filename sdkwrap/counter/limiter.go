package counter

import (
	"strconv"
	"strings"
	"time"

	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm"
)

// Policy says what a Limiter does when its backend fails.
type Policy struct {
	// FailOpen admits requests while the backend fails; false denies them.
	FailOpen bool
	// ErrorMetric names a counter incremented once per backend error, e.g.
	// "key_rate_limit_backend_errors"; "" counts nothing.
	ErrorMetric string
	// Name starts the warning line, e.g. "key-rate-limit".
	Name string
}

// errorLogInterval spaces the warnings of one Limiter: with the backend down every request
// fails, and a line per request would flood Envoy's log. The metric counts every error.
const errorLogInterval = time.Second

// Limiter is a Backend with a failure policy: when the backend fails, the decision is
// Allowed = FailOpen, the error metric goes up, and a warning names the failure - the
// descriptor's keys and the error, never values or credentials; at most one line per second
// per VM, telling how many errors it stands for. done still receives the error, so a plugin
// can say so in a header; the decision is the one to act on.
type Limiter struct {
	backend  Backend
	direct   syncBackend // the backend again when it always answers at once, else nil
	failOpen bool
	name     string

	countError func()
	warn       func(string)
	clock      func() time.Time

	lastWarn time.Time
	unlogged int // errors since lastWarn without a line of their own
}

// A Limiter is itself a Backend: plugins hold one and never the bare backend.
var _ Backend = (*Limiter)(nil)

// NewLimiter wraps b with p. It defines the error metric, so call it when the plugin starts.
func NewLimiter(b Backend, p Policy) *Limiter {
	l := &Limiter{backend: b, failOpen: p.FailOpen, name: p.Name, warn: proxywasm.LogWarn, clock: time.Now}
	l.direct, _ = b.(syncBackend)
	if p.ErrorMetric != "" {
		m := proxywasm.DefineCounterMetric(p.ErrorMetric)
		l.countError = func() { m.Increment(1) }
	}
	return l
}

// syncBackend is a Backend that always answers at once (Local): the Limiter calls it
// directly rather than through a closure, one allocation less on every request.
type syncBackend interface {
	takeNow(Request) (Decision, error)
}

// Take is the backend's Take with the policy applied to its errors.
func (l *Limiter) Take(req Request, done func(Decision, error)) bool {
	if l.direct != nil {
		d, err := l.direct.takeNow(req)
		done(l.apply(req.Descriptor, d, err))
		return false
	}
	return l.backend.Take(req, func(d Decision, err error) {
		done(l.apply(req.Descriptor, d, err))
	})
}

// apply replaces the decision of a failed Take with the policy's.
func (l *Limiter) apply(desc []Entry, d Decision, err error) (Decision, error) {
	if err == nil {
		return d, nil
	}
	l.report(desc, err)
	return Decision{Allowed: l.failOpen}, err
}

func (l *Limiter) report(d []Entry, err error) {
	if l.countError != nil {
		l.countError()
	}
	now := l.clock()
	if !l.lastWarn.IsZero() && now.Sub(l.lastWarn) < errorLogInterval {
		l.unlogged++
		return
	}
	var b strings.Builder
	if l.name != "" {
		b.WriteString(l.name + ": ")
	}
	b.WriteString("rate-limit counter failed for [" + strings.Join(keysOf(d), ",") + "], ")
	if l.failOpen {
		b.WriteString("admitting (fail open): ")
	} else {
		b.WriteString("denying (fail closed): ")
	}
	b.WriteString(err.Error())
	if l.unlogged > 0 {
		b.WriteString(" (and " + strconv.Itoa(l.unlogged) + " more errors since the last report)")
	}
	l.warn(b.String())
	l.lastWarn, l.unlogged = now, 0
}
