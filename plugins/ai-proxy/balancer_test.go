package main

import (
	"fmt"
	"testing"
)

func all(int) bool { return true }

func pickerOf(chash bool, specs ...balanced) *picker { return newPicker(specs, chash) }

// Smooth weighted round robin is exact: 8:2 gives 800 and 200 of 1000, spread evenly.
func TestRoundRobinWeights(t *testing.T) {
	p := pickerOf(false, balanced{"a", 8, 0}, balanced{"b", 2, 0})
	counts := [2]int{}
	var first10 []int
	for i := 0; i < 1000; i++ {
		pick, ok := p.plan("", 2).Next(all)
		if !ok {
			t.Fatal("no pick")
		}
		counts[pick]++
		if i < 10 {
			first10 = append(first10, pick)
		}
	}
	if counts != [2]int{800, 200} {
		t.Fatalf("counts %v", counts)
	}
	// Smooth: b's turns are spread, not bunched (nginx's sequence for 8:2).
	if fmt.Sprint(first10) != "[0 0 1 0 0 0 0 1 0 0]" {
		t.Fatalf("order %v", first10)
	}
}

func TestRoundRobinThreeWays(t *testing.T) {
	p := pickerOf(false, balanced{"a", 5, 0}, balanced{"b", 3, 0}, balanced{"c", 2, 0})
	counts := [3]int{}
	for i := 0; i < 1000; i++ {
		pick, _ := p.plan("", 1).Next(all)
		counts[pick]++
	}
	if counts != [3]int{500, 300, 200} {
		t.Fatalf("counts %v", counts)
	}
}

// An ineligible instance takes no turn, and the others keep their proportions.
func TestRoundRobinSkipsIneligible(t *testing.T) {
	p := pickerOf(false, balanced{"a", 1, 0}, balanced{"b", 1, 0}, balanced{"c", 2, 0})
	notB := func(i int) bool { return i != 1 }
	counts := [3]int{}
	for i := 0; i < 300; i++ {
		pick, _ := p.plan("", 1).Next(notB)
		counts[pick]++
	}
	if counts != [3]int{100, 0, 200} {
		t.Fatalf("counts %v", counts)
	}
}

// A plan tries every instance once: its group by the balancer, then failover by weight, then
// the standbys (weight 0), then the lower priorities; max bounds it.
func TestPlanOrder(t *testing.T) {
	p := pickerOf(false,
		balanced{"low", 5, -1},
		balanced{"a", 1, 10},
		balanced{"standby", 0, 10},
		balanced{"b", 3, 10},
		balanced{"mid", 1, 5},
	)
	order := func(pl *Plan, eligible func(int) bool) []int {
		var out []int
		for {
			i, ok := pl.Next(eligible)
			if !ok {
				return out
			}
			out = append(out, i)
		}
	}
	// First request: SWRR over a(1), b(3) picks b; failover: a, then the standby; then the
	// lower groups by priority.
	if got := order(p.plan("", 5), all); fmt.Sprint(got) != "[3 1 2 4 0]" {
		t.Fatalf("order %v", got)
	}
	if got := order(p.plan("", 2), all); len(got) != 2 {
		t.Fatalf("max_attempts 2: %v", got)
	}
	// The whole top group out: the next group's only instance first.
	if got := order(p.plan("", 5), func(i int) bool { return i == 0 || i == 4 }); fmt.Sprint(got) != "[4 0]" {
		t.Fatalf("order %v", got)
	}
	// Only the standby left in the top group: it serves before lower priorities.
	if got := order(p.plan("", 5), func(i int) bool { return i != 1 && i != 3 }); fmt.Sprint(got) != "[2 4 0]" {
		t.Fatalf("order %v", got)
	}
}

// A lower group's round-robin state moves only when the group is reached.
func TestLowerGroupStateUntouched(t *testing.T) {
	p := pickerOf(false, balanced{"top", 1, 1}, balanced{"x", 1, 0}, balanced{"y", 1, 0})
	for i := 0; i < 5; i++ {
		if pick, _ := p.plan("", 3).Next(all); pick != 0 {
			t.Fatal(pick)
		}
	}
	var got []int
	for i := 0; i < 4; i++ {
		pl := p.plan("", 3)
		pl.Next(all) // top fails
		j, _ := pl.Next(all)
		got = append(got, j)
	}
	if fmt.Sprint(got) != "[1 2 1 2]" {
		t.Fatalf("lower group %v", got)
	}
}

