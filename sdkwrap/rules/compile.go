package rules

import (
	"errors"
	"strings"

	"github.com/aiwasm/aiwasm/sdkwrap/config"
)

// Compile validates a plugin configuration with its _rules_ and prepares the matcher.
// parse reads one configuration: the global one (everything outside _rules_) and, for each
// rule, the global one with the rule's own keys laid over it; it may return nil with no
// error to leave requests in that scope unconfigured (the plugin passes them through).
//
// The error, when the configuration is refused, is config.Errors: every problem, each at
// its JSON path (a rule's at "_rules_[i]..."). Warnings (unknown fields, mostly) come back
// either way; one that a rule inherits from the global config is reported once, at the
// global path.
func Compile[C any](raw []byte, parse func(r *config.Reader) (*C, error)) (*Set[C], []config.Problem, error) {
	root, err := config.NewReader(raw)
	if err != nil {
		return nil, nil, err
	}
	specs := readSpecs(root)
	problems := errorsOf(root.Err())
	l := cut(raw)
	if l.rulesArray && len(l.rules) == 0 && !l.hasGlobal {
		problems = append(problems, config.Problem{Path: rulesKey, Reason: "empty, and there is no global config: nothing to apply"})
	}

	set := &Set[C]{configs: make([]*C, len(l.rules))}
	var warnings []config.Problem
	var global findings
	if !l.rulesArray || l.hasGlobal {
		set.global, global = run(parse, raw, "")
		problems = append(problems, global.problems...)
		warnings = append(warnings, global.warnings...)
	}
	for i, own := range l.rules {
		if own == nil {
			continue // not an object: readSpecs reported it
		}
		base := config.JoinIndex(rulesKey, i)
		var f findings
		set.configs[i], f = run(parse, merge(l.global, own), base)
		problems = append(problems, without(f.problems, base, global.problems, sameProblem)...)
		warnings = append(warnings, without(f.warnings, base, global.warnings, samePath)...)
	}
	if len(problems) > 0 {
		return nil, warnings, config.Errors(problems)
	}
	set.m = newMatcher(specs)
	return set, warnings, nil
}

// readSpecs reads the matchers of every _rules_ entry.
func readSpecs(root *config.Reader) []spec {
	var specs []spec
	root.Array(rulesKey, func(i int, e *config.Reader) {
		for len(specs) <= i {
			specs = append(specs, spec{})
		}
		specs[i] = readSpec(e)
	})
	return specs
}

// findings is what reading one configuration found.
type findings struct {
	problems, warnings []config.Problem
}

// run reads one configuration, at path, with the plugin's parse function.
func run[C any](parse func(*config.Reader) (*C, error), doc []byte, path string) (*C, findings) {
	r, err := config.NewReaderAt(doc, path)
	if err != nil { // cannot happen: doc is made of members of a valid document
		return nil, findings{problems: errorsOf(err)}
	}
	cfg, err := parse(r)
	f := findings{problems: errorsOf(r.Err()), warnings: r.Warnings()}
	var errs config.Errors
	switch {
	case err == nil:
	case errors.As(err, &errs): // r.Err() most likely; add whatever it does not hold
		for _, p := range errs {
			if !contains(f.problems, p) {
				f.problems = append(f.problems, p)
			}
		}
	default:
		f.problems = append(f.problems, config.Problem{Path: path, Reason: err.Error()})
	}
	return cfg, f
}

// without drops from a rule's findings (at base) those the global config already gave:
// a rule inherits the global keys, and with them their problems and warnings.
func without(ps []config.Problem, base string, global []config.Problem, same func(a, b config.Problem) bool) []config.Problem {
	var out []config.Problem
	for _, p := range ps {
		if rel, ok := relative(p.Path, base); ok && containsFunc(global, config.Problem{Path: rel, Reason: p.Reason}, same) {
			continue
		}
		out = append(out, p)
	}
	return out
}

func sameProblem(a, b config.Problem) bool { return a == b }

// samePath compares warnings by place only: an unknown field's "did you mean" depends on
// the keys around it, which a rule changes.
func samePath(a, b config.Problem) bool { return a.Path == b.Path }

// relative turns "_rules_[1].a.b" into "a.b" for base "_rules_[1]".
func relative(path, base string) (string, bool) {
	rest, ok := strings.CutPrefix(path, base)
	switch {
	case !ok:
		return "", false
	case rest == "" || rest[0] == '[':
		return rest, true
	case rest[0] == '.':
		return rest[1:], true
	}
	return "", false // "_rules_[10]" is not under "_rules_[1]"
}

func contains(ps []config.Problem, p config.Problem) bool { return containsFunc(ps, p, sameProblem) }

func containsFunc(ps []config.Problem, p config.Problem, same func(a, b config.Problem) bool) bool {
	for _, q := range ps {
		if same(q, p) {
			return true
		}
	}
	return false
}

func errorsOf(err error) []config.Problem {
	if err == nil {
		return nil
	}
	var errs config.Errors
	if errors.As(err, &errs) {
		return errs
	}
	return []config.Problem{{Reason: err.Error()}}
}
