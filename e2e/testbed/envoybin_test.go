package testbed

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseVersion(t *testing.T) {
	for _, tc := range []struct {
		out  string
		want Version
		ok   bool
	}{
		{"envoy  version: 9e5580933739775e8bce696a57a2e1bc99368f23/1.40.0/Clean/RELEASE/BoringSSL\n", Version{1, 40, 0}, true},
		{"/x/envoy  version: abc123/1.39.3/Modified/DEBUG/BoringSSL-FIPS", Version{1, 39, 3}, true},
		{"envoy: command not found", Version{}, false},
		{"", Version{}, false},
	} {
		got, err := ParseVersion(tc.out)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseVersion(%q) = %v, %v; want %v ok=%v", tc.out, got, err, tc.want, tc.ok)
		}
	}
	if !(Version{1, 38, 3}).Less(MinEnvoy) || (Version{1, 39, 0}).Less(MinEnvoy) || !(Version{0, 99, 9}).Less(MinEnvoy) {
		t.Fatal("version order is wrong")
	}
}

// fakeEnvoy writes a script that prints what `envoy --version` would.
func fakeEnvoy(t *testing.T, versionLine string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "envoy")
	script := "#!/bin/sh\necho '" + versionLine + "'\n"
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestFindEnvoyRefusesWhatCannotRunGoPlugins(t *testing.T) {
	for _, tc := range []struct {
		name, bin, want string
	}{
		{"missing", "/nonexistent/envoy", "does not run"},
		{"too old", fakeEnvoy(t, "envoy  version: abc/1.38.3/Clean/RELEASE/BoringSSL"), "is 1.38.3; Go wasip1 plugins need 1.39.0 or newer"},
		{"no version", fakeEnvoy(t, "hello"), "no version in"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("ENVOY_BIN", tc.bin)
			_, err := FindEnvoy()
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "$ENVOY_BIN") {
				t.Fatalf("FindEnvoy() error = %v; want one naming $ENVOY_BIN and %q", err, tc.want)
			}
		})
	}
	t.Run("new enough", func(t *testing.T) {
		t.Setenv("ENVOY_BIN", fakeEnvoy(t, "envoy  version: abc/1.39.0/Clean/RELEASE/BoringSSL"))
		bin, err := FindEnvoy()
		if err != nil || bin.Version != (Version{1, 39, 0}) {
			t.Fatalf("FindEnvoy() = %v, %v", bin, err)
		}
	})
}

func TestStartEnvoyOnATooOldBinaryFails(t *testing.T) {
	t.Setenv("ENVOY_BIN", fakeEnvoy(t, "envoy  version: abc/1.36.2/Clean/RELEASE/BoringSSL"))
	_, err := StartEnvoy(Gateway{}, EnvoyOptions{Dir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "is 1.36.2") {
		t.Fatalf("StartEnvoy with Envoy 1.36.2: %v", err)
	}
}
