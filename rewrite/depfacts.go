package rewrite

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"go/token"
	"go/types"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofixslice/gofixslice/rewrite/rule"
)

// Dependency summaries. A rule asks about the functions a package calls:
// does this callee keep its argument, never return, return a view of its
// parameter? For callees in the packages being checked the shared analyses
// answer from source and export the answers as facts. For callees in
// dependencies outside the standard library (whose behaviour the knowledge
// tables hold) nobody would, so the answers would depend on which packages
// happen to be named on the command line — and would differ from go vet,
// which computes facts for every dependency. So the engine computes the
// same facts for those dependencies from their source, before the roots,
// and keeps them in an on-disk cache keyed by everything they are computed
// from: the tool binary, the Go version, the package's files and the keys
// of its dependencies. A module version change changes the files, hence
// the key; nothing is ever invalidated by hand.

// DepStats says what the dependency summaries cost.
type DepStats struct {
	Packages int           // dependency packages outside the standard library
	Computed int           // of which analysed from source in this run
	Cached   int           // of which read from the cache
	Failed   int           // of which could not be analysed (their facts are missing)
	Time     time.Duration // wall time of the whole step
}

// CacheDirEnv names the environment variable that sets the cache directory;
// "off" disables the cache (summaries are still computed).
const CacheDirEnv = "GOFIXSLICE_CACHE"

// depCacheDir returns the directory of cached dependency facts, or "".
func depCacheDir(env []string) string {
	dir := lookupEnv(env, CacheDirEnv)
	if dir == "off" {
		return ""
	}
	if dir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			return ""
		}
		dir = filepath.Join(base, "gofixslice")
	}
	return filepath.Join(dir, "depfacts")
}

func lookupEnv(env []string, key string) string {
	v := ""
	for _, kv := range env {
		if strings.HasPrefix(kv, key+"=") {
			v = kv[len(key)+1:] // the last one wins, as in os/exec
		}
	}
	return v
}

// dependencyAnalyses are the shared analyses the rules of a run require:
// the ones whose facts the rules will import.
func dependencyAnalyses(rules []*rule.Rule) []*rule.Analysis {
	seen := map[*rule.Analysis]bool{}
	var out []*rule.Analysis
	for _, r := range rules {
		for _, a := range r.Requires {
			if !seen[a] {
				seen[a] = true
				out = append(out, a)
			}
		}
	}
	return out
}

// dependencyPackages returns the packages whose facts the roots may import:
// every listed dependency outside the standard library and outside the
// source set (whose packages are type-checked with the roots), once per
// package path (a dependency recompiled for a test has the same functions).
func dependencyPackages(listed []*listedPackage, roots []*listedPackage, set map[string]bool) []*listedPackage {
	isRoot := map[string]bool{}
	for _, p := range roots {
		isRoot[p.pkgPath] = true
	}
	seen := map[string]bool{}
	var out []*listedPackage
	for _, p := range listed {
		if p.Standard || p.ID != p.pkgPath || isRoot[p.pkgPath] || set[p.ID] || seen[p.pkgPath] || p.Name == "" {
			continue
		}
		if p.Name == "main" || p.Error != nil || len(p.DepsErrors) > 0 {
			continue // nobody imports a main package; a broken one has no facts
		}
		seen[p.pkgPath] = true
		out = append(out, p)
	}
	return out
}

// computeDependencyFacts fills e.facts with the facts of the dependency
// packages, in dependency order, from the cache or from source.
func (e *engine) computeDependencyFacts(deps []*listedPackage, fset *token.FileSet, loader *exportLoader, src *sourceTypes) DepStats {
	start := time.Now()
	analyses := dependencyAnalyses(e.opts.Rules)
	stats := DepStats{Packages: len(deps)}
	if len(analyses) == 0 || len(deps) == 0 {
		return stats
	}
	cache := depCacheDir(e.opts.Env)
	salt := depSalt(e.opts.Tags)
	keys := make(map[string]string, len(deps)) // package path -> cache key
	var keysMu sync.Mutex
	var computed, cached, failed atomic.Int64
	inDependencyOrder(deps, runtime.GOMAXPROCS(0), func(i int) {
		lp := deps[i]
		keysMu.Lock()
		key := depKey(lp, salt, keys)
		keysMu.Unlock()
		if key != "" && cache != "" {
			if facts, ok := readDepFacts(cache, key); ok {
				for k, v := range facts {
					e.facts.Export(factPkg(lp), k, v)
				}
				cached.Add(1)
				keysMu.Lock()
				keys[lp.pkgPath] = key
				keysMu.Unlock()
				return
			}
		}
		facts, ok := e.analyseDependency(lp, fset, loader, src, analyses)
		if !ok {
			failed.Add(1)
			return // no key: dependents are not cached either
		}
		computed.Add(1)
		if key != "" && cache != "" {
			writeDepFacts(cache, key, facts)
		}
		keysMu.Lock()
		keys[lp.pkgPath] = key
		keysMu.Unlock()
	})
	stats.Computed, stats.Cached, stats.Failed = int(computed.Load()), int(cached.Load()), int(failed.Load())
	stats.Time = time.Since(start)
	return stats
}

