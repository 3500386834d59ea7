package config

import (
	"strconv"
	"time"
)

// String reads a string. Options: Required, NonEmpty, OneOf.
func (r *Reader) String(key, def string, opts ...Option) string {
	return r.str(key, def, forString, opts)
}

// Secret reads a string that must never show up in a log: a password, an API key. It is
// String without OneOf, and no problem it reports quotes the value, only its path.
func (r *Reader) Secret(key, def string, opts ...Option) string {
	return r.str(key, def, forSecret, opts)
}

// Enum reads a string that must be one of allowed: String with OneOf(allowed...).
func (r *Reader) Enum(key, def string, allowed ...string) string {
	return r.str(key, def, forString, []Option{OneOf(allowed...)})
}

func (r *Reader) str(key, def string, a accepts, opts []Option) string {
	v, path := r.field(key)
	c := r.collect(path, a, opts)
	if !r.present(v, path, &c) {
		return def
	}
	if v.kind != kindString {
		r.fail(path, wantGot("a string", v))
		return def
	}
	if c.nonEmpty && v.text == "" {
		r.fail(path, "must not be empty")
		return def
	}
	if reason := c.oneOfReason(v.text); reason != "" {
		r.fail(path, reason)
		return def
	}
	return v.text
}

// present reports whether v is there to be read, recording a problem when a required
// field is missing.
func (r *Reader) present(v *value, path string, c *checks) bool {
	if v == nil {
		if c.required {
			r.fail(path, "missing required field")
		}
		return false
	}
	return true
}

// Int reads an integer. A fraction (1.5) or a number outside the int range is a problem;
// whole numbers written as 1.0 or 1e3 are accepted. Options: Required, Min, Max (int or
// int64 bounds).
func (r *Reader) Int(key string, def int, opts ...Option) int {
	v, path := r.field(key)
	c := r.collect(path, forInt, opts)
	if !r.present(v, path, &c) {
		return def
	}
	if v.kind != kindNumber {
		r.fail(path, wantGot("an integer", v))
		return def
	}
	n, reason := integerOf(v.text)
	if reason == "" {
		reason = c.intReason(n)
	}
	if reason != "" {
		r.fail(path, reason)
		return def
	}
	return n
}

// Float reads a number. Options: Required, Min, Max (int, int64 or float64 bounds).
func (r *Reader) Float(key string, def float64, opts ...Option) float64 {
	v, path := r.field(key)
	c := r.collect(path, forFloat, opts)
	if !r.present(v, path, &c) {
		return def
	}
	if v.kind != kindNumber {
		r.fail(path, wantGot("a number", v))
		return def
	}
	f, reason := floatOf(v.text)
	if reason == "" {
		reason = c.floatReason(f)
	}
	if reason != "" {
		r.fail(path, reason)
		return def
	}
	return f
}

// Bool reads true or false; strings such as "true" are a problem. Options: Required.
func (r *Reader) Bool(key string, def bool, opts ...Option) bool {
	v, path := r.field(key)
	c := r.collect(path, forBool, opts)
	if !r.present(v, path, &c) {
		return def
	}
	if v.kind != kindBool {
		r.fail(path, wantGot("a boolean", v))
		return def
	}
	return v.text == "true"
}

// Duration reads a duration written as a Go duration string: "300ms", "30s", "1m",
// "1h30m" (and "0"). A bare number is a problem, not seconds: whether 60 means seconds or
// milliseconds is a guess an operator should not have to make. Negative durations are a
// problem. Options: Required, Min, Max (time.Duration bounds).
func (r *Reader) Duration(key string, def time.Duration, opts ...Option) time.Duration {
	v, path := r.field(key)
	c := r.collect(path, forDuration, opts)
	if !r.present(v, path, &c) {
		return def
	}
	if v.kind != kindString {
		r.fail(path, wantGot(`a duration string such as "30s" or "1m"`, v))
		return def
	}
	d, err := time.ParseDuration(v.text)
	if err != nil {
		r.fail(path, "invalid duration "+strconv.Quote(clip(v.text))+`; want a number with a unit, such as "300ms", "30s", "1m" or "1h"`)
		return def
	}
	reason := c.durationReason(d)
	if d < 0 {
		reason = "must not be negative, got " + d.String()
	}
	if reason != "" {
		r.fail(path, reason)
		return def
	}
	return d
}
