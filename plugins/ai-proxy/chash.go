package main

import (
	"sort"
	"strconv"
)

// ring is a consistent-hash ring: each instance of positive weight owns points in proportion
// to its weight, and a key belongs to the first point at or after its hash whose instance is
// eligible.
type ring struct {
	points []ringPoint // sorted by hash
}

type ringPoint struct {
	hash     uint64
	instance int
}

// ringBudget is about how many points a ring has per instance: enough that weights show
// within a few percent, few enough to build and search in microseconds.
const ringBudget = 160

func newRing(members, weights []int, names []string) *ring {
	total := 0
	for _, w := range weights {
		total += w
	}
	if total == 0 {
		return nil
	}
	r := &ring{}
	for m, i := range members {
		if weights[m] == 0 {
			continue
		}
		points := max(1, weights[m]*ringBudget*len(members)/total)
		for v := 0; v < points; v++ {
			r.points = append(r.points, ringPoint{hash: hash64(names[i] + "#" + strconv.Itoa(v)), instance: i})
		}
	}
	sort.Slice(r.points, func(a, b int) bool { return r.points[a].hash < r.points[b].hash })
	return r
}

// first is the instance key belongs to, and the point it was found at.
func (r *ring) first(key string, ok func(int) bool) (int, int, bool) {
	h := hash64(key)
	start := sort.Search(len(r.points), func(i int) bool { return r.points[i].hash >= h })
	return r.walk(start, ok)
}

// after is the next eligible instance clockwise from point pos.
func (r *ring) after(pos int, ok func(int) bool) (int, int, bool) {
	return r.walk(pos+1, ok)
}

// walk goes once around the ring from point start.
func (r *ring) walk(start int, ok func(int) bool) (int, int, bool) {
	n := len(r.points)
	for step := 0; step < n; step++ {
		pos := (start + step) % n
		if i := r.points[pos].instance; ok(i) {
			return i, pos, true
		}
	}
	return -1, 0, false
}

// hash64 is FNV-1a with a final mix: FNV alone spreads short, similar keys poorly over the
// high bits the ring orders by.
func hash64(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return h
}
