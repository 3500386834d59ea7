package demo

import (
	"bytes"
	"strings"
	"testing"
)

// The demo's script is a test too: every step must behave as its explanation says, through
// the same Envoy config make demo starts.
func TestDemoScript(t *testing.T) {
	env, err := Start(Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Stop()
	var out bytes.Buffer
	Intro(&out, env)
	steps := Script(env)
	failed := Run(&out, env, steps)
	Observe(&out, env, len(steps))
	t.Log("\n" + out.String())
	if failed != 0 {
		t.Fatalf("%d of %d demo steps failed", failed, len(steps))
	}
	for _, s := range steps {
		if !strings.Contains(out.String(), s.Title) {
			t.Fatalf("step %q was not shown", s.Title)
		}
	}
	// Every step reached the fake through Envoy, except the requests a plugin answered itself.
	// Model lists are left out: ai-proxy answers them itself for an Anthropic instance, and
	// which instance a request meets depends on the worker thread it lands on.
	reached := 0
	for _, s := range steps {
		switch {
		case s.Path == "/v1/models":
		case len(s.Needs) == 0:
			reached += max(s.Repeat, 1)
		default:
			reached += s.Upstream
		}
	}
	got := 0
	for _, r := range env.Fake.Requests() {
		if r.Path != "/v1/models" {
			got++
		}
	}
	if got != reached {
		t.Fatalf("the fake saw %d requests besides model lists, want %d", got, reached)
	}
	// Observe shows the access log's last three entries: all flushed, none missing.
	shown := strings.Count(out.String(), `"request_id":"`)
	if shown != min(3, len(steps)) {
		t.Fatalf("%d access-log entries shown, want %d", shown, min(3, len(steps)))
	}
}

func TestPlayableKeepsStepsWhosePluginsAreInTheChain(t *testing.T) {
	steps := []Step{{Title: "a"}, {Title: "b", Needs: []string{"key-auth"}}, {Title: "c", Needs: []string{"key-auth", "ai-cache"}}}
	var got []string
	for _, s := range playable(steps, []string{"key-auth", "request-block"}) {
		got = append(got, s.Title)
	}
	if strings.Join(got, ",") != "a,b" {
		t.Fatalf("played %v, want a,b", got)
	}
}
