package summary

import (
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gofixslice/gofixslice/rules/internal/flow"
)

// heldCases: for each function named in the map, whether its store
// `s.data = p` is held only during the call.
const heldSrc = `package a

import "errors"

type S struct {
	data     []byte
	err      error
	reset    *StreamError
	closed   bool
	ch       chan struct{}
	frames   [][]byte
}

var errClosed = errors.New("closed")

type StreamError struct{ code int }

func (e *StreamError) Error() string { return "stream error" }

func (s *S) resetBreak(p []byte) error {
	s.data = p
	for {
		if len(s.data) < 4 {
			s.data = nil
			break
		}
		<-s.ch
		if s.reset != nil {
			break
		}
	}
	return nil
}

func (s *S) cleared(p []byte) {
	s.data = p
	<-s.ch
	s.data = nil
}

func (s *S) deferred(p []byte) {
	defer func() { s.data = nil }()
	s.data = p
	<-s.ch
}

func (s *S) kept(p []byte) {
	s.data = p
}

func (s *S) boolBreak(p []byte) error {
	s.data = p
	for {
		if len(s.data) < 4 {
			s.data = nil
			break
		}
		<-s.ch
		if s.closed {
			break
		}
	}
	return nil
}

func (s *S) knownNil(p []byte) (int, error) {
	s.data = p
	n := 0
	for {
		if len(s.data) < 4 {
			s.frames = append(s.frames, append([]byte(nil), s.data...))
			s.data = nil
			n = len(p)
		}
		if s.data == nil || s.err != nil {
			break
		}
		<-s.ch
	}
	if n == len(p) {
		return n, nil
	}
	if s.err != nil {
		return n, s.err
	}
	return n, nil
}

func (s *S) localErr(p []byte, err error) error {
	s.data = p
	if err != nil {
		return err
	}
	s.data = nil
	return nil
}

func (s *S) flag(p []byte) int {
	s.data = p
	n := 0
	for {
		var copied bool
		if len(s.data) < 4 {
			s.data = nil
			copied = true
		} else if s.data == nil {
			break
		}
		<-s.ch
		if copied {
			break
		}
		n++
	}
	return n
}

func (s *S) flagNotSet(p []byte) int {
	s.data = p
	copied := true
	for {
		if len(s.data) < 4 {
			s.data = nil
			break
		}
		if copied {
			break
		}
	}
	return 0
}

func (s *S) goroutine(p []byte) {
	s.data = p
	go func() { <-s.ch }()
	s.data = nil
}
`

func TestHeldDuringCall(t *testing.T) {
	want := map[string]bool{
		"cleared": true, "deferred": true, "kept": false, "boolBreak": false,
		"knownNil": true, "localErr": false, "goroutine": false,
		"flag": true, "resetBreak": true, "flagNotSet": false,
	}
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "a.go", heldSrc, 0)
	require.NoError(t, err)
	info := &types.Info{Types: map[ast.Expr]types.TypeAndValue{}, Defs: map[*ast.Ident]types.Object{}, Uses: map[*ast.Ident]types.Object{}, Selections: map[*ast.SelectorExpr]*types.Selection{}, Scopes: map[ast.Node]*types.Scope{}}
	pkg, err := (&types.Config{Importer: importer.Default()}).Check("a", fset, []*ast.File{file}, info)
	require.NoError(t, err)
	got := map[string]bool{}
	for _, d := range file.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok {
			continue
		}
		f := flow.NewFunc(info, pkg, fd)
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			as, ok := n.(*ast.AssignStmt)
			if !ok || len(as.Lhs) != 1 || types.ExprString(as.Lhs[0]) != "s.data" {
				return true
			}
			if id, ok := as.Rhs[0].(*ast.Ident); ok && id.Name == "p" {
				got[fd.Name.Name] = HeldDuringCall(info, f, as.Lhs[0], as)
			}
			return true
		})
	}
	assert.Equal(t, want, got)
}
