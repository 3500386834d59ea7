package main

import (
	"strings"

	"github.com/aiwasm/aiwasm/sdkwrap/config"
)

// kind is what a configuration counts requests by.
type kind uint8

const (
	byNothing kind = iota
	byHeader
	byParam
	byConsumer
	byCookie
	byIP
	byGlobal // every request of the rule in one counter
)

// source says where a request's value comes from and how its counters are named.
type source struct {
	kind  kind
	field string // the configuration field that chose it, for messages
	// name is the header (lower case), query parameter or cookie; for byIP the header
	// holding the address, "" for the connection's remote address.
	name string
	// entry is the key of the descriptor entry holding the value: "header:x-api-key",
	// "param:apikey", "cookie:session", "consumer" or "ip".
	entry string
}

// secret says whether values may be credentials (an API key in a header, a query parameter
// or a cookie): such values are never logged. Consumer names and addresses may be.
func (s *source) secret() bool {
	return s.kind == byHeader || s.kind == byParam || s.kind == byCookie
}

// sourceFields are the fields that choose a source, exactly one per configuration. The
// limit_by_per_* spellings are Higress cluster-key-rate-limit's; here they mean the same as
// the plain ones, because every key form works with every source.
var sourceFields = []struct {
	field string
	kind  kind
}{
	{"limit_by_header", byHeader},
	{"limit_by_per_header", byHeader},
	{"limit_by_param", byParam},
	{"limit_by_per_param", byParam},
	{"limit_by_consumer", byConsumer},
	{"limit_by_per_consumer", byConsumer},
	{"limit_by_cookie", byCookie},
	{"limit_by_per_cookie", byCookie},
	{"limit_by_per_ip", byIP},
	{"global_threshold", byGlobal},
}

// sourceNames lists the primary spellings, for messages.
const sourceNames = "limit_by_header, limit_by_param, limit_by_consumer, limit_by_cookie, limit_by_per_ip or global_threshold"

// readSource finds the one source field set and reads it; the kind is byNothing when none
// is set (or it is invalid, with the problem recorded). global_threshold's own members are
// read by readGlobal.
func readSource(r *config.Reader) source {
	var chosen []int
	for i, f := range sourceFields {
		if r.Has(f.field) {
			chosen = append(chosen, i)
		}
	}
	if len(chosen) == 0 {
		return source{}
	}
	first := sourceFields[chosen[0]].field
	for _, i := range chosen[1:] {
		r.Failf(sourceFields[i].field, "set together with %s: set exactly one of %s (in a _rules_ entry, set the inherited one to null)",
			first, sourceNames)
	}
	if len(chosen) > 1 {
		return source{}
	}
	f := sourceFields[chosen[0]]
	s := source{kind: f.kind, field: f.field}
	switch f.kind {
	case byHeader:
		s.name = strings.ToLower(r.String(f.field, "", config.NonEmpty()))
		s.entry = "header:" + s.name
	case byParam:
		s.name = r.String(f.field, "", config.NonEmpty())
		s.entry = "param:" + s.name
	case byCookie:
		s.name = r.String(f.field, "", config.NonEmpty())
		s.entry = "cookie:" + s.name
	case byConsumer:
		readConsumerFlag(r, f.field)
		s.entry = "consumer"
	case byIP:
		s.name = readIPSource(r, f.field)
		s.entry = "ip"
	}
	if s.secret() && s.name == "" {
		return source{} // an empty name, refused above
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
	r.Failf(field, `want "from-remote-addr" or "from-header-<name>" (such as "from-header-x-forwarded-for"), got %q`, clip(v))
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

// clip shortens a configuration value quoted in a message (never a credential).
func clip(s string) string {
	const max = 40
	if len(s) <= max {
		return s
	}
	return s[:max] + "..."
}
