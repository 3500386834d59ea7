package cluster

import (
	"fmt"
	"strconv"
)

// HigressName is the cluster name Higress gives a service: outbound|<port>||<fqdn> with the
// service source as a suffix, e.g. HigressName("api.openai.com", 443, "dns") is
// "outbound|443||api.openai.com.dns" and a static service's is "...<name>.static". kind ""
// leaves the FQDN as given (Kubernetes services: "redis.default.svc.cluster.local").
func HigressName(fqdn string, port int, kind string) string {
	if kind != "" {
		fqdn += "." + kind
	}
	return "outbound|" + strconv.Itoa(port) + "||" + fqdn
}

// ParseHigressName splits a Higress cluster name back into its port and FQDN (with any
// source suffix still on).
func ParseHigressName(name string) (fqdn string, port int, err error) {
	var rest string
	if n, err := fmt.Sscanf(name, "outbound|%d||%s", &port, &rest); err != nil || n != 2 || rest == "" {
		return "", 0, fmt.Errorf("%q is not a Higress cluster name (outbound|<port>||<fqdn>)", name)
	}
	return rest, port, nil
}
