package main_test

import (
	"testing"

	"github.com/aiwasm/aiwasm/sdkwrap/wasmhost"
)

// Every field of the README's configuration tables appears in a test's configuration.
func TestReadmeFieldsAreTested(t *testing.T) {
	documented, untested, err := wasmhost.UntestedFields(".")
	if err != nil {
		t.Fatal(err)
	}
	if len(documented) < 10 {
		t.Fatalf("found only %d fields in the README's tables", len(documented))
	}
	for _, name := range untested {
		t.Errorf("field %s appears in no test", name)
	}
}
