package rewrite

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"strings"
)

// listedPackage is what `go list -json` says of a package: enough to parse
// and type-check it from source with its dependencies from export data.
type listedPackage struct {
	ID              string `json:"ImportPath"`
	Name            string
	Dir             string
	GoFiles         []string
	CompiledGoFiles []string
	CgoFiles        []string
	Imports         []string
	ImportMap       map[string]string
	Export          string
	ForTest         string
	DepOnly         bool
	Standard        bool
	Module          *listedModule
	Error           *listedError
	DepsErrors      []*listedError

	pkgPath string // ID without the " [p.test]" suffix
}

type listedModule struct {
	Path      string
	Dir       string
	Main      bool
	GoVersion string
}

type listedError struct {
	Pos string
	Err string
}

func (e *listedError) String() string {
	if e.Pos != "" && e.Pos != "-" {
		// go list already prefixes some messages with the position.
		if strings.HasPrefix(e.Err, e.Pos) {
			return e.Err
		}
		return e.Pos + ": " + e.Err
	}
	return e.Err
}

// goList runs `go list` once for the patterns and their dependencies.
// With export, it asks for export data for every package, which the go
// command builds (compiles) or takes from the build cache.
//
// With compiled, it asks for CompiledGoFiles, the files of cgo packages
// after cgo: that runs cgo (or consults the build cache) for every cgo
// package among the dependencies. Without it, see compiledFiles.
func goList(dir string, env []string, tags string, tests, export, compiled bool, patterns []string) ([]*listedPackage, error) {
	args := []string{"list", "-e", "-json=ImportPath,Name,Dir,GoFiles,CompiledGoFiles,CgoFiles,Imports,ImportMap,Export,ForTest,DepOnly,Standard,Module,Error,DepsErrors",
		"-deps"}
	if export {
		args = append(args, "-export")
	}
	if compiled {
		args = append(args, "-compiled")
	}
	if tests {
		args = append(args, "-test")
	}
	if tags != "" {
		args = append(args, "-tags="+tags)
	}
	args = append(args, "--")
	args = append(args, patterns...)
	return runGoList(dir, env, args)
}

// runGoList runs the go command with args (a go list -json request) and
// decodes the packages it prints. A failing command that printed packages
// is not an error: their Error fields say what went wrong.
func runGoList(dir string, env []string, args []string) ([]*listedPackage, error) {
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	runErr := cmd.Run()
	var out []*listedPackage
	dec := json.NewDecoder(&stdout)
	for {
		p := new(listedPackage)
		if err := dec.Decode(p); err == io.EOF {
			break
		} else if err != nil {
			return nil, fmt.Errorf("go list: %v\n%s", err, stderr.String())
		}
		p.pkgPath = p.ID
		if i := strings.Index(p.ID, " ["); i >= 0 {
			p.pkgPath = p.ID[:i]
		}
		out = append(out, p)
	}
	if runErr != nil && len(out) == 0 {
		return nil, fmt.Errorf("go list: %v\n%s", runErr, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}

// goListExport asks `go list -export -deps` for the export data of the
// packages named by their import paths (not test variants) and of their
// dependencies, and returns them by import path, with their imports and
// the go command's error for those it could not build.
func goListExport(dir string, env []string, tags string, paths []string) (map[string]*listedPackage, error) {
	args := []string{"list", "-e", "-export", "-deps", "-json=ImportPath,Name,Dir,Imports,ImportMap,Export,Standard,Module,Error,DepsErrors"}
	if tags != "" {
		args = append(args, "-tags="+tags)
	}
	args = append(args, "--")
	args = append(args, paths...)
	listed, err := runGoList(dir, env, args)
	if err != nil {
		return nil, err
	}
	out := map[string]*listedPackage{}
	for _, p := range listed {
		p.DepOnly = true
		out[p.ID] = p
	}
	return out, nil
}

// compiledFiles sets the CompiledGoFiles of the given cgo packages (and of
// their test variants, with tests), which `go list -compiled` produces by
// running cgo. A package recompiled for another package's tests ("B
// [A.test]") has the files of B.
func compiledFiles(dir string, env []string, tags string, tests bool, pkgs []*listedPackage) error {
	args := []string{"list", "-e", "-compiled", "-json=ImportPath,CompiledGoFiles,Imports,Error"}
	if tests {
		args = append(args, "-test")
	}
	if tags != "" {
		args = append(args, "-tags="+tags)
	}
	args = append(args, "--")
	seen := map[string]bool{}
	for _, p := range pkgs {
		if !seen[p.pkgPath] {
			seen[p.pkgPath] = true
			args = append(args, p.pkgPath)
		}
	}
	listed, err := runGoList(dir, env, args)
	if err != nil {
		return err
	}
	byID := map[string]*listedPackage{}
	for _, p := range listed {
		byID[p.ID] = p
	}
	for _, p := range pkgs {
		q := byID[p.ID]
		if q == nil {
			q = byID[p.pkgPath]
		}
		if q == nil {
			continue
		}
		p.CompiledGoFiles = q.CompiledGoFiles
		// cgo's output imports packages of its own (runtime/cgo, syscall).
		have := map[string]bool{}
		for _, id := range p.Imports {
			have[id] = true
		}
		for _, path := range q.Imports {
			if id := p.resolve(path); !have[id] {
				have[id] = true
				p.Imports = append(p.Imports, id)
			}
		}
		if p.Error == nil && q.Error != nil {
			p.Error = q.Error
		}
	}
	return nil
}

// isTestVariant reports whether p is "P [P.test]": package P recompiled
// with its own _test.go files.
func (p *listedPackage) isTestVariant() bool {
	return p.ID == p.pkgPath+" ["+p.pkgPath+".test]"
}

// resolve maps an import path as written in p's source to the ID of the
// package it denotes (vendoring, test variants).
func (p *listedPackage) resolve(path string) string {
	if id, ok := p.ImportMap[path]; ok {
		return id
	}
	return path
}
