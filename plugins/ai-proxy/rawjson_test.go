package main

import "testing"

func TestSplitPath(t *testing.T) {
	for path, want := range map[string][]pathSegment{
		"":                             nil,
		"a":                            {{"a", -1}},
		"a.b[2].c":                     {{"a", -1}, {"b", -1}, {"", 2}, {"c", -1}},
		`model_mapping["gpt-4*"]`:      {{"model_mapping", -1}, {"gpt-4*", -1}},
		`x["a\"b.c"].d`:                {{"x", -1}, {`a"b.c`, -1}, {"d", -1}},
		`_rules_[1].instances[0].name`: {{"_rules_", -1}, {"", 1}, {"instances", -1}, {"", 0}, {"name", -1}},
	} {
		got, ok := splitPath(path)
		if !ok || len(got) != len(want) {
			t.Errorf("%q: %v %v", path, got, ok)
			continue
		}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("%q: %v", path, got)
			}
		}
	}
	for _, bad := range []string{"a[", "a[x]", `a["b`, `a["b"`, "a..b"} {
		if _, ok := splitPath(bad); ok {
			t.Errorf("%q accepted", bad)
		}
	}
}

// A rule's scope is the global members with the rule's own laid over them, top-level keys
// only, as sdkwrap/rules merges them.
func TestRawScope(t *testing.T) {
	doc := []byte(`{
		"options": {"max_tokens": 50, "stop": ["a", "b"], "x.y": {"k": [1, 2.5]}},
		"instances": [{"name": "a", "options": {"temperature": 0.2}}],
		"_rules_": [
			{"_match_route_": ["r"], "options": {"n": 2}},
			{"_match_route_": ["s"], "options": null}
		]
	}`)
	global := newRawScope(doc, "")
	if v := global.at("options.max_tokens"); v.Raw != "50" {
		t.Fatal(v.Raw)
	}
	if v := global.at(`options["x.y"]`); compactJSON(v) != `{"k":[1,2.5]}` {
		t.Fatal(compactJSON(v))
	}
	if v := global.at("instances[0].options.temperature"); v.Raw != "0.2" {
		t.Fatal(v.Raw)
	}
	if v := global.at("options.stop"); compactJSON(v) != `["a","b"]` {
		t.Fatal(compactJSON(v))
	}
	rule := newRawScope(doc, "_rules_[0]")
	if v := rule.at("_rules_[0].options.n"); v.Raw != "2" {
		t.Fatal(v.Raw)
	}
	if v := rule.at("_rules_[0].options.max_tokens"); v.Exists() {
		t.Fatal("the rule's options replace the global ones whole")
	}
	if v := rule.at("_rules_[0].instances[0].name"); v.Str != "a" {
		t.Fatal("inherited keys come from the global config")
	}
	if v := newRawScope(doc, "_rules_[1].options").at("_rules_[1].options"); v.Exists() && v.Raw != "null" {
		t.Fatal(v.Raw)
	}
	if v := rule.at("options.n"); v.Exists() {
		t.Fatal("a path outside the scope")
	}
}
