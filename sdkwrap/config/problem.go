package config

import (
	"strconv"
	"strings"
)

// rootName stands for the empty path, the top-level object, in messages.
const rootName = "(root)"

// Problem is one finding about a configuration: where it is and what is wrong there.
type Problem struct {
	// Path locates the value, e.g. `consumers[2].credential` or `headers["x-key"]`; empty
	// for the top-level object.
	Path string
	// Reason says what is wrong, e.g. "want an integer, got string".
	Reason string
}

// String formats the problem as "path: reason".
func (p Problem) String() string {
	path := p.Path
	if path == "" {
		path = rootName
	}
	return path + ": " + p.Reason
}

// Errors is the error a refused configuration gives: every problem found, in the order
// found. Use errors.As to get at them.
type Errors []Problem

// maxListed bounds how many problems Error spells out; a log line stays readable.
const maxListed = 10

// Error lists the problems, "; "-separated, the first ten in full.
func (e Errors) Error() string {
	var b strings.Builder
	for i, p := range e {
		if i == maxListed {
			b.WriteString("; and " + strconv.Itoa(len(e)-maxListed) + " more")
			break
		}
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(p.String())
	}
	return b.String()
}
