package counter

import "testing"

func TestStorageKey(t *testing.T) {
	for _, c := range []struct {
		d    []Entry
		want string
	}{
		{[]Entry{{"consumer", "alice"}}, "p/60000/consumer=alice"},
		{[]Entry{{"consumer", "alice"}, {"model", "gpt-4o"}}, "p/60000/consumer=alice;model=gpt-4o"},
		{[]Entry{{"k", `a=b;c\d`}}, `p/60000/k=a\=b\;c\\d`},
		{[]Entry{{"", ""}}, "p/60000/="},
	} {
		if got := storageKey("p/", 60000, c.d); got != c.want {
			t.Errorf("storageKey(%v) = %q, want %q", c.d, got, c.want)
		}
	}
}

// Descriptors that would collide if separators were not escaped keep apart.
func TestStorageKeyIsInjective(t *testing.T) {
	sets := [][]Entry{
		{{"a", "b;c=d"}},
		{{"a", "b"}, {"c", "d"}},
		{{"a=b", "c"}},
		{{"a", "b=c"}},
		{{"a", `b\`}, {"c", "d"}},
		{{"a", `b\;c=d`}},
		{{"a", `b`}, {`\c`, "d"}},
		{{"a;b", ""}},
		{{"a", ""}, {"b", ""}},
	}
	seen := map[string]int{}
	for i, d := range sets {
		k := storageKey("", 1000, d)
		if j, dup := seen[k]; dup {
			t.Errorf("descriptors %v and %v share key %q", sets[j], d, k)
		}
		seen[k] = i
	}
	if storageKey("", 1000, sets[0]) == storageKey("", 60000, sets[0]) {
		t.Error("two window sizes share a counter")
	}
}
