package main

import (
	"strings"

	"github.com/aiwasm/aiwasm/sdkwrap/config"
)

// Config is one scope's configuration: the global one (requests no rule matches), or a
// _rules_ entry's, which is the global one with the rule's top-level keys laid over it.
// Everything a request needs is worked out here, once, at configure time.
type Config struct {
	// required: a request in this scope must carry the key of an allowed consumer. Otherwise
	// key-auth only removes a client-sent consumer header (README: "Which requests need a key").
	required bool
	// headers are the lower-cased header names searched for a key (in_header); params the
	// query parameter names (in_query). One of them may be empty, not both.
	headers []string
	params  []string
	// hide: remove the credential from the request before it goes upstream.
	hide bool
	// consumers knows every credential of the scope.
	consumers *credentials
	// allowed says, by consumer index, who may pass; nil lets every consumer pass.
	allowed []bool
	// challenge is the WWW-Authenticate value of a 401; missing the message when no key was
	// found, naming where one is looked for.
	challenge string
	missing   string
}

// defaultKeys cover the official SDKs: OpenAI (Authorization: Bearer), Anthropic (x-api-key),
// Azure OpenAI (api-key) and Gemini (x-goog-api-key).
var defaultKeys = []string{"authorization", "x-api-key", "api-key", "x-goog-api-key"}

// maxKeys bounds keys: a request remembers where it found its key in a 64-bit set.
const maxKeys = 64

// realm names the protection space in WWW-Authenticate.
const realm = `realm="aiwasm"`

func parseConfig(r *config.Reader) (*Config, error) {
	c := &Config{}
	keys := r.Strings("keys", defaultKeys, config.NonEmpty())
	checkKeys(r, keys)
	inHeader := r.Bool("in_header", true)
	inQuery := r.Bool("in_query", false)
	if !inHeader && !inQuery {
		r.Failf("", "in_header and in_query are both false: no key could ever be found")
	}
	if inHeader {
		c.headers = make([]string, len(keys))
		for i, k := range keys {
			c.headers[i] = strings.ToLower(k)
		}
	}
	if inQuery {
		c.params = keys
	}
	c.hide = r.Bool("hide_credentials", true)

	var names map[string]int
	c.consumers, names = readConsumers(r)
	c.allowed = readAllow(r, c.consumers, names)

	globalAuth := r.Bool("global_auth", false)
	switch {
	case r.Path() != "":
		// A _rules_ entry (the framework reads each at "_rules_[i]"): where a rule matches,
		// a key is always required, whatever global_auth says.
		c.required = true
	case r.Has("global_auth"):
		c.required = globalAuth
	default:
		// Unset: authenticate everywhere unless rules name where (Higress's reading).
		c.required = !hasRules(r)
	}
	c.challenge, c.missing = describe(c.headers, c.params)
	return c, r.Err()
}

// checkKeys refuses names no request could carry, and the same name twice.
func checkKeys(r *config.Reader, keys []string) {
	if len(keys) > maxKeys {
		r.Failf("keys", "at most %d names, got %d", maxKeys, len(keys))
		return
	}
	seen := make(map[string]int, len(keys))
	for i, k := range keys {
		switch lower := strings.ToLower(k); {
		case k == "":
			r.FailItemf("keys", i, "must not be empty")
		case strings.HasPrefix(k, ":"):
			r.FailItemf("keys", i, "%q is a pseudo-header, not a place for a key", clip(k))
		default:
			if j, dup := seen[lower]; dup {
				r.FailItemf("keys", i, "duplicate of keys[%d]", j)
				continue
			}
			seen[lower] = i
		}
	}
}

// readAllow reads allow: the names of the consumers that may pass, each of which must exist.
func readAllow(r *config.Reader, creds *credentials, names map[string]int) []bool {
	allow := r.Strings("allow", nil, config.NonEmpty())
	if allow == nil {
		return nil
	}
	allowed := make([]bool, len(creds.names))
	for i, name := range allow {
		j, ok := names[name]
		switch {
		case ok:
			allowed[j] = true
		case creds.isCredential(name):
			// Never echo it: somebody pasted a key where a name belongs.
			r.FailItemf("allow", i, "is one of the credentials, not a consumer name")
		default:
			r.FailItemf("allow", i, "no consumer named %q", clip(name))
		}
	}
	return allowed
}

// hasRules reports whether the configuration has at least one _rules_ entry. Only the global
// configuration holds _rules_ (a rule's merged configuration does not). The entries are the
// framework's to read: every key in them is marked as read here, so that none is reported as
// an unknown field of the global configuration.
func hasRules(r *config.Reader) bool {
	n := 0
	r.Array("_rules_", func(_ int, e *config.Reader) {
		n++
		for _, k := range e.Keys() {
			e.Has(k)
		}
	})
	return n > 0
}

// describe makes the WWW-Authenticate challenge and the message for a request without a key.
func describe(headers, params []string) (challenge, missing string) {
	challenge = "Key " + realm
	var ways, others []string
	for _, h := range headers {
		if h == "authorization" {
			challenge = "Bearer " + realm
			ways = append(ways, "as Authorization: Bearer <key>")
		} else {
			others = append(others, h)
		}
	}
	if len(others) > 0 {
		ways = append(ways, "in a header ("+strings.Join(others, ", ")+")")
	}
	if len(params) > 0 {
		ways = append(ways, "in a query parameter ("+strings.Join(params, ", ")+")")
	}
	return challenge, "no API key in the request: send one " + orList(ways)
}

// orList joins "a", "b", "c" as "a, b or c".
func orList(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}

// clip shortens a name quoted in a message (consumer and key names only, never a
// credential).
func clip(s string) string {
	const max = 40
	if len(s) <= max {
		return s
	}
	return s[:max] + "..."
}
