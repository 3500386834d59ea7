package rules

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/aiwasm/aiwasm/sdkwrap/config"
)

// testConfig is a plugin config with a scalar, a nested object and an on/off switch.
type testConfig struct {
	ID    string
	Limit int
	Mode  string
	Redis redisConfig
}

type redisConfig struct {
	Service string
	Port    int
}

func parseTest(r *config.Reader) (*testConfig, error) {
	if r.Bool("off", false) {
		return nil, nil
	}
	c := &testConfig{}
	c.ID = r.String("id", "")
	c.Limit = r.Int("limit", 10, config.Min(1))
	c.Mode = r.Enum("mode", "local", "local", "redis")
	r.Object("redis", func(o *config.Reader) {
		c.Redis.Service = o.String("service", "", config.Required())
		c.Redis.Port = o.Int("port", 6379)
	})
	if c.Mode == "redis" && c.Redis.Service == "" {
		r.Failf("redis", "required when mode is redis")
	}
	return c, r.Err()
}

func compile(t *testing.T, doc string) (*Set[testConfig], []string, []string) {
	t.Helper()
	set, warnings, err := Compile([]byte(doc), parseTest)
	var problems []string
	if err != nil {
		var errs config.Errors
		if !errors.As(err, &errs) {
			t.Fatalf("Compile error %v is a %T, want config.Errors", err, err)
		}
		problems = strs(errs)
		if set != nil {
			t.Errorf("Compile returned a Set along with an error")
		}
	}
	return set, problems, strs(warnings)
}

func strs(ps []config.Problem) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.String())
	}
	return out
}

func mustCompile(t *testing.T, doc string) *Set[testConfig] {
	t.Helper()
	set, problems, _ := compile(t, doc)
	if problems != nil {
		t.Fatalf("Compile(%s): %q", doc, problems)
	}
	return set
}

func TestMerge(t *testing.T) {
	set := mustCompile(t, `{
		"id": "global", "limit": 5, "mode": "redis", "redis": {"service": "r0", "port": 7000},
		"_rules_": [
			{"_match_route_": ["override"], "id": "r0", "limit": 50},
			{"_match_route_": ["nested"], "id": "r1", "redis": {"service": "r1"}},
			{"_match_route_": ["reset"], "id": "r2", "limit": null},
			{"_match_route_": ["inherit"]}
		]
	}`)
	tests := []struct {
		route string
		want  testConfig
	}{
		{"override", testConfig{ID: "r0", Limit: 50, Mode: "redis", Redis: redisConfig{"r0", 7000}}},
		{"nested", testConfig{ID: "r1", Limit: 5, Mode: "redis", Redis: redisConfig{"r1", 6379}}}, // replaced, not merged
		{"reset", testConfig{ID: "r2", Limit: 10, Mode: "redis", Redis: redisConfig{"r0", 7000}}},
		{"inherit", testConfig{ID: "global", Limit: 5, Mode: "redis", Redis: redisConfig{"r0", 7000}}},
		{"other", testConfig{ID: "global", Limit: 5, Mode: "redis", Redis: redisConfig{"r0", 7000}}},
	}
	for _, tt := range tests {
		got := set.Match(Request{Route: tt.route})
		if got == nil || *got != tt.want {
			t.Errorf("route %s: got %+v, want %+v", tt.route, got, tt.want)
		}
	}
	if set.Len() != 4 || set.Rule(1).ID != "r1" || set.Global().ID != "global" {
		t.Errorf("Len %d, Rule(1) %+v, Global %+v", set.Len(), set.Rule(1), set.Global())
	}
}

