package cachestore

import (
	"testing"
	"time"
)

func TestVectorIndexNearestRespectsScopeContextAndExpiry(t *testing.T) {
	sh, c := newMapShared(), &clock{time.Unix(1000, 0)}
	x, err := newVectorIndex("t/", 4, sh, c.now)
	if err != nil {
		t.Fatal(err)
	}
	ctx := [16]byte{1}
	later := c.t.Add(time.Minute)
	if err := x.Add(key(1, "alice"), ctx, []float32{1, 0, 0}, later); err != nil {
		t.Fatal(err)
	}
	if err := x.Add(key(2, "alice"), ctx, []float32{0, 2, 0}, later); err != nil {
		t.Fatal(err)
	}
	k, sim, found, err := x.Nearest("alice", ctx, []float32{0.1, 1, 0})
	if err != nil || !found || k != key(2, "alice") || sim < 0.99 || sim > 1 {
		t.Fatalf("%v %v %v %v", k, sim, found, err)
	}
	if _, _, found, _ := x.Nearest("bob", ctx, []float32{0, 1, 0}); found {
		t.Fatal("bob found alice's question")
	}
	if _, _, found, _ := x.Nearest("alice", [16]byte{2}, []float32{0, 1, 0}); found {
		t.Fatal("another context matched")
	}
	c.t = later
	if _, _, found, _ := x.Nearest("alice", ctx, []float32{0, 1, 0}); found {
		t.Fatal("an expired question matched")
	}
	// The ring holds 4: the fifth overwrites the first.
	for i := 3; i <= 5; i++ {
		x.Add(key(i, "alice"), ctx, []float32{float32(i), 1, 1}, c.t.Add(time.Hour))
	}
	if k, _, _, _ := x.Nearest("alice", ctx, []float32{1, 0, 0}); k == key(1, "alice") {
		t.Fatal("the overwritten record still matched")
	}
}
