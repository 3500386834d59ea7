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
	// The session reached the fake through Envoy: every step is in the fake's record.
	if got := len(env.Fake.Requests()); got != len(steps) {
		t.Fatalf("the fake saw %d requests, want %d", got, len(steps))
	}
	if !strings.Contains(out.String(), `"path":"/v1/messages"`) || !strings.Contains(out.String(), `"status":429`) {
		t.Fatal("the access-log entries of the session's last requests were not shown")
	}
}