func TestGlobalScope(t *testing.T) {
	tests := []struct {
		doc        string
		wantGlobal *testConfig // what a request no rule matches gets
	}{
		{`{}`, &testConfig{Limit: 10, Mode: "local"}},
		{`{"limit": 3}`, &testConfig{Limit: 3, Mode: "local"}},
		{`{"_rules_": null, "limit": 3}`, &testConfig{Limit: 3, Mode: "local"}},
		{`{"_rules_": [], "limit": 3}`, &testConfig{Limit: 3, Mode: "local"}},
		{`{"_rules_": [{"_match_route_": ["a"]}]}`, nil},
		{`{"_rules_": [{"_match_route_": ["a"]}], "_reserved_": 1}`, nil},
		{`{"_rules_": [{"_match_route_": ["a"]}], "limit": 3}`, &testConfig{Limit: 3, Mode: "local"}},
		{`{"off": true, "_rules_": [{"_match_route_": ["a"], "off": false}]}`, nil},
	}
	for _, tt := range tests {
		set := mustCompile(t, tt.doc)
		if got := set.Match(Request{Route: "zzz", Domain: "x", Service: "y"}); !reflect.DeepEqual(got, tt.wantGlobal) {
			t.Errorf("%s: unmatched request got %+v, want %+v", tt.doc, got, tt.wantGlobal)
		}
		if got := set.Global(); !reflect.DeepEqual(got, tt.wantGlobal) {
			t.Errorf("%s: Global() = %+v", tt.doc, got)
		}
	}
	// A rule may switch the plugin off where the global config has it on, and back.
	set := mustCompile(t, `{"_rules_": [{"_match_route_": ["off"], "off": true}, {"_match_route_": ["on"]}]}`)
	if set.Match(Request{Route: "off"}) != nil || set.Match(Request{Route: "on"}) == nil {
		t.Errorf("off/on rules: %+v %+v", set.Match(Request{Route: "off"}), set.Match(Request{Route: "on"}))
	}
}

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		name, doc string
		want      []string
	}{
		{"invalid JSON", `{"_rules_": [}`, []string{
			"_rules_[0]: invalid JSON at line 1, column 14: unexpected character '}', want a value"}},
		{"root not an object", `[]`, []string{"(root): want a JSON object, got array"}},
		{"rules an object", `{"_rules_": {"_match_route_": ["a"]}}`, []string{"_rules_: want a list of objects, got object"}},
		{"rules a string", `{"_rules_": "a"}`, []string{"_rules_: want a list of objects, got string"}},
		{"entry not an object", `{"_rules_": [{"_match_route_": ["a"]}, 7]}`, []string{"_rules_[1]: want an object, got number"}},
		{"empty rules, no global", `{"_rules_": []}`, []string{"_rules_: empty, and there is no global config: nothing to apply"}},
		{"matcher a string", `{"_rules_": [{"_match_route_": "a"}]}`, []string{"_rules_[0]._match_route_: want a list of strings, got string"}},
		{"matcher of numbers", `{"_rules_": [{"_match_service_": ["a", 1]}]}`, []string{"_rules_[0]._match_service_[1]: want a string, got number"}},
		{"empty name", `{"_rules_": [{"_match_route_prefix_": ["a", ""]}]}`, []string{"_rules_[0]._match_route_prefix_[1]: must not be empty"}},
		{"no matcher", `{"_rules_": [{"_match_route_": ["a"]}, {"limit": 3}]}`, []string{
			"_rules_[1]: no matcher: a rule needs a non-empty _match_route_, _match_route_prefix_, _match_domain_ or _match_service_"}},
		{"empty matchers", `{"_rules_": [{"_match_route_": [], "_match_domain_": null}]}`, []string{
			"_rules_[0]: no matcher: a rule needs a non-empty _match_route_, _match_route_prefix_, _match_domain_ or _match_service_"}},
		{"unknown matcher", `{"_rules_": [{"_match_rout_": ["a"], "_match_route_": ["b"]}]}`, []string{
			"_rules_[0]._match_rout_: unknown matcher; want _match_route_, _match_route_prefix_, _match_domain_ or _match_service_"}},
		{"consumer matcher", `{"_rules_": [{"_match_consumer_": ["a"], "_match_route_prefix_": ["b"]}]}`, []string{
			"_rules_[0]._match_consumer_: not supported; match the consumer in the plugin's own config"}},
		{"domain patterns", `{"_rules_": [{"_match_domain_": ["a.*.com", "**.com", "", "a.com:80", "*:80", "[::1]:80", "ok.com"]}]}`, []string{
			`_rules_[0]._match_domain_[0]: a '*' may only start or end a domain pattern, once: "*.example.com", "example.*" or "*"`,
			`_rules_[0]._match_domain_[1]: a '*' may only start or end a domain pattern, once: "*.example.com", "example.*" or "*"`,
			"_rules_[0]._match_domain_[2]: must not be empty",
			"_rules_[0]._match_domain_[3]: must not have a port: the request's port is ignored",
			"_rules_[0]._match_domain_[4]: must not have a port: the request's port is ignored",
			"_rules_[0]._match_domain_[5]: must not have a port: the request's port is ignored",
		}},
		{"rule config invalid", `{"limit": 5, "_rules_": [{"_match_route_": ["a"]}, {"_match_route_": ["b"], "limit": "x"}]}`, []string{
			"_rules_[1].limit: want an integer, got string"}},
		{"rule config below min", `{"_rules_": [{"_match_route_": ["a"], "limit": 0}]}`, []string{
			"_rules_[0].limit: must be at least 1, got 0"}},
		{"merged config invalid as a whole", `{"mode": "redis", "redis": {"service": "r"}, "_rules_": [{"_match_route_": ["a"], "redis": null}]}`, []string{
			"_rules_[0].redis: required when mode is redis"}},
		{"global invalid once", `{"limit": "x", "_rules_": [{"_match_route_": ["a"]}, {"_match_route_": ["b"], "mode": "y"}]}`, []string{
			"limit: want an integer, got string",
			`_rules_[1].mode: must be one of "local", "redis"; got "y"`}},
		{"structure and config together", `{"_rules_": [{"_match_route_": 1, "limit": -1}]}`, []string{
			"_rules_[0]._match_route_: want a list of strings, got number",
			"_rules_[0].limit: must be at least 1, got -1"}},
	}
	for _, tt := range tests {
		_, problems, _ := compile(t, tt.doc)
		if !reflect.DeepEqual(problems, tt.want) {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, problems, tt.want)
		}
	}
}

