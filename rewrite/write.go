package rewrite

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// writeAtomic replaces the file at path with content, through a temporary
// file in the same directory and a rename, so that a crash never leaves a
// truncated file. It keeps the file's mode, refuses read-only files, and
// refuses to overwrite a file whose bytes are no longer old (changed on disk
// since it was read). A symlink is followed: its target is rewritten.
func writeAtomic(path string, old, content []byte) error {
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	fi, err := os.Stat(real)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if fi.Mode().Perm()&0o200 == 0 {
		return fmt.Errorf("%s: file is read-only; not written", path)
	}
	cur, err := os.ReadFile(real)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if !bytes.Equal(cur, old) {
		return fmt.Errorf("%s: changed on disk since it was read; not written", path)
	}
	tmp, err := os.CreateTemp(filepath.Dir(real), "."+filepath.Base(real)+".gofixslice-*")
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	name := tmp.Name()
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(name)
		}
	}()
	if _, err := tmp.Write(content); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := tmp.Chmod(fi.Mode().Perm()); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := os.Rename(name, real); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	ok = true
	return nil
}

// resolvesInside returns an error when file, once symbolic links are
// resolved, is not inside dir (its module's directory, resolved the same
// way): a symlinked directory or file of the module that leads out of it is
// not rewritten, since its target belongs to something else.
func resolvesInside(dir, file string) error {
	realDir, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	real, err := filepath.EvalSymlinks(file)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	if !strings.HasPrefix(real, realDir+string(filepath.Separator)) {
		return fmt.Errorf("%s: resolves to %s, outside the main module; not rewritten", file, real)
	}
	return nil
}
