package testbed

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// The real service on a real redis-server counts across calls and answers 429 over the limit:
// what the cluster-wide counter backend will talk to.
func TestRatelimitServiceCounts(t *testing.T) {
	redis := MustStartRedis(t, "")
	rl := MustStartRatelimit(t, redis, `
domain: aiwasm
descriptors:
  - key: consumer
    rate_limit: {unit: hour, requests_per_unit: 3}
`)
	var codes []string
	for i := 0; i < 4; i++ {
		resp, err := http.Post("http://"+rl.HTTPAddr+"/json", "application/json", strings.NewReader(
			`{"domain":"aiwasm","descriptors":[{"entries":[{"key":"consumer","value":"alice"}]}],"hits_addend":1}`))
		if err != nil {
			t.Fatal(err)
		}
		var answer struct {
			OverallCode string `json:"overallCode"`
		}
		err = json.NewDecoder(resp.Body).Decode(&answer)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		codes = append(codes, resp.Status[:3]+" "+answer.OverallCode)
	}
	want := "200 OK,200 OK,200 OK,429 OVER_LIMIT"
	if got := strings.Join(codes, ","); got != want {
		t.Fatalf("answers %s, want %s", got, want)
	}
	// The counts live in Redis: the service is stateless.
	if keys, err := redis.Do("DBSIZE"); err != nil || keys == ":0\r\n" {
		t.Fatalf("DBSIZE = %q, %v; the service kept nothing in Redis", keys, err)
	}
}

func TestRatelimitMissingBinary(t *testing.T) {
	t.Setenv("RATELIMIT_BIN", "/nonexistent/service_cmd")
	_, err := StartRatelimit(t.TempDir(), "127.0.0.1:1", "domain: aiwasm\n")
	if err == nil || !strings.Contains(err.Error(), "/nonexistent/service_cmd") {
		t.Fatalf("err = %v", err)
	}
}
