package wasmhost

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDocumentedFields(t *testing.T) {
	dir := t.TempDir()
	readme := "# p\n\n## Configuration\n\n| field | meaning |\n|---|---|\n" +
		"| `name` | x |\n| `redis.timeout` | x |\n| `keys[]` | x |\n" +
		"| `limit_keys[].query_per_second` / `_minute` | x |\n| `_rules_` | x |\n\n## Examples\n\n| `ignored` | x |\n"
	if err := os.WriteFile(filepath.Join(dir, "README.md"), []byte(readme), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "a_test.go"), []byte(`package p // "name" "timeout" keys: "query_per_second" "_rules_"`), 0o600); err != nil {
		t.Fatal(err)
	}
	documented, untested, err := UntestedFields(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(documented, ","); got != "name,timeout,keys,query_per_second,query_per_minute,_rules_" {
		t.Fatalf("documented %s", got)
	}
	if got := strings.Join(untested, ","); got != "query_per_minute" {
		t.Fatalf("untested %s", got)
	}
}
