package rules

import (
	"strings"

	"github.com/tidwall/gjson"
)

// layout is a configuration cut into its parts, as raw JSON members: the global config
// (every top-level member but _rules_) and each rule's own keys (its _match_* keys left
// out). raw must already have passed config.NewReader, so it is valid, without duplicate
// keys, and gjson reads it as that parser does.
type layout struct {
	global     []rawMember
	hasGlobal  bool          // a top-level key other than the reserved '_' ones
	rules      [][]rawMember // nil for an entry that is not an object
	rulesArray bool          // _rules_ is present as an array (maybe empty)
}

// rawMember is one object member: its key decoded, and `"key":value` as written.
type rawMember struct {
	key  string
	text string
}

func cut(raw []byte) layout {
	var l layout
	gjson.ParseBytes(raw).ForEach(func(k, v gjson.Result) bool {
		if k.Str != rulesKey {
			l.global = append(l.global, member(k, v))
			l.hasGlobal = l.hasGlobal || !strings.HasPrefix(k.Str, "_")
			return true
		}
		if !v.IsArray() {
			return true
		}
		l.rulesArray = true
		v.ForEach(func(_, entry gjson.Result) bool {
			var own []rawMember
			if entry.IsObject() {
				own = []rawMember{} // an object without keys is still an object
				entry.ForEach(func(k, v gjson.Result) bool {
					if !strings.HasPrefix(k.Str, matcherPrefix) {
						own = append(own, member(k, v))
					}
					return true
				})
			}
			l.rules = append(l.rules, own)
			return true
		})
		return true
	})
	return l
}

func member(k, v gjson.Result) rawMember { return rawMember{key: k.Str, text: k.Raw + ":" + v.Raw} }

// merge is the config a rule applies: the global members its own keys do not override,
// then its own. Only top-level keys merge; a nested object in the rule replaces the
// global one whole.
func merge(global, own []rawMember) []byte {
	overridden := make(map[string]bool, len(own))
	for _, m := range own {
		overridden[m.key] = true
	}
	var b strings.Builder
	b.WriteByte('{')
	n := 0
	add := func(m rawMember) {
		if n > 0 {
			b.WriteByte(',')
		}
		b.WriteString(m.text)
		n++
	}
	for _, m := range global {
		if !overridden[m.key] {
			add(m)
		}
	}
	for _, m := range own {
		add(m)
	}
	b.WriteByte('}')
	return []byte(b.String())
}
