package llm

import "github.com/aiwasm/aiwasm/sdkwrap/jsonguard"

// validJSON reports whether s is valid JSON nested at most jsonguard.MaxDepth levels: the
// translations read untrusted JSON with gjson, which recurses per level.
func validJSON(s string) bool { return jsonguard.Valid(s) }

func validJSONBytes(b []byte) bool { return jsonguard.Valid(b) }
