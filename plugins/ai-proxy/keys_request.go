package main

import "time"

// What the request loop asks key rotation beyond keys.go.

// keyCount is the number of api_keys of in, 0 without.
func keyCount(in *Instance) int {
	if in.keys == nil {
		return 0
	}
	return len(in.keys.keys)
}

// freshKey reports whether one of in's keys is not cooling down: a refused key is worth
// retrying the instance with only then (PickKey would otherwise hand back a cooling one).
func (in *Instance) freshKey(s sharedStore, now time.Time) bool {
	if in.keys == nil {
		return false
	}
	nowMs := unixMillis(now)
	for i := range in.keys.keys {
		if in.keys.coolUntil(s, i) <= nowMs {
			return true
		}
	}
	return false
}
