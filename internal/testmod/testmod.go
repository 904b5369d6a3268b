// Package testmod is what the project's tests and benchmarks share to run
// the go command hermetically: temporary modules and environments.
package testmod

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// DefaultGoMod is the go.mod a module gets when its files name none.
const DefaultGoMod = "module example.com/m\n\ngo 1.22\n"

// Env is the go command's environment for temporary modules: no
// workspace, no network, no toolchain switch, go.mod updated as needed.
func Env() []string {
	return append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod", "GOPROXY=off", "GOTOOLCHAIN=local")
}

// StdEnv is the environment for loading the standard library from
// GOROOT/src: a -mod=mod from the caller's GOFLAGS would break its
// vendoring.
func StdEnv() []string {
	return append(os.Environ(), "GOWORK=off", "GOFLAGS=", "GOTOOLCHAIN=local")
}

// Write writes files (slash-separated relative paths) under dir, adding
// DefaultGoMod when there is no go.mod.
func Write(tb testing.TB, dir string, files map[string]string) {
	tb.Helper()
	if _, ok := files["go.mod"]; !ok {
		files["go.mod"] = DefaultGoMod
	}
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}

// Module writes files into a new temporary directory and returns it.
func Module(tb testing.TB, files map[string]string) string {
	tb.Helper()
	dir := tb.TempDir()
	Write(tb, dir, files)
	return dir
}

var (
	goSrcOnce sync.Once
	goSrcDir  string
	goSrcErr  error
)

// GoSrc returns $(go env GOROOT)/src, where standard packages load from.
func GoSrc(tb testing.TB) string {
	tb.Helper()
	goSrcOnce.Do(func() {
		out, err := exec.Command("go", "env", "GOROOT").Output()
		if err != nil {
			goSrcErr = err
			return
		}
		goSrcDir = filepath.Join(strings.TrimSpace(string(out)), "src")
	})
	if goSrcErr != nil {
		tb.Fatalf("go env GOROOT: %v", goSrcErr)
	}
	return goSrcDir
}