// Eligibility is asked at each step: what an attempt taught counts for the next.
func TestEligibilityIsLive(t *testing.T) {
	p := pickerOf(false, balanced{"a", 1, 0}, balanced{"b", 1, 0}, balanced{"c", 1, 0})
	down := map[int]bool{}
	eligible := func(i int) bool { return !down[i] }
	pl := p.plan("", 3)
	first, _ := pl.Next(eligible)
	down[(first+1)%3] = true // learned during the first attempt
	second, _ := pl.Next(eligible)
	if second == first || second == (first+1)%3 {
		t.Fatalf("first %d, second %d", first, second)
	}
	if _, ok := pl.Next(eligible); ok {
		t.Fatal("a third instance from two eligible")
	}
	if pl.Attempts() != 2 {
		t.Fatal(pl.Attempts())
	}
}

// Consistent hashing: a key keeps its instance; weights show in the share of keys; when an
// instance drops out only its keys move, and they come back when it returns.
func TestCHash(t *testing.T) {
	p := pickerOf(true, balanced{"a", 1, 0}, balanced{"b", 1, 0}, balanced{"c", 2, 0})
	const keys = 4000
	owner := make([]int, keys)
	counts := [3]int{}
	for k := 0; k < keys; k++ {
		key := fmt.Sprintf("user-%d", k)
		i, _ := p.plan(key, 1).Next(all)
		if again, _ := p.plan(key, 1).Next(all); again != i {
			t.Fatalf("%s moved from %d to %d", key, i, again)
		}
		owner[k] = i
		counts[i]++
	}
	for i, want := range []float64{0.25, 0.25, 0.5} {
		if share := float64(counts[i]) / keys; share < want-0.06 || share > want+0.06 {
			t.Errorf("instance %d has %.3f of the keys, want about %.2f", i, share, want)
		}
	}
	withoutB := func(i int) bool { return i != 1 }
	for k := 0; k < keys; k++ {
		i, _ := p.plan(fmt.Sprintf("user-%d", k), 1).Next(withoutB)
		if owner[k] != 1 && i != owner[k] {
			t.Fatalf("key %d moved from %d to %d though its instance stayed", k, owner[k], i)
		}
		if owner[k] == 1 && i == 1 {
			t.Fatalf("key %d stayed on the removed instance", k)
		}
	}
	for k := 0; k < keys; k++ {
		if i, _ := p.plan(fmt.Sprintf("user-%d", k), 1).Next(all); i != owner[k] {
			t.Fatalf("key %d did not come back", k)
		}
	}
}

// Reordering the instances moves no key: points are placed by name.
func TestCHashIgnoresOrder(t *testing.T) {
	p := pickerOf(true, balanced{"a", 1, 0}, balanced{"b", 1, 0})
	q := pickerOf(true, balanced{"b", 1, 0}, balanced{"a", 1, 0})
	for k := 0; k < 200; k++ {
		key := fmt.Sprint(k)
		i, _ := p.plan(key, 1).Next(all)
		j, _ := q.plan(key, 1).Next(all)
		if i != 1-j {
			t.Fatalf("key %s: %d vs %d", key, i, j)
		}
	}
}

// Failover on the ring goes clockwise to distinct instances; no key falls back to round robin.
func TestCHashFailoverAndEmptyKey(t *testing.T) {
	p := pickerOf(true, balanced{"a", 1, 0}, balanced{"b", 1, 0}, balanced{"c", 1, 0}, balanced{"spare", 0, 0})
	pl := p.plan("some-user", 4)
	seen := map[int]bool{}
	for n := 0; n < 4; n++ {
		i, ok := pl.Next(all)
		if !ok || seen[i] {
			t.Fatalf("attempt %d: %d %v (seen %v)", n, i, ok, seen)
		}
		seen[i] = true
		if n < 3 && i == 3 {
			t.Fatal("the standby before the weighted instances")
		}
	}
	counts := [4]int{}
	for n := 0; n < 300; n++ {
		i, _ := p.plan("", 1).Next(all)
		counts[i]++
	}
	if counts != [4]int{100, 100, 100, 0} {
		t.Fatalf("empty key: %v", counts)
	}
}
