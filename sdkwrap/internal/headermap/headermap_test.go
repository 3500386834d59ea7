package headermap

import "testing"

func TestRoundTripsAndRefusesGarbage(t *testing.T) {
	pairs := [][2]string{{":path", "/"}, {"x-a", ""}, {"x-b", "v\x00with nul"}}
	got, err := Decode(Encode(pairs))
	if err != nil || len(got) != 3 || got[2][1] != "v\x00with nul" || got[1] != pairs[1] {
		t.Fatalf("round trip: %v %v", got, err)
	}
	for _, bad := range [][]byte{{1}, {255, 255, 255, 255}, append(Encode(pairs)[:20], 0)} {
		if _, err := Decode(bad); err == nil {
			t.Fatalf("garbage %v decoded", bad)
		}
	}
}