func TestParseErrorsWithoutReader(t *testing.T) {
	parse := func(r *config.Reader) (*testConfig, error) {
		if r.String("id", "") == "bad" {
			return nil, errors.New("id is bad")
		}
		return &testConfig{}, nil
	}
	tests := []struct{ doc, want string }{
		{`{"_rules_": [{"_match_route_": ["a"]}, {"_match_route_": ["b"], "id": "bad"}]}`, "_rules_[1]: id is bad"},
		// Rule 1 inherits the problem; it is reported once, for the global config.
		{`{"id": "bad", "_rules_": [{"_match_route_": ["a"], "id": "ok"}, {"_match_route_": ["b"]}]}`, "(root): id is bad"},
	}
	for _, tt := range tests {
		if _, _, err := Compile([]byte(tt.doc), parse); err == nil || err.Error() != tt.want {
			t.Errorf("%s: err = %v, want %s", tt.doc, err, tt.want)
		}
	}
}

func TestWarnings(t *testing.T) {
	_, problems, warnings := compile(t, `{
		"limt": 1,
		"redis": {"service": "r", "prot": 1},
		"_rules_": [
			{"_match_route_": ["a"], "mdoe": "x", "_note_": "reserved"},
			{"_match_route_": ["b"], "redis": {"service": "s", "pot": 2}},
			{"_match_route_": ["c"], "limit": 3}
		]
	}`)
	want := []string{
		`limt: unknown field; did you mean "limit"?`,
		`redis.prot: unknown field; did you mean "port"?`,
		`_rules_[0].mdoe: unknown field; did you mean "mode"?`,
		`_rules_[1].redis.pot: unknown field; did you mean "port"?`,
	}
	if problems != nil || !reflect.DeepEqual(warnings, want) {
		t.Errorf("problems %q\nwarnings\n%s\nwant\n%s", problems, strings.Join(warnings, "\n"), strings.Join(want, "\n"))
	}
}

func TestNeeds(t *testing.T) {
	tests := []struct {
		doc  string
		want Needs
	}{
		{`{}`, Needs{}},
		{`{"_rules_": [{"_match_route_": ["a"]}]}`, Needs{Route: true}},
		{`{"_rules_": [{"_match_route_prefix_": ["a"]}]}`, Needs{Route: true}},
		{`{"_rules_": [{"_match_service_": ["a"]}]}`, Needs{Service: true}},
		{`{"_rules_": [{"_match_domain_": ["a"]}, {"_match_route_": ["a"], "_match_service_": ["b"]}]}`, Needs{true, true, true}},
	}
	for _, tt := range tests {
		if got := mustCompile(t, tt.doc).Needs(); got != tt.want {
			t.Errorf("%s: Needs %+v, want %+v", tt.doc, got, tt.want)
		}
	}
	var nilSet *Set[testConfig]
	if nilSet.Needs() != (Needs{}) || nilSet.Match(Request{}) != nil || nilSet.Global() != nil || nilSet.Len() != 0 {
		t.Error("a nil Set is not empty")
	}
}

func TestRelative(t *testing.T) {
	tests := []struct {
		path, base, want string
		ok               bool
	}{
		{"_rules_[1].a.b", "_rules_[1]", "a.b", true},
		{"_rules_[1]", "_rules_[1]", "", true},
		{`_rules_[1]["x.y"]`, "_rules_[1]", `["x.y"]`, true},
		{"_rules_[10].a", "_rules_[1]", "", false},
		{"limit", "_rules_[1]", "", false},
	}
	for _, tt := range tests {
		got, ok := relative(tt.path, tt.base)
		if got != tt.want || ok != tt.ok {
			t.Errorf("relative(%q, %q) = %q, %v", tt.path, tt.base, got, ok)
		}
	}
}