// factPkg is the package a cached fact is recorded about: the stores key
// facts by package path only.
func factPkg(lp *listedPackage) *types.Package {
	return types.NewPackage(lp.pkgPath, lp.Name)
}

// analyseDependency type-checks one dependency from source, runs the
// shared analyses on it and returns the facts they exported.
func (e *engine) analyseDependency(lp *listedPackage, fset *token.FileSet, loader *exportLoader, src *sourceTypes, analyses []*rule.Analysis) (facts map[string]string, ok bool) {
	pkg := checkListed(lp, fset, loader, src, e.extra)
	if len(pkg.Errors) > 0 || pkg.Types == nil {
		return nil, false
	}
	rec := &recordingFacts{FactStore: e.facts, facts: map[string]string{}}
	results := rule.NewResults()
	pass := rule.NewPass(rule.PassConfig{Fset: fset, Files: pkg.Syntax, Pkg: pkg.Types, Info: pkg.TypesInfo, Facts: rec, Results: results})
	defer func() {
		if x := recover(); x != nil {
			facts, ok = nil, false // a panic in a shared analysis: no facts, like a broken package
		}
	}()
	for _, a := range analyses {
		pass.ResultOf(a)
	}
	return rec.snapshot(), true
}

// recordingFacts passes facts through to the run's store and keeps the
// ones exported, for the cache.
type recordingFacts struct {
	rule.FactStore
	mu    sync.Mutex
	facts map[string]string
}

func (r *recordingFacts) Export(pkg *types.Package, key, value string) {
	r.mu.Lock()
	r.facts[key] = value
	r.mu.Unlock()
	r.FactStore.Export(pkg, key, value)
}

func (r *recordingFacts) snapshot() map[string]string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]string, len(r.facts))
	for k, v := range r.facts {
		out[k] = v
	}
	return out
}

var (
	toolIDOnce sync.Once
	toolID     string
)

// depSalt is what every key shares: the tool binary (its rules decide the
// facts), the Go release (the standard library's types), the platform and
// the build tags (which files a package has).
func depSalt(tags string) string {
	toolIDOnce.Do(func() {
		h := sha256.New()
		if exe, err := os.Executable(); err == nil {
			if f, err := os.Open(exe); err == nil {
				_, err = io.Copy(h, f)
				f.Close()
				if err == nil {
					toolID = hex.EncodeToString(h.Sum(nil))
				}
			}
		}
	})
	if toolID == "" {
		return "" // unknown binary: never cache
	}
	return strings.Join([]string{toolID, runtime.Version(), runtime.GOOS, runtime.GOARCH, tags}, "\x00")
}

// depKey is the cache key of lp's facts, or "" when it cannot be known
// (an unreadable file, a dependency without a key).
func depKey(lp *listedPackage, salt string, keys map[string]string) string {
	if salt == "" {
		return ""
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00", salt, lp.ID)
	if lp.Module != nil {
		fmt.Fprintf(h, "go%s\x00", lp.Module.GoVersion)
	}
	files := lp.CompiledGoFiles
	if len(files) == 0 {
		files = lp.GoFiles
	}
	for _, name := range files {
		path := name
		if !filepath.IsAbs(path) {
			path = filepath.Join(lp.Dir, name)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return ""
		}
		fmt.Fprintf(h, "file %s %d\x00", filepath.Base(name), len(data))
		h.Write(data)
	}
	imports := append([]string(nil), lp.Imports...)
	sort.Strings(imports)
	for _, id := range imports {
		path := id
		if k := strings.Index(id, " ["); k >= 0 {
			path = id[:k]
		}
		if k, ok := keys[path]; ok {
			if k == "" {
				return "" // a dependency whose own key is unknown
			}
			fmt.Fprintf(h, "import %s %s\x00", path, k)
		} else {
			// A standard-library package (fixed by the Go release in the
			// salt), or a dependency that failed: its facts are absent
			// either way, today and on a re-run with the same inputs.
			fmt.Fprintf(h, "import %s\x00", path)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

func depFactsPath(dir, key string) string {
	return filepath.Join(dir, key[:2], key+".json")
}

func readDepFacts(dir, key string) (map[string]string, bool) {
	data, err := os.ReadFile(depFactsPath(dir, key))
	if err != nil {
		return nil, false
	}
	var facts map[string]string
	if json.Unmarshal(data, &facts) != nil {
		return nil, false // a damaged entry is recomputed and overwritten
	}
	return facts, true
}

// writeDepFacts stores facts under key, atomically; a cache that cannot be
// written only costs the next run the same work again.
func writeDepFacts(dir, key string, facts map[string]string) {
	data, err := json.Marshal(facts)
	if err != nil {
		return
	}
	path := depFactsPath(dir, key)
	if err := os.MkdirAll(filepath.Dir(path), 0o777); err != nil {
		return
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if werr != nil || cerr != nil || os.Rename(tmp.Name(), path) != nil {
		os.Remove(tmp.Name())
	}
}
