package llm

import "strconv"

// Error paths are built only when an error is returned: the translators carry indexes, not
// strings, while they work.

// at is base[i].
func at(base string, i int) string { return base + "[" + strconv.Itoa(i) + "]" }

// msgPath is messages[i] followed by rest (".content", ...).
func msgPath(i int, rest string) string { return at("messages", i) + rest }

// partPath is messages[i].<field>[j] followed by rest.
func partPath(i int, field string, j int, rest string) string {
	return at(msgPath(i, "."+field), j) + rest
}
