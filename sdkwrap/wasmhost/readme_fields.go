package wasmhost

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// fieldName is a field in backquotes in a table's first column: `name`, `a.b`, `list[].c`.
var fieldName = regexp.MustCompile("`([A-Za-z_.\\[\\]]+)`")

// DocumentedFields lists the configuration fields a plugin README documents: the backquoted
// names in the first column of the tables of its "## Configuration" section, by their last
// part (`redis.timeout` is timeout, `limit_keys[]` is limit_keys). A bare suffix continues the
// name before it: "`query_per_second` / `_minute`" documents query_per_minute too.
func DocumentedFields(readmePath string) ([]string, error) {
	b, err := os.ReadFile(readmePath)
	if err != nil {
		return nil, err
	}
	section := string(b)
	if i := strings.Index(section, "## Configuration"); i >= 0 {
		section = section[i:]
		if j := strings.Index(section[1:], "\n## "); j >= 0 {
			section = section[:j+1]
		}
	}
	var fields []string
	for _, line := range strings.Split(section, "\n") {
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		prev := ""
		for _, m := range fieldName.FindAllStringSubmatch(strings.Split(line, "|")[1], -1) {
			name := m[1]
			if i := strings.LastIndex(name, "."); i >= 0 {
				name = name[i+1:]
			}
			name = strings.TrimSuffix(name, "[]")
			if strings.HasPrefix(name, "_") && name != "_rules_" && prev != "" {
				if i := strings.LastIndex(prev, "_"); i > 0 {
					name = prev[:i] + name
				}
			}
			prev = name
			fields = append(fields, name)
		}
	}
	return fields, nil
}

// UntestedFields returns the fields of the README in dir that no _test.go file in dir
// mentions, as a JSON key ("name") or a YAML one (name:): every documented field must be
// exercised by a test.
func UntestedFields(dir string) (documented, untested []string, err error) {
	documented, err = DocumentedFields(filepath.Join(dir, "README.md"))
	if err != nil {
		return nil, nil, err
	}
	files, err := filepath.Glob(filepath.Join(dir, "*_test.go"))
	if err != nil {
		return nil, nil, err
	}
	var tests strings.Builder
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, nil, err
		}
		tests.Write(b)
	}
	all := tests.String()
	for _, name := range documented {
		if !strings.Contains(all, `"`+name+`"`) && !strings.Contains(all, name+":") {
			untested = append(untested, name)
		}
	}
	return documented, untested, nil
}

// CheckFieldsTested fails t for every field the README in dir documents and no test there
// mentions, and when the README's tables give fewer than atLeast fields (the tables were not
// found, or lost rows).
func CheckFieldsTested(t testing.TB, dir string, atLeast int) {
	t.Helper()
	documented, untested, err := UntestedFields(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(documented) < atLeast {
		t.Fatalf("found only %d fields in the README's tables, want at least %d", len(documented), atLeast)
	}
	for _, name := range untested {
		t.Errorf("field %s is documented but appears in no test", name)
	}
}
