package counter

import (
	"bytes"
	"testing"
)

func TestStateRoundTrip(t *testing.T) {
	s := state{start: 1_795_240_980_000, count: 42, prev: MaxUnits}
	b := s.encode()
	want := []byte{1, 0x20, 0x6e, 0xb3, 0xfc, 0xa1, 0x01, 0, 0, 42, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x20, 0}
	if !bytes.Equal(b, want) {
		t.Fatalf("encode = % x\nwant     % x", b, want)
	}
	got, ok := decodeState(b)
	if !ok || got != s {
		t.Fatalf("decode = %+v, %v", got, ok)
	}
}

func TestDecodeStateRefusesForeignValues(t *testing.T) {
	good := state{start: 1000, count: 1}.encode()
	negative := state{start: 1000, count: -1}.encode()
	wrongVersion := append([]byte{2}, good[1:]...)
	for _, b := range [][]byte{nil, {}, good[:24], append(good, 0), wrongVersion, negative, []byte("not a counter at all....")} {
		if s, ok := decodeState(b); ok {
			t.Errorf("decodeState(% x) = %+v, accepted", b, s)
		}
	}
}
