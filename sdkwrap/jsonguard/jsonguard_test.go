package jsonguard

import (
	"strings"
	"testing"
)

func TestValidBoundsDepth(t *testing.T) {
	nest := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
	for _, tc := range []struct {
		name string
		in   string
		want bool
	}{
		{"object", `{"a":[1,{"b":"c"}]}`, true},
		{"at the bound", nest(MaxDepth), true},
		{"past the bound", nest(MaxDepth + 1), false},
		{"brackets in strings do not count", `["` + strings.Repeat("[", 5000) + `"]`, true},
		{"an escaped quote keeps the string open", `["\"` + strings.Repeat("{", 5000) + `"]`, true},
		{"invalid but shallow", `{"a":`, false},
		{"a million opening brackets", strings.Repeat("[", 1_000_000), false},
	} {
		if got := Valid(tc.in); got != tc.want {
			t.Errorf("%s: Valid(string) = %v", tc.name, got)
		}
		if got := Valid([]byte(tc.in)); got != tc.want {
			t.Errorf("%s: Valid([]byte) = %v", tc.name, got)
		}
	}
}
