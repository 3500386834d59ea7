package testbed

import (
	"errors"
	"os"
	"path/filepath"
	"sync"
)

var (
	repoOnce sync.Once
	repoDir  string
	repoErr  error
)

// RepoRoot is the directory holding the project's go.mod, found from the working directory
// upwards, so tests, the demo and the load runs find envoy/, out/ and .venv/ wherever they run.
func RepoRoot() (string, error) {
	repoOnce.Do(func() {
		dir, err := os.Getwd()
		if err != nil {
			repoErr = err
			return
		}
		for {
			if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && isOurModule(b) {
				repoDir = dir
				return
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				repoErr = errors.New("testbed: not inside the aiwasm repository (no go.mod of github.com/aiwasm/aiwasm above the working directory)")
				return
			}
			dir = parent
		}
	})
	return repoDir, repoErr
}

func isOurModule(gomod []byte) bool {
	const want = "module github.com/aiwasm/aiwasm\n"
	return len(gomod) >= len(want) && string(gomod[:len(want)]) == want
}

// RepoPath joins elements onto the repository root.
func RepoPath(elem ...string) (string, error) {
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	return filepath.Join(append([]string{root}, elem...)...), nil
}
