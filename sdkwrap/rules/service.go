package rules

import "strings"

// serviceTable matches the upstream cluster a request goes to. When the cluster name has
// Istio's form direction|port|subset|fqdn (Higress: "outbound|443||api.openai.com.dns"),
// an entry matches its FQDN or "fqdn:port", as in Higress; any other cluster name (plain
// Envoy: "openai") an entry matches whole. Either way it is one map lookup.
type serviceTable map[string]*serviceEntry

type serviceEntry struct {
	index int32         // first rule naming the key itself, or noRule
	ports []servicePort // "key:port" entries, in rule order
}

type servicePort struct {
	port  string
	index int32
}

const noRule = int32(1<<31 - 1)

func (t serviceTable) entry(key string) *serviceEntry {
	e := t[key]
	if e == nil {
		e = &serviceEntry{index: noRule}
		t[key] = e
	}
	return e
}

func (t serviceTable) add(name string, index int32) {
	if e := t.entry(name); e.index == noRule {
		e.index = index
	}
	if i := strings.LastIndexByte(name, ':'); i >= 0 {
		e := t.entry(name[:i])
		e.ports = append(e.ports, servicePort{port: name[i+1:], index: index})
	}
}

func (t serviceTable) first(cluster string, limit int32) int32 {
	port, key, istio := splitIstioCluster(cluster)
	if !istio {
		key = cluster
	}
	e := t[key]
	if e == nil {
		return limit
	}
	best := min(e.index, limit)
	if !istio {
		return best
	}
	for _, p := range e.ports {
		if p.index >= best {
			break
		}
		if p.port == port {
			return p.index
		}
	}
	return best
}

// serviceMatches is serviceTable for the few entries of one rule, without a map.
func serviceMatches(entries []string, cluster string) bool {
	port, fqdn, istio := splitIstioCluster(cluster)
	for _, e := range entries {
		switch {
		case !istio:
			if e == cluster {
				return true
			}
		case len(e) == len(fqdn) && e == fqdn,
			len(e) == len(fqdn)+1+len(port) && e[len(fqdn)] == ':' && e[:len(fqdn)] == fqdn && e[len(fqdn)+1:] == port:
			return true
		}
	}
	return false
}

// splitIstioCluster takes "direction|port|subset|fqdn" apart without allocating; ok is
// false for a name with other than exactly four '|'-separated parts.
func splitIstioCluster(name string) (port, fqdn string, ok bool) {
	a := strings.IndexByte(name, '|')
	if a < 0 {
		return "", "", false
	}
	b := a + 1 + strings.IndexByte(name[a+1:], '|')
	if b <= a {
		return "", "", false
	}
	c := b + 1 + strings.IndexByte(name[b+1:], '|')
	if c <= b || strings.IndexByte(name[c+1:], '|') >= 0 {
		return "", "", false
	}
	return name[a+1 : b], name[c+1:], true
}
