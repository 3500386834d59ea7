package cluster

import (
	"strings"
	"testing"
	"time"
)

func TestWireDefaults(t *testing.T) {
	h, timeout, err := Request{Cluster: "ratelimit", Body: []byte("{}"), Headers: [][2]string{{"content-type", "application/json"}, {":path", "/sneaky"}}}.wire()
	if err != nil {
		t.Fatal(err)
	}
	want := [][2]string{{":method", "POST"}, {":path", "/"}, {":authority", "ratelimit"}, {":scheme", "http"}, {"content-type", "application/json"}}
	if len(h) != len(want) {
		t.Fatalf("headers %v, want %v", h, want)
	}
	for i := range want {
		if h[i] != want[i] {
			t.Fatalf("headers %v, want %v", h, want)
		}
	}
	if timeout != uint32(DefaultTimeout/time.Millisecond) {
		t.Fatalf("timeout %d ms", timeout)
	}
	h, timeout, _ = Request{Cluster: "c", Method: "PUT", Path: "/x?y", Authority: "api", Scheme: "https", Timeout: 250 * time.Millisecond}.wire()
	if h[0][1] != "PUT" || h[1][1] != "/x?y" || h[2][1] != "api" || h[3][1] != "https" || timeout != 250 {
		t.Fatalf("headers %v timeout %d", h, timeout)
	}
}

func TestWireRefusesBadRequests(t *testing.T) {
	for _, req := range []Request{{}, {Cluster: "c", Path: "x"}} {
		if _, _, err := req.wire(); err == nil {
			t.Errorf("%+v accepted", req)
		}
	}
}

func TestHigressNames(t *testing.T) {
	if got := HigressName("api.openai.com", 443, "dns"); got != "outbound|443||api.openai.com.dns" {
		t.Fatal(got)
	}
	if got := HigressName("redis.default.svc.cluster.local", 6379, ""); got != "outbound|6379||redis.default.svc.cluster.local" {
		t.Fatal(got)
	}
	fqdn, port, err := ParseHigressName("outbound|8080||llm.static")
	if err != nil || fqdn != "llm.static" || port != 8080 {
		t.Fatalf("%q %d %v", fqdn, port, err)
	}
	for _, bad := range []string{"fakellm", "outbound|x||a", "outbound|443||", "inbound|1||a"} {
		if _, _, err := ParseHigressName(bad); err == nil || !strings.Contains(err.Error(), "not a Higress cluster name") {
			t.Errorf("ParseHigressName(%q) = %v", bad, err)
		}
	}
}

func TestResponseHelpers(t *testing.T) {
	r := Response{Status: 504, Headers: [][2]string{{":status", "504"}, {"content-type", "text/plain"}}}
	if !r.FromGateway() || r.OK() || r.Header("Content-Type") != "text/plain" {
		t.Fatalf("%+v", r)
	}
	r.Headers = append(r.Headers, [2]string{"x-envoy-upstream-service-time", "3"})
	if r.FromGateway() {
		t.Fatal("an upstream's own 504 taken for Envoy's")
	}
}
