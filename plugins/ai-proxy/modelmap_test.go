package main

import (
	"strings"
	"testing"
)

func buildMap(t *testing.T, ordered bool, pairs ...string) *ModelMap {
	t.Helper()
	b := newModelMapBuilder(ordered)
	for i := 0; i+1 < len(pairs); i += 2 {
		if reason := b.add(pairs[i], pairs[i+1]); reason != "" {
			t.Fatalf("%q: %s", pairs[i], reason)
		}
	}
	return b.build()
}

func TestModelMapObjectPrecedence(t *testing.T) {
	m := buildMap(t, false,
		"*", "default-model",
		"~^claude-(.+)-latest$", "anthropic/$1",
		"~^(?P<family>llama)-(\\d+)", "meta-${family}-v$2",
		"gpt-4*", "gpt-4-prefix",
		"gpt-4o-*", "gpt-4o-longer-prefix",
		"gpt-4o-mini", "exact-mini",
		"gpt-4o-keep", "",
		"~gpt", "regex-gpt",
	)
	for in, want := range map[string]string{
		"gpt-4o-mini":        "exact-mini",           // exact beats every prefix
		"gpt-4o-2024":        "gpt-4o-longer-prefix", // the longest prefix wins
		"gpt-4-turbo":        "gpt-4-prefix",
		"gpt-4o-keep":        "gpt-4o-keep", // "" keeps the name
		"gpt-3.5":            "regex-gpt",   // no exact or prefix: the first matching regexp
		"claude-3-5-latest":  "anthropic/3-5",
		"llama-3":            "meta-llama-v3",
		"mistral-large":      "default-model", // nothing else: "*"
		"":                   "default-model",
		"claude-3-5-sonnet":  "default-model",
		"xgpt-4o-mini-extra": "regex-gpt", // prefixes are prefixes; the regexp is unanchored
	} {
		if got := m.Map(in); got != want {
			t.Errorf("Map(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestModelMapRegexpOrderIsDocumentOrder(t *testing.T) {
	m := buildMap(t, false, "~a", "first", "~.", "second")
	if got := m.Map("abc"); got != "first" {
		t.Fatal(got)
	}
	m = buildMap(t, false, "~.", "second", "~a", "first")
	if got := m.Map("abc"); got != "second" {
		t.Fatal(got)
	}
}

func TestModelMapWithoutDefaultKeepsUnknownNames(t *testing.T) {
	m := buildMap(t, false, "gpt-4", "qwen-max")
	if m.Map("gpt-4") != "qwen-max" || m.Map("gpt-3") != "gpt-3" {
		t.Fatal(m.Map("gpt-3"))
	}
	var none *ModelMap
	if none.Map("x") != "x" {
		t.Fatal("nil map")
	}
	if newModelMapBuilder(false).build() != nil {
		t.Fatal("an empty mapping is nil")
	}
}

func TestModelMapListIsFirstMatch(t *testing.T) {
	m := buildMap(t, true,
		"~^gpt-4o", "first-regexp",
		"gpt-4o-mini", "exact-after-regexp",
		"gpt-*", "prefix",
		"o1", "",
		"*", "default",
	)
	for in, want := range map[string]string{
		"gpt-4o-mini": "first-regexp", // order, not kind, decides in the list form
		"gpt-3.5":     "prefix",
		"o1":          "o1",
		"other":       "default",
	} {
		if got := m.Map(in); got != want {
			t.Errorf("Map(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestModelMapRefusals(t *testing.T) {
	for _, tc := range []struct {
		ordered         bool
		pattern, target string
		want            string
	}{
		{false, "", "x", "an empty pattern matches nothing"},
		{false, "gpt-*-mini", "x", `a '*' only ends a prefix ("gpt-4o-*") or stands alone`},
		{false, "**", "x", `a '*' only ends a prefix`},
		{false, "~(", "x", "invalid regular expression: missing closing ): `(`"},
		{false, "~^a(b)$", "$2", `"$2" refers to group 2; the expression has 1`},
		{false, "~^a(b)$", "${name}", `"${name}" refers to no named group of the expression`},
		{false, "~^a(b)$", "$1x", `"$1x" is read as a group named "1x"; write "${1}x"`},
	} {
		b := newModelMapBuilder(tc.ordered)
		if got := b.add(tc.pattern, tc.target); !strings.Contains(got, tc.want) {
			t.Errorf("%q -> %q: %q, want %q", tc.pattern, tc.target, got, tc.want)
		}
	}
	for _, ok := range []string{"$$", "$1$$", "${1}x", "x$"} {
		if reason := newModelMapBuilder(false).add("~^(a)$", ok); reason != "" {
			t.Errorf("%q refused: %s", ok, reason)
		}
	}
	b := newModelMapBuilder(true)
	b.add("*", "x")
	if got := b.add("gpt-4", "y"); !strings.Contains(got, `never used: an earlier "*" matches every model`) {
		t.Fatal(got)
	}
}
