package main

import (
	"crypto/subtle"
	"fmt"
	"hash/maphash"
	"runtime"
	"unsafe"

	"github.com/aiwasm/aiwasm/sdkwrap/config"
)

// credentials maps every configured credential to its consumer. A key is looked up by a
// hash with a secret random seed (hash/maphash), so the cost does not depend on how many
// consumers there are and the map compares only hashes, never a secret byte by byte; the
// entries under that hash (one, unless two credentials collide on 64 bits) are then
// compared with the key in constant time.
type credentials struct {
	names   []string // consumer names, by index
	seed    maphash.Seed
	byHash  map[uint64]int32 // hash -> index in entries of the last credential with it
	entries []credential     // in configuration order
}

type credential struct {
	value    []byte
	consumer int32 // index in names
	slot     int32 // -1: the consumer's "credential"; j >= 0: its "credentials"[j]
	next     int32 // the previous entry with the same hash, -1 for none
}

func newCredentials() *credentials {
	return &credentials{seed: maphash.MakeSeed(), byHash: map[uint64]int32{}}
}

// lookup returns the index of the consumer whose credential key is, or -1.
func (t *credentials) lookup(key string) int {
	i, ok := t.byHash[maphash.String(t.seed, key)]
	if !ok {
		return -1
	}
	found := int32(-1)
	for ; i >= 0; i = t.entries[i].next {
		if e := &t.entries[i]; equal(e.value, key) {
			found = e.consumer
		}
	}
	return int(found)
}

// isCredential reports whether s is one of the credentials.
func (t *credentials) isCredential(s string) bool { return t.lookup(s) >= 0 }

// equal compares a credential with a key in a time that depends on their lengths only.
func equal(value []byte, key string) bool {
	// A view of the key's bytes, not a copy: a key longer than 32 bytes would otherwise be
	// copied to the heap on every request. subtle only reads it.
	return subtle.ConstantTimeCompare(value, unsafe.Slice(unsafe.StringData(key), len(key))) == 1
}

// add records credential value of consumer i (slot: see credential), or says why not,
// never quoting it.
func (t *credentials) add(value string, i, slot int) string {
	if reason := badCredential(value); reason != "" {
		return reason
	}
	h := maphash.String(t.seed, value)
	prev, ok := t.byHash[h]
	if !ok {
		prev = -1
	}
	for j := prev; j >= 0; j = t.entries[j].next {
		if string(t.entries[j].value) == value {
			return "duplicate of " + t.entries[j].where()
		}
	}
	t.byHash[h] = int32(len(t.entries))
	t.entries = append(t.entries, credential{value: []byte(value), consumer: int32(i), slot: int32(slot), next: prev})
	return ""
}

// where names a credential's place relative to the scope, for messages: the same text in
// the global configuration and in a rule that inherits the consumers, so the framework
// reports the problem once.
func (c *credential) where() string {
	if c.slot < 0 {
		return fmt.Sprintf("consumers[%d].credential", c.consumer)
	}
	return fmt.Sprintf("consumers[%d].credentials[%d]", c.consumer, c.slot)
}

// sameAs reports whether t and o hold the same consumers with the same credentials, in the
// same order.
func (t *credentials) sameAs(o *credentials) bool {
	if len(t.names) != len(o.names) || len(t.entries) != len(o.entries) {
		return false
	}
	for i := range t.names {
		if t.names[i] != o.names[i] {
			return false
		}
	}
	for i := range t.entries {
		a, b := &t.entries[i], &o.entries[i]
		if a.consumer != b.consumer || a.slot != b.slot || string(a.value) != string(b.value) {
			return false
		}
	}
	return true
}

// lastTable is the table the previous scope built. Every rule that inherits the global
// consumers builds the same table again, and then shares the first one instead: 20 rules
// over 10k consumers keep one table, not 21.
var lastTable *credentials

// bigTable is the number of credentials from which reading them ends with a collection (see
// readConsumers).
const bigTable = 1000

// readConsumers reads consumers: each needs a unique name and at least one credential
// (credential, credentials or both); no credential may be used twice, anywhere. It returns
// the table and the consumers' indexes by name.
func readConsumers(r *config.Reader) (*credentials, map[string]int) {
	t := newCredentials()
	names := map[string]int{}
	r.Array("consumers", func(i int, e *config.Reader) {
		name := e.String("name", "", config.Required(), config.NonEmpty())
		if j, dup := names[name]; dup && name != "" {
			e.Failf("name", "duplicate of consumers[%d].name", j)
		} else if name != "" {
			names[name] = i
		}
		for len(t.names) <= i {
			t.names = append(t.names, "")
		}
		t.names[i] = name

		one, list := e.Has("credential"), e.Has("credentials")
		if !one && !list {
			e.Failf("", "needs a credential (or credentials, a list)")
		}
		if one {
			if v := e.Secret("credential", "", config.NonEmpty()); v != "" {
				if reason := t.add(v, i, -1); reason != "" {
					e.Failf("credential", "%s", reason)
				}
			}
		}
		if list {
			for j, v := range e.Strings("credentials", nil, config.NonEmpty()) {
				if reason := t.add(v, i, j); reason != "" {
					e.FailItemf("credentials", j, "%s", reason)
				}
			}
		}
	}, config.Required(), config.NonEmpty())

	if r.Err() == nil {
		if lastTable != nil && t.sameAs(lastTable) {
			t = lastTable
		} else {
			lastTable = t
		}
	}
	if len(t.entries) >= bigTable {
		// Reading a big list leaves megabytes of garbage (about 16 MB per scope for 10k
		// consumers), and the whole configuration, the global scope and every rule, is read
		// in one proxy_on_configure call, during which the guest's collector was seen not to
		// keep up: with 10k consumers and 20 rules, an earlier version of this file left the
		// VM at 340 MiB. Collecting once per scope keeps it at 24 MiB.
		runtime.GC()
	}
	return t, names
}

// badCredential says what is wrong with a credential, without quoting it: an empty one, or
// one with whitespace or control characters, which no header carries (a trailing newline
// copied from a secret file, most often).
func badCredential(v string) string {
	if v == "" {
		return "must not be empty"
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; c <= ' ' || c == 0x7f {
			return "must not contain whitespace or control characters (a trailing newline?)"
		}
	}
	return ""
}
