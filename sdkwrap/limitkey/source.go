package limitkey

import (
	"strings"

	"github.com/aiwasm/aiwasm/sdkwrap/config"
)

// Kind is what a configuration counts requests by.
type Kind uint8

const (
	ByNothing Kind = iota
	ByHeader
	ByParam
	ByConsumer
	ByCookie
	ByIP
	ByGlobal // every request of the rule in one counter
)

// Source says where a request's value comes from and how its counters are named.
type Source struct {
	Kind  Kind
	Field string // the configuration field that chose it, for messages
	// Name is the header (lower case), query parameter or cookie; for ByIP the header
	// holding the address, "" for the connection's remote address.
	Name string
	// Entry is the key of the descriptor entry holding the value: "header:x-api-key",
	// "param:apikey", "cookie:session", "consumer" or "ip".
	Entry string
}

// Secret says whether values may be credentials (an API key in a header, a query parameter
// or a cookie): such values are never logged. Consumer names and addresses may be.
func (s *Source) Secret() bool {
	return s.Kind == ByHeader || s.Kind == ByParam || s.Kind == ByCookie
}

// PerValue says whether the source has values of its own (anything but ByNothing and
// ByGlobal), each counted apart.
func (s *Source) PerValue() bool { return s.Kind != ByNothing && s.Kind != ByGlobal }

// sourceFields are the fields that choose a source, exactly one per configuration. The
// limit_by_per_* spellings are Higress cluster-key-rate-limit's; here they mean the same as
// the plain ones, because every key form works with every source.
var sourceFields = []struct {
	field string
	kind  Kind
}{
	{"limit_by_header", ByHeader},
	{"limit_by_per_header", ByHeader},
	{"limit_by_param", ByParam},
	{"limit_by_per_param", ByParam},
	{"limit_by_consumer", ByConsumer},
	{"limit_by_per_consumer", ByConsumer},
	{"limit_by_cookie", ByCookie},
	{"limit_by_per_cookie", ByCookie},
	{"limit_by_per_ip", ByIP},
	{"global_threshold", ByGlobal},
}

// SourceNames lists the primary spellings, for messages.
const SourceNames = "limit_by_header, limit_by_param, limit_by_consumer, limit_by_cookie, limit_by_per_ip or global_threshold"

// ReadSource finds the one source field set and reads it; the kind is ByNothing when none
// is set (or it is invalid, with the problem recorded). global_threshold's own members are
// read by ReadGlobal.
func ReadSource(r *config.Reader) Source {
	var chosen []int
	for i, f := range sourceFields {
		if r.Has(f.field) {
			chosen = append(chosen, i)
		}
	}
	if len(chosen) == 0 {
		return Source{}
	}
	first := sourceFields[chosen[0]].field
	for _, i := range chosen[1:] {
		r.Failf(sourceFields[i].field, "set together with %s: set exactly one of %s (in a _rules_ entry, set the inherited one to null)",
			first, SourceNames)
	}
	if len(chosen) > 1 {
		return Source{}
	}
	f := sourceFields[chosen[0]]
	s := Source{Kind: f.kind, Field: f.field}
	switch f.kind {
	case ByHeader:
		s.Name = strings.ToLower(r.String(f.field, "", config.NonEmpty()))
		s.Entry = "header:" + s.Name
	case ByParam:
		s.Name = r.String(f.field, "", config.NonEmpty())
		s.Entry = "param:" + s.Name
	case ByCookie:
		s.Name = r.String(f.field, "", config.NonEmpty())
		s.Entry = "cookie:" + s.Name
	case ByConsumer:
		readConsumerFlag(r, f.field)
		s.Entry = "consumer"
	case ByIP:
		s.Name = readIPSource(r, f.field)
		s.Entry = "ip"
	}
	if s.Secret() && s.Name == "" {
		return Source{} // an empty name, refused above
	}
	return s
}

// readConsumerFlag reads limit_by_consumer, which must be true. Higress writes
// limit_by_consumer with an empty string (any value counts there); a hint says how to
// write it here.
func readConsumerFlag(r *config.Reader, field string) {
	before := problemCount(r)
	on := r.Bool(field, false)
	switch {
	case problemCount(r) > before:
		r.Failf(field, `write true (Higress's limit_by_consumer: '' is limit_by_consumer: true here)`)
	case !on:
		r.Failf(field, "false counts nothing: remove the field, or set it to null in a _rules_ entry")
	}
}

// readIPSource reads limit_by_per_ip: "from-remote-addr" gives "", "from-header-<name>" the
// header's name.
func readIPSource(r *config.Reader, field string) string {
	v := r.String(field, "", config.NonEmpty())
	if v == "" || v == "from-remote-addr" {
		return ""
	}
	if name, ok := strings.CutPrefix(v, "from-header-"); ok && name != "" {
		return strings.ToLower(name)
	}
	r.Failf(field, `want "from-remote-addr" or "from-header-<name>" (such as "from-header-x-forwarded-for"), got %q`, Clip(v))
	return ""
}

// problemCount is how many problems the document has so far.
func problemCount(r *config.Reader) int {
	var errs config.Errors
	if err := r.Err(); err != nil {
		errs, _ = err.(config.Errors)
	}
	return len(errs)
}

// Clip shortens a configuration value quoted in a message (never a credential).
func Clip(s string) string {
	const max = 40
	if len(s) <= max {
		return s
	}
	return s[:max] + "..."
}
