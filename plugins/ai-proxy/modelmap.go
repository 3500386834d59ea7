package main

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// ModelMap renames the model a client asks for into the one the provider is asked for.
//
// A pattern (a key of the object form, a "from" of the list form) is one of:
//   - an exact name: "gpt-4";
//   - a prefix ending in '*': "gpt-4o-*" (a '*' anywhere else is refused);
//   - "~" and an RE2 expression, unanchored as written: "~^claude-(.+)$"; the target may
//     use its groups, "$1" or "${name}" ("$$" is a dollar);
//   - "*": any model, the default.
//
// The target "" keeps the requested name (Higress's meaning), which lets a rule exempt
// some models from a broader one.
//
// Precedence, object form: the exact name; else the longest matching prefix; else the
// first matching expression in document order; else "*"; else the name is kept. List
// form: the first entry that matches, in order ("*" must then be last).
type ModelMap struct {
	ordered  bool        // list form: rules in order
	rules    []modelRule // list form: all; object form: prefixes (longest first), then regexps
	exact    map[string]string
	fallback *string // "*"
}

type modelRule struct {
	prefix string         // prefix rule, without the '*'
	re     *regexp.Regexp // expression rule
	exact  string         // exact rule (list form only)
	any    bool           // "*" (list form only)
	target string
}

// Map returns the model to ask the provider for when the client asked for model.
func (m *ModelMap) Map(model string) string {
	if m == nil {
		return model
	}
	if !m.ordered {
		if t, ok := m.exact[model]; ok {
			return keep(model, t)
		}
	}
	for i := range m.rules {
		if t, ok := m.rules[i].apply(model); ok {
			return keep(model, t)
		}
	}
	if m.fallback != nil {
		return keep(model, *m.fallback)
	}
	return model
}

func (r *modelRule) apply(model string) (string, bool) {
	switch {
	case r.any:
		return r.target, true
	case r.re != nil:
		loc := r.re.FindStringSubmatchIndex(model)
		if loc == nil {
			return "", false
		}
		return string(r.re.ExpandString(nil, r.target, model, loc)), true
	case r.exact != "":
		return r.target, model == r.exact
	}
	return r.target, strings.HasPrefix(model, r.prefix)
}

func keep(model, target string) string {
	if target == "" {
		return model
	}
	return target
}

// modelMapBuilder collects patterns and reports each bad one through fail(index, reason).
type modelMapBuilder struct {
	m        *ModelMap
	prefixes []modelRule
	regexps  []modelRule
	seenAny  bool
}

func newModelMapBuilder(ordered bool) *modelMapBuilder {
	return &modelMapBuilder{m: &ModelMap{ordered: ordered, exact: map[string]string{}}}
}

// add adds one pattern; the reason is "" when it is accepted.
func (b *modelMapBuilder) add(pattern, target string) string {
	if pattern == "" {
		return `an empty pattern matches nothing; use "*" for every model`
	}
	if b.m.ordered && b.seenAny {
		return `never used: an earlier "*" matches every model`
	}
	var r modelRule
	switch {
	case pattern == "*":
		r = modelRule{any: true, target: target}
		b.seenAny = true
	case strings.HasPrefix(pattern, "~"):
		re, err := regexp.Compile(pattern[1:])
		if err != nil {
			return "invalid regular expression: " + strings.TrimPrefix(err.Error(), "error parsing regexp: ")
		}
		if reason := checkTemplate(target, re); reason != "" {
			return reason
		}
		r = modelRule{re: re, target: target}
	case strings.Contains(pattern[:len(pattern)-1], "*"):
		return `a '*' only ends a prefix ("gpt-4o-*") or stands alone; write a "~" regular expression for more`
	case strings.HasSuffix(pattern, "*"):
		r = modelRule{prefix: pattern[:len(pattern)-1], target: target}
	default:
		r = modelRule{exact: pattern, target: target}
	}
	if b.m.ordered {
		b.m.rules = append(b.m.rules, r)
		return ""
	}
	switch {
	case r.any:
		t := target
		b.m.fallback = &t
	case r.re != nil:
		b.regexps = append(b.regexps, r)
	case r.exact != "":
		b.m.exact[r.exact] = target
	default:
		b.prefixes = append(b.prefixes, r)
	}
	return ""
}

// build returns the map, nil when it has no pattern.
func (b *modelMapBuilder) build() *ModelMap {
	if !b.m.ordered {
		sort.SliceStable(b.prefixes, func(i, j int) bool { return len(b.prefixes[i].prefix) > len(b.prefixes[j].prefix) })
		b.m.rules = append(b.prefixes, b.regexps...)
	}
	if len(b.m.rules) == 0 && len(b.m.exact) == 0 && b.m.fallback == nil {
		return nil
	}
	return b.m
}

// checkTemplate refuses a target that refers to a group the expression does not have: it
// would silently expand to nothing.
func checkTemplate(target string, re *regexp.Regexp) string {
	names := map[string]bool{}
	for _, n := range re.SubexpNames() {
		if n != "" {
			names[n] = true
		}
	}
	for i := 0; i < len(target); i++ {
		if target[i] != '$' || i+1 >= len(target) {
			continue
		}
		if target[i+1] == '$' {
			i++
			continue
		}
		name, end := groupRef(target, i+1)
		if name == "" {
			continue
		}
		if n, err := strconv.Atoi(name); err == nil {
			if n > re.NumSubexp() {
				return strconv.Quote(target[i:end]) + " refers to group " + name + "; the expression has " + strconv.Itoa(re.NumSubexp())
			}
		} else if !names[name] {
			if name[0] >= '0' && name[0] <= '9' {
				digits := name[:len(name)-len(strings.TrimLeft(name, "0123456789"))]
				return strconv.Quote(target[i:end]) + " is read as a group named " + strconv.Quote(name) +
					"; write \"${" + digits + "}" + name[len(digits):] + "\""
			}
			return strconv.Quote(target[i:end]) + " refers to no named group of the expression"
		}
		i = end - 1
	}
	return ""
}

// groupRef reads the group name after a '$' at i ("1", "name", "{name}"), as
// regexp.Expand does, and where it ends.
func groupRef(s string, i int) (string, int) {
	if i < len(s) && s[i] == '{' {
		end := strings.IndexByte(s[i:], '}')
		if end < 0 {
			return "", i
		}
		return s[i+1 : i+end], i + end + 1
	}
	j := i
	for j < len(s) && (s[j] == '_' || 'a' <= s[j] && s[j] <= 'z' || 'A' <= s[j] && s[j] <= 'Z' || '0' <= s[j] && s[j] <= '9') {
		j++
	}
	return s[i:j], j
}
