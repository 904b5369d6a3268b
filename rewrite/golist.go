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

// goList runs `go list` once for the patterns and their dependencies, with
// export data for every package (built or taken from the build cache).
func goList(dir string, env []string, tags string, tests bool, patterns []string) ([]*listedPackage, error) {
	args := []string{"list", "-e", "-json=ImportPath,Name,Dir,GoFiles,CompiledGoFiles,CgoFiles,Imports,ImportMap,Export,ForTest,DepOnly,Standard,Module,Error,DepsErrors",
		"-compiled", "-export", "-deps"}
	if tests {
		args = append(args, "-test")
	}
	if tags != "" {
		args = append(args, "-tags="+tags)
	}
	args = append(args, "--")
	args = append(args, patterns...)
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
