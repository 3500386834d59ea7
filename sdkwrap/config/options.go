package config

import (
	"strconv"
	"strings"
	"time"
)

// Option adds a check to an accessor. An option an accessor cannot apply (Min on a string,
// a time.Duration bound on an integer) is reported as a schema problem at the field, not
// ignored: it is a bug in the plugin that its tests should see.
type Option struct {
	op     opKind
	bound  bound
	values []string
}

type opKind uint8

const (
	opRequired opKind = 1 << iota
	opNonEmpty
	opMin
	opMax
	opOneOf
)

func (o opKind) String() string {
	switch o {
	case opRequired:
		return "Required"
	case opNonEmpty:
		return "NonEmpty"
	case opMin:
		return "Min"
	case opMax:
		return "Max"
	}
	return "OneOf"
}

// Required makes an absent (or null) field a problem instead of taking the default.
func Required() Option { return Option{op: opRequired} }

// NonEmpty rejects an empty string, list or object.
func NonEmpty() Option { return Option{op: opNonEmpty} }

// OneOf restricts a string, or each string of a list, to the given values.
func OneOf(values ...string) Option { return Option{op: opOneOf, values: values} }

// Number is what Min and Max take: int or int64 bounds for Int, any of int, int64 and
// float64 for Float, time.Duration for Duration.
type Number interface {
	int | int64 | float64 | time.Duration
}

// Min rejects a number (or duration) below v.
func Min[T Number](v T) Option { return Option{op: opMin, bound: boundOf(v)} }

// Max rejects a number (or duration) above v.
func Max[T Number](v T) Option { return Option{op: opMax, bound: boundOf(v)} }

// bound is a Min or Max value with the Go type it was given in, so that an accessor can
// refuse a bound of the wrong kind.
type bound struct {
	kind boundKind
	i    int64
	f    float64
}

type boundKind uint8

const (
	boundInt boundKind = iota
	boundFloat
	boundDuration
)

func boundOf[T Number](v T) bound {
	switch x := any(v).(type) {
	case int:
		return bound{kind: boundInt, i: int64(x)}
	case int64:
		return bound{kind: boundInt, i: x}
	case float64:
		return bound{kind: boundFloat, f: x}
	case time.Duration:
		return bound{kind: boundDuration, i: int64(x)}
	}
	panic("unreachable: Number has four types")
}

// checks is the options of one accessor call, sorted out.
type checks struct {
	required bool
	nonEmpty bool
	min, max *bound
	oneOf    []string
}

// accepts says which options an accessor applies, and which bound kinds.
type accepts struct {
	ops    opKind
	bounds []boundKind
	what   string // the field's type, for the schema message
}

var (
	forString   = accepts{ops: opRequired | opNonEmpty | opOneOf, what: "a string"}
	forSecret   = accepts{ops: opRequired | opNonEmpty, what: "a secret"}
	forInt      = accepts{ops: opRequired | opMin | opMax, bounds: []boundKind{boundInt}, what: "an integer"}
	forFloat    = accepts{ops: opRequired | opMin | opMax, bounds: []boundKind{boundInt, boundFloat}, what: "a number"}
	forDuration = accepts{ops: opRequired | opMin | opMax, bounds: []boundKind{boundDuration}, what: "a duration"}
	forBool     = accepts{ops: opRequired, what: "a boolean"}
	forStrings  = accepts{ops: opRequired | opNonEmpty | opOneOf, what: "a list of strings"}
	forMap      = accepts{ops: opRequired | opNonEmpty, what: "an object"}
	forObject   = accepts{ops: opRequired, what: "an object"}
	forList     = accepts{ops: opRequired | opNonEmpty, what: "a list"}
)

// collect sorts opts out for an accessor, reporting at path any it cannot apply.
func (r *Reader) collect(path string, a accepts, opts []Option) checks {
	var c checks
	for i := range opts {
		o := &opts[i]
		if a.ops&o.op == 0 {
			r.fail(path, "schema error: "+o.op.String()+" does not apply to "+a.what)
			continue
		}
		switch o.op {
		case opRequired:
			c.required = true
		case opNonEmpty:
			c.nonEmpty = true
		case opOneOf:
			if len(o.values) == 0 {
				r.fail(path, "schema error: OneOf needs at least one value")
				continue
			}
			c.oneOf = o.values
		case opMin, opMax:
			if !kindIn(o.bound.kind, a.bounds) {
				r.fail(path, "schema error: "+o.op.String()+" of this type does not apply to "+a.what)
				continue
			}
			if o.op == opMin {
				c.min = &o.bound
			} else {
				c.max = &o.bound
			}
		}
	}
	return c
}

func kindIn(k boundKind, ks []boundKind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}

// oneOfReason is the problem with s under c.oneOf, or "".
func (c *checks) oneOfReason(s string) string {
	if c.oneOf == nil {
		return ""
	}
	for _, v := range c.oneOf {
		if s == v {
			return ""
		}
	}
	quoted := make([]string, len(c.oneOf))
	for i, v := range c.oneOf {
		quoted[i] = strconv.Quote(v)
	}
	return "must be one of " + strings.Join(quoted, ", ") + "; got " + strconv.Quote(clip(s))
}

func (c *checks) intReason(n int) string {
	switch {
	case c.min != nil && int64(n) < c.min.i:
		return "must be at least " + strconv.FormatInt(c.min.i, 10) + ", got " + strconv.Itoa(n)
	case c.max != nil && int64(n) > c.max.i:
		return "must be at most " + strconv.FormatInt(c.max.i, 10) + ", got " + strconv.Itoa(n)
	}
	return ""
}

func (c *checks) floatReason(f float64) string {
	switch {
	case c.min != nil && f < c.min.float():
		return "must be at least " + formatFloat(c.min.float()) + ", got " + formatFloat(f)
	case c.max != nil && f > c.max.float():
		return "must be at most " + formatFloat(c.max.float()) + ", got " + formatFloat(f)
	}
	return ""
}

func (c *checks) durationReason(d time.Duration) string {
	switch {
	case c.min != nil && int64(d) < c.min.i:
		return "must be at least " + time.Duration(c.min.i).String() + ", got " + d.String()
	case c.max != nil && int64(d) > c.max.i:
		return "must be at most " + time.Duration(c.max.i).String() + ", got " + d.String()
	}
	return ""
}

func (b *bound) float() float64 {
	if b.kind == boundFloat {
		return b.f
	}
	return float64(b.i)
}

func formatFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }
