package main

import "sort"

// The order in which one request tries instances.
//
// Instances are grouped by priority, highest first; a lower group is tried only when every
// instance of the higher ones is ineligible or was tried. Within a group the first instance
// is chosen by the balancer: roundrobin is smooth weighted round robin (nginx's: exact
// proportions, spread evenly, deterministic), chash a consistent-hash ring of the request's
// key, on which each instance has points in proportion to its weight, so that a key stays
// with its instance while that instance is eligible and only the keys of an instance that
// drops out move. Failover within a group then goes to the other instances by weight,
// highest first (on the ring: the next instances clockwise). Instances of weight 0 are tried
// last in their group, in configuration order: standbys.
//
// Eligibility (not exhausted, not unhealthy, its cluster known...) is the caller's and is
// asked each time the next instance is chosen, so what an earlier attempt taught (a key
// that cooled down, an instance marked unhealthy) counts for the later ones.
//
// State (the round-robin weights) is per worker and is touched only when a group is
// actually reached: a request served by its first choice leaves lower groups alone.

// picker is the balancer of one configuration: instance indexes grouped by priority.
type picker struct {
	groups []*group
	n      int // instances
}

type group struct {
	priority int
	members  []int // instance indexes, configuration order
	weights  []int // parallel to members
	current  []int // smooth weighted round robin state
	byWeight []int // positions in members, heaviest first (failover order)
	ring     *ring // chash only; nil when every weight is 0
}

// balanced is what the balancer knows of an instance.
type balanced struct {
	name     string // places it on the ring, so that reordering instances moves no key
	weight   int
	priority int
}

// newPicker groups instances (index i is instance i).
func newPicker(instances []balanced, chash bool) *picker {
	p := &picker{n: len(instances)}
	byPriority := map[int]*group{}
	var names []string
	for i, in := range instances {
		g := byPriority[in.priority]
		if g == nil {
			g = &group{priority: in.priority}
			byPriority[in.priority] = g
			p.groups = append(p.groups, g)
		}
		g.members = append(g.members, i)
		g.weights = append(g.weights, in.weight)
		names = append(names, in.name)
	}
	sort.SliceStable(p.groups, func(a, b int) bool { return p.groups[a].priority > p.groups[b].priority })
	for _, g := range p.groups {
		g.current = make([]int, len(g.members))
		g.byWeight = make([]int, len(g.members))
		for i := range g.byWeight {
			g.byWeight[i] = i
		}
		sort.SliceStable(g.byWeight, func(a, b int) bool { return g.weights[g.byWeight[a]] > g.weights[g.byWeight[b]] })
		if chash {
			g.ring = newRing(g.members, g.weights, names)
		}
	}
	return p
}

// Plan is the attempts of one request, chosen one at a time with Next.
type Plan struct {
	p        *picker
	key      string // chash key; "" falls back to round robin
	max      int
	tried    []bool
	attempts int
	g        int  // current group
	started  bool // the current group's first choice was made
	ringPos  int  // chash: where the walk around the ring stands
}

// plan starts the attempts of one request: at most max of them, hashing key (chash).
func (p *picker) plan(key string, max int) *Plan {
	return &Plan{p: p, key: key, max: max, tried: make([]bool, p.n)}
}

// Next returns the index of the instance to try next, or false when the attempts are used
// up or no eligible instance is left. eligible(i) says whether instance i may be tried now.
func (pl *Plan) Next(eligible func(i int) bool) (int, bool) {
	if pl.attempts >= pl.max {
		return 0, false
	}
	ok := func(i int) bool { return !pl.tried[i] && eligible(i) }
	for ; pl.g < len(pl.p.groups); pl.g, pl.started = pl.g+1, false {
		g := pl.p.groups[pl.g]
		i, found := -1, false
		if !pl.started {
			pl.started = true
			if g.ring != nil && pl.key != "" {
				i, pl.ringPos, found = g.ring.first(pl.key, ok)
			} else {
				i, found = g.smoothPick(ok)
			}
		} else if g.ring != nil && pl.key != "" {
			i, pl.ringPos, found = g.ring.after(pl.ringPos, ok)
		}
		if !found {
			i, found = g.heaviest(ok)
		}
		if found {
			pl.tried[i] = true
			pl.attempts++
			return i, true
		}
	}
	return 0, false
}

// Attempts is how many instances Next handed out.
func (pl *Plan) Attempts() int { return pl.attempts }

// smoothPick is one step of smooth weighted round robin over the eligible members of
// positive weight: each gains its weight, the richest is chosen and pays the total.
func (g *group) smoothPick(ok func(int) bool) (int, bool) {
	best, total := -1, 0
	for m, i := range g.members {
		if g.weights[m] == 0 || !ok(i) {
			continue
		}
		g.current[m] += g.weights[m]
		total += g.weights[m]
		if best < 0 || g.current[m] > g.current[best] {
			best = m
		}
	}
	if best < 0 {
		return -1, false
	}
	g.current[best] -= total
	return g.members[best], true
}

// heaviest is the eligible member of the highest weight (first in configuration order on a
// tie), weight-0 members last.
func (g *group) heaviest(ok func(int) bool) (int, bool) {
	for _, m := range g.byWeight {
		if ok(g.members[m]) {
			return g.members[m], true
		}
	}
	return -1, false
}
