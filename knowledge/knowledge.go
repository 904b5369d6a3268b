// Package knowledge is the single table of standard-library facts that every
// gofixslice rule consults: which functions return views of their arguments,
// which results are only valid until the next call, which calls copy or
// retain their arguments, and which methods modify a buffer.
//
// Rules must not hard-code such facts themselves: adding a function here
// teaches every rule about it at once.
package knowledge

import (
	"go/types"
	"strings"
)

// Facts describes what a function does with its arguments and results.
// Argument indexes count the receiver as -1 and parameters from 0.
type Facts struct {
	// Transient: result 0 is a view into storage the callee overwrites on
	// the next call (bufio.Scanner.Bytes, bufio.Reader.ReadSlice...).
	Transient bool
	// ViewOf lists the arguments whose storage result 0 (or its elements,
	// for [][]byte / []string results) aliases (bytes.TrimSpace(b) -> b).
	ViewOf []int
	// Copies lists arguments whose contents are copied, never retained.
	Copies []int
	// Retains lists arguments the callee keeps beyond the call.
	Retains []int
	// ReadsInto lists arguments the callee fills with data (io.ReadFull).
	ReadsInto []int
	// Mutates: the call modifies the receiver's contents (bytes.Buffer.Reset).
	Mutates bool
	// Pure: calling twice in a row gives the same result with no side
	// effect, so a rewrite may evaluate the call twice.
	Pure bool
	// Fresh: result 0 is newly allocated storage that the caller owns
	// (nothing else holds it).
	Fresh bool
	// Secret: result 0 is secret key material (a key-derivation result, a
	// shared secret, a private key's bytes). Secret implies Fresh.
	Secret bool
	// Resets: the call empties the receiver for reuse (bytes.Buffer.Reset).
	// Any method Reset() with no parameters counts too (see IsReset).
	Resets bool
	// ResetsIfZero: the call empties the receiver when argument 0 is the
	// constant 0 (bytes.Buffer.Truncate(0)).
	ResetsIfZero bool
	// UntilModified: result 0 is a view of the receiver that stays valid
	// only until the receiver is next modified (bytes.Buffer.Bytes), by a
	// Mutates call or by handing the buffer to any call.
	UntilModified bool
	// OverwrittenBy names, for a Transient result, the method whose call
	// overwrites the view when that is not simply the next read
	// (bufio.Scanner.Bytes: Scan). Messages say "the next " + OverwrittenBy.
	OverwrittenBy string
}

// recv is the receiver pseudo-index.
const recv = -1

// table is keyed by types.Func.FullName().
var table = map[string]Facts{
	// Views valid until the next call.
	"(*bufio.Scanner).Bytes":    {Transient: true, ViewOf: []int{recv}, Pure: true, OverwrittenBy: "Scan"},
	"(*bufio.Reader).ReadSlice": {Transient: true, ViewOf: []int{recv}},
	"(*bufio.Reader).ReadLine":  {Transient: true, ViewOf: []int{recv}},
	"(*bufio.Reader).Peek":      {Transient: true, ViewOf: []int{recv}},

	// bytes.Buffer: Bytes is a view valid until the next modification.
	"(*bytes.Buffer).Bytes":       {ViewOf: []int{recv}, Pure: true, UntilModified: true},
	"(*bytes.Buffer).String":      {Copies: []int{recv}, Pure: true},
	"(*bytes.Buffer).Reset":       {Mutates: true, Resets: true},
	"(*bytes.Buffer).Truncate":    {Mutates: true, ResetsIfZero: true},
	"(*bytes.Buffer).Grow":        {Mutates: true},
	"(*bytes.Buffer).Write":       {Mutates: true, Copies: []int{0}},
	"(*bytes.Buffer).WriteString": {Mutates: true, Copies: []int{0}},
	"(*bytes.Buffer).WriteByte":   {Mutates: true},
	"(*bytes.Buffer).WriteRune":   {Mutates: true},
	"(*bytes.Buffer).ReadFrom":    {Mutates: true},
	"(*strings.Builder).Write":    {Copies: []int{0}},
	"(*strings.Builder).Reset":    {Resets: true},

	// Functions returning views of their argument.
	"bytes.TrimSpace":                     {ViewOf: []int{0}, Pure: true},
	"bytes.Trim":                          {ViewOf: []int{0}, Pure: true},
	"bytes.TrimLeft":                      {ViewOf: []int{0}, Pure: true},
	"bytes.TrimRight":                     {ViewOf: []int{0}, Pure: true},
	"bytes.TrimPrefix":                    {ViewOf: []int{0}, Pure: true},
	"bytes.TrimSuffix":                    {ViewOf: []int{0}, Pure: true},
	"bytes.TrimFunc":                      {ViewOf: []int{0}},
	"bytes.Fields":                        {ViewOf: []int{0}},
	"bytes.Split":                         {ViewOf: []int{0}},
	"bytes.SplitN":                        {ViewOf: []int{0}},
	"bytes.SplitAfter":                    {ViewOf: []int{0}},
	"bytes.Cut":                           {ViewOf: []int{0}},
	"strings.TrimSpace":                   {ViewOf: []int{0}, Pure: true},
	"strings.Trim":                        {ViewOf: []int{0}, Pure: true},
	"strings.TrimLeft":                    {ViewOf: []int{0}, Pure: true},
	"strings.TrimRight":                   {ViewOf: []int{0}, Pure: true},
	"strings.TrimPrefix":                  {ViewOf: []int{0}, Pure: true},
	"strings.TrimSuffix":                  {ViewOf: []int{0}, Pure: true},
	"strings.Fields":                      {ViewOf: []int{0}},
	"strings.Split":                       {ViewOf: []int{0}},
	"strings.SplitN":                      {ViewOf: []int{0}},
	"strings.SplitAfter":                  {ViewOf: []int{0}},
	"strings.Cut":                         {ViewOf: []int{0}},
	"(*regexp.Regexp).Find":               {ViewOf: []int{0}},
	"(*regexp.Regexp).FindSubmatch":       {ViewOf: []int{0}},
	"(*regexp.Regexp).FindAll":            {ViewOf: []int{0}},
	"(*regexp.Regexp).FindAllSubmatch":    {ViewOf: []int{0}},
	"(*regexp.Regexp).FindString":         {ViewOf: []int{0}},
	"(*regexp.Regexp).FindStringSubmatch": {ViewOf: []int{0}},
	"(*regexp.Regexp).FindAllString":      {ViewOf: []int{0}},

	// Copies.
	"bytes.Clone":                               {Copies: []int{0}, Pure: true, Fresh: true},
	"strings.Clone":                             {Copies: []int{0}, Pure: true},
	"slices.Clone":                              {Copies: []int{0}, Fresh: true},
	"crypto/aes.NewCipher":                      {Copies: []int{0}},
	"crypto/des.NewCipher":                      {Copies: []int{0}},
	"crypto/des.NewTripleDESCipher":             {Copies: []int{0}},
	"crypto/cipher.NewGCM":                      {Copies: []int{0}},
	"crypto/hmac.New":                           {Copies: []int{1}},
	"golang.org/x/crypto/chacha20poly1305.New":  {Copies: []int{0}},
	"golang.org/x/crypto/chacha20poly1305.NewX": {Copies: []int{0}},

	// Key derivation and key agreement: fresh secret key material. The
	// secret and salt arguments are read, never kept.
	"crypto/pbkdf2.Key":                                {Copies: []int{2}, Secret: true, Fresh: true},
	"crypto/hkdf.Key":                                  {Copies: []int{1, 2}, Secret: true, Fresh: true},
	"crypto/hkdf.Extract":                              {Copies: []int{1, 2}, Secret: true, Fresh: true},
	"crypto/hkdf.Expand":                               {Copies: []int{1}, Secret: true, Fresh: true},
	"(*crypto/ecdh.PrivateKey).ECDH":                   {Secret: true, Fresh: true},
	"(*crypto/ecdh.PrivateKey).Bytes":                  {Secret: true, Fresh: true},
	"(*crypto/mlkem.DecapsulationKey768).Decapsulate":  {Copies: []int{0}, Secret: true, Fresh: true},
	"(*crypto/mlkem.DecapsulationKey1024).Decapsulate": {Copies: []int{0}, Secret: true, Fresh: true},
	"(*crypto/mlkem.DecapsulationKey768).Bytes":        {Secret: true, Fresh: true},
	"(*crypto/mlkem.DecapsulationKey1024).Bytes":       {Secret: true, Fresh: true},
	"golang.org/x/crypto/pbkdf2.Key":                   {Copies: []int{0, 1}, Secret: true, Fresh: true},
	"golang.org/x/crypto/scrypt.Key":                   {Copies: []int{0, 1}, Secret: true, Fresh: true},
	"golang.org/x/crypto/argon2.Key":                   {Copies: []int{0, 1}, Secret: true, Fresh: true},
	"golang.org/x/crypto/argon2.IDKey":                 {Copies: []int{0, 1}, Secret: true, Fresh: true},
	"golang.org/x/crypto/hkdf.Extract":                 {Copies: []int{1, 2}, Secret: true, Fresh: true},
	"golang.org/x/crypto/curve25519.X25519":            {Copies: []int{0, 1}, Secret: true, Fresh: true},
	"crypto/cipher.NewCTR":                             {Copies: []int{1}},
	"crypto/cipher.NewCBCEncrypter":                    {Copies: []int{1}},
	"crypto/cipher.NewCBCDecrypter":                    {Copies: []int{1}},
	"crypto/cipher.NewGCMWithNonceSize":                {Copies: []int{0}},
	"crypto/cipher.NewGCMWithTagSize":                  {Copies: []int{0}},
	"crypto/hmac.Equal":                                {Copies: []int{0, 1}, Pure: true},
	"crypto/subtle.ConstantTimeCompare":                {Copies: []int{0, 1}, Pure: true},
	"bytes.Equal":                                      {Copies: []int{0, 1}, Pure: true},
	"crypto/sha256.Sum256":                             {Copies: []int{0}, Pure: true},
	"crypto/sha512.Sum512":                             {Copies: []int{0}, Pure: true},
	"encoding/hex.EncodeToString":                      {Copies: []int{0}, Pure: true},
	"(*encoding/base64.Encoding).EncodeToString":       {Copies: []int{0}, Pure: true},

	// Reads into a buffer argument.
	"io.ReadFull":      {ReadsInto: []int{1}},
	"io.ReadAtLeast":   {ReadsInto: []int{1}},
	"crypto/rand.Read": {ReadsInto: []int{0}},
	"syscall.Read":     {ReadsInto: []int{1}},
	"syscall.Pread":    {ReadsInto: []int{1}},

	// Retains arguments.
	"(*sync.Map).Store":                   {Retains: []int{0, 1}},
	"(*sync.Map).LoadOrStore":             {Retains: []int{0, 1}},
	"(*sync.Map).Swap":                    {Retains: []int{0, 1}},
	"(*sync.Map).CompareAndSwap":          {Retains: []int{0, 2}},
	"(*container/list.List).PushBack":     {Retains: []int{0}},
	"(*container/list.List).PushFront":    {Retains: []int{0}},
	"(*container/list.List).InsertBefore": {Retains: []int{0}},
	"(*container/list.List).InsertAfter":  {Retains: []int{0}},
	"(*sync/atomic.Value).Store":          {Retains: []int{0}},
	"(*sync/atomic.Value).Swap":           {Retains: []int{0}},
	"(*sync/atomic.Value).CompareAndSwap": {Retains: []int{1}},
	"context.WithValue":                   {Retains: []int{1, 2}},
}

// tablePackages holds the package path of every table entry.
var tablePackages = func() map[string]bool {
	m := map[string]bool{"sync/atomic": true}
	for name := range table {
		name = strings.TrimPrefix(name, "(*")
		name = strings.TrimPrefix(name, "(")
		if i := strings.LastIndex(name, ")."); i >= 0 {
			name = name[:i] // "bufio.Scanner"
			if j := strings.LastIndex(name, "."); j >= 0 {
				m[name[:j]] = true
			}
			continue
		}
		if j := strings.LastIndex(name, "."); j >= 0 {
			m[name[:j]] = true
		}
	}
	return m
}()

// Lookup returns the facts known for fn, and whether any are known.
// Methods of generic types (atomic.Pointer[T]) are matched by their origin.
func Lookup(fn *types.Func) (Facts, bool) {
	if fn == nil {
		return Facts{}, false
	}
	fn = fn.Origin()
	if fn.Pkg() == nil || !tablePackages[fn.Pkg().Path()] {
		return Facts{}, false // most calls: skip building the full name
	}
	if f, ok := table[fn.FullName()]; ok {
		return f, true
	}
	// atomic.Pointer[T].Store/Swap/CompareAndSwap retain their pointer.
	if sig, ok := fn.Type().(*types.Signature); ok && sig.Recv() != nil {
		if named := namedOf(sig.Recv().Type()); named != nil && named.Obj().Pkg() != nil &&
			named.Obj().Pkg().Path() == "sync/atomic" && named.Obj().Name() == "Pointer" {
			switch fn.Name() {
			case "Store", "Swap":
				return Facts{Retains: []int{0}}, true
			case "CompareAndSwap":
				return Facts{Retains: []int{1}}, true
			}
		}
	}
	return Facts{}, false
}

func namedOf(t types.Type) *types.Named {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	n, _ := types.Unalias(t).(*types.Named)
	return n
}

// IsReset reports whether calling fn empties its receiver for reuse: a
// table entry (Truncate only when firstArgZero), or any method Reset with
// no parameters, the convention of bytes.Buffer, strings.Builder, hash.Hash
// and most pooled types.
func IsReset(fn *types.Func, firstArgZero bool) bool {
	if fn == nil {
		return false
	}
	if f, ok := Lookup(fn); ok && (f.Resets || (f.ResetsIfZero && firstArgZero)) {
		return true
	}
	sig, ok := fn.Type().(*types.Signature)
	return ok && sig.Recv() != nil && fn.Name() == ResetMethod && sig.Params().Len() == 0
}

// Method-name conventions of the standard library that rules also apply to
// other types.
const (
	// ResetMethod empties a value for reuse: Reset() on bytes.Buffer,
	// strings.Builder, hash.Hash and most pooled types (see IsReset).
	ResetMethod = "Reset"
	// CapMethod reports a buffer's capacity: Cap() int on bytes.Buffer.
	CapMethod = "Cap"
	// WaitMethod blocks until other goroutines are done: sync.WaitGroup's
	// and sync.Cond's Wait (and errgroup.Group's, by the same convention).
	WaitMethod = "Wait"
	// WriteMethod is io.Writer's method (see IsWriteMethod).
	WriteMethod = "Write"
)

// PoolPut and PoolGet are the sync.Pool methods, by types.Func.FullName.
const (
	PoolPut = "(*sync.Pool).Put"
	PoolGet = "(*sync.Pool).Get"
)

// The selector names of sync.Pool: its Get and Put methods and its New
// field, for rules that look at every use of a pool variable.
const (
	PoolGetMethod = "Get"
	PoolPutMethod = "Put"
	PoolNewField  = "New"
)

// IsPoolPut reports whether fn is (*sync.Pool).Put.
func IsPoolPut(fn *types.Func) bool { return fn != nil && fn.FullName() == PoolPut }

// IsPoolGet reports whether fn is (*sync.Pool).Get.
func IsPoolGet(fn *types.Func) bool { return fn != nil && fn.FullName() == PoolGet }

// Func names a package-level function of a standard package: what a rule
// matches (Is) and what a fix imports and calls (Path, Name).
type Func struct {
	Path string // import path, "slices"
	Name string // "DeleteFunc"
}

// FullName is the function's types.Func.FullName, "slices.DeleteFunc".
func (f Func) FullName() string { return f.Path + "." + f.Name }

// Is reports whether fn is the function f names.
func (f Func) Is(fn *types.Func) bool { return fn != nil && fn.FullName() == f.FullName() }

// SlicesPath is the import path of package slices.
const SlicesPath = "slices"

// Functions of package slices that rules recognise or write.
var (
	// SlicesDelete removes s[i:j]: s = slices.Delete(s, i, j).
	SlicesDelete = Func{Path: SlicesPath, Name: "Delete"}
	// SlicesDeleteFunc removes the elements a predicate selects.
	SlicesDeleteFunc = Func{Path: SlicesPath, Name: "DeleteFunc"}
)

// noReturn lists functions and methods (types.Func.FullName) that never
// return to their caller.
var noReturn = map[string]bool{
	"os.Exit": true, "runtime.Goexit": true,
	"log.Fatal": true, "log.Fatalf": true, "log.Fatalln": true,
	"log.Panic": true, "log.Panicf": true, "log.Panicln": true,
	"(*log.Logger).Fatal": true, "(*log.Logger).Fatalf": true, "(*log.Logger).Fatalln": true,
	"(*log.Logger).Panic": true, "(*log.Logger).Panicf": true, "(*log.Logger).Panicln": true,
	"(*testing.common).FailNow": true, "(*testing.common).Fatal": true, "(*testing.common).Fatalf": true,
	"(*testing.common).SkipNow": true, "(*testing.common).Skip": true, "(*testing.common).Skipf": true,
}

// NoReturn reports whether calling fn never returns to the caller: it
// exits the process (os.Exit, log.Fatal...), panics (log.Panic...) or ends
// the goroutine (runtime.Goexit, testing's FailNow, Fatal, SkipNow...). The
// panic built-in is the caller's to check.
func NoReturn(fn *types.Func) bool { return fn != nil && noReturn[fn.FullName()] }

// largeReaders are functions (types.Func.FullName) whose result 0 holds a
// whole input.
var largeReaders = map[string]bool{
	"os.ReadFile":        true,
	"io.ReadAll":         true,
	"io/ioutil.ReadFile": true,
	"io/ioutil.ReadAll":  true,
}

// IsLargeReader reports whether result 0 of fn is a fresh buffer holding a
// whole file or stream (os.ReadFile, io.ReadAll): often large, so a small
// sub-slice of it kept for long pins all of it.
func IsLargeReader(fn *types.Func) bool { return fn != nil && largeReaders[fn.FullName()] }

// ListPath is the import path of container/list.
const ListPath = "container/list"

// Method names of container/list.
const (
	// ListNext and ListPrev are the Element methods that step a walk
	// forwards and backwards.
	ListNext = "Next"
	ListPrev = "Prev"
	// ListRemove unlinks an element from its List (and clears its links).
	ListRemove = "Remove"
)

// ListWalk returns the Element step of a walk that starts at fn: ListNext
// for (*list.List).Front, ListPrev for (*list.List).Back, otherwise "".
func ListWalk(fn *types.Func) string {
	switch {
	case fn == nil:
		return ""
	case fn.FullName() == "(*"+ListPath+".List).Front":
		return ListNext
	case fn.FullName() == "(*"+ListPath+".List).Back":
		return ListPrev
	}
	return ""
}

// ListStep returns ListNext or ListPrev when fn is (*list.Element).Next or
// (*list.Element).Prev, otherwise "".
func ListStep(fn *types.Func) string {
	if fn == nil {
		return ""
	}
	switch fn.FullName() {
	case "(*" + ListPath + ".Element)." + ListNext:
		return ListNext
	case "(*" + ListPath + ".Element)." + ListPrev:
		return ListPrev
	}
	return ""
}

// ListMethod returns fn's name when fn is a method of a container/list
// type (List or Element), otherwise "".
func ListMethod(fn *types.Func) string {
	if fn == nil || fn.Pkg() == nil || fn.Pkg().Path() != ListPath {
		return ""
	}
	if sig, ok := fn.Type().(*types.Signature); !ok || sig.Recv() == nil {
		return ""
	}
	return fn.Name()
}

// ListReadOnly reports whether the List method named name leaves the list
// as it is: Len, Front, Back.
func ListReadOnly(name string) bool {
	switch name {
	case "Len", "Front", "Back":
		return true
	}
	return false
}

// IsBytesBuffer reports whether t is bytes.Buffer or a pointer to one.
func IsBytesBuffer(t types.Type) bool {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "bytes" && n.Obj().Name() == "Buffer"
}

// IsCryptoPackage reports whether the package with import path path is a
// cryptography package: crypto/... or golang.org/x/crypto/....
func IsCryptoPackage(path string) bool {
	return strings.HasPrefix(path, "crypto/") || strings.HasPrefix(path, "golang.org/x/crypto/")
}

// IsAppendName reports whether a function name says, by the standard
// library's convention (strconv.AppendInt, utf8.AppendRune, and appendX
// helpers), that it appends to a caller-supplied buffer and returns it.
func IsAppendName(name string) bool {
	for _, p := range []string{"Append", "append"} {
		if rest, ok := strings.CutPrefix(name, p); ok {
			if rest == "" || !('a' <= rest[0] && rest[0] <= 'z') {
				return true
			}
		}
	}
	return false
}

// readMethods are the names IsReadMethod accepts.
var readMethods = []string{"Read", "ReadAt"}

// transientSourceNames holds the names of the functions and methods that
// can produce a view a later call overwrites: Transient and UntilModified
// entries, ReadsInto entries, and the read methods.
var transientSourceNames = func() map[string]bool {
	m := map[string]bool{}
	for _, name := range readMethods {
		m[name] = true
	}
	for full, f := range table {
		if f.Transient || f.UntilModified || len(f.ReadsInto) > 0 {
			m[full[strings.LastIndex(full, ".")+1:]] = true
		}
	}
	return m
}()

// IsTransientSourceName reports whether a function or method called name
// may produce a view that a later call overwrites (a Transient or
// UntilModified result, or a buffer it reads into): a syntactic filter
// that skips files which cannot have such views.
func IsTransientSourceName(name string) bool { return transientSourceNames[name] }

// Has reports whether idx is in list.
func Has(list []int, idx int) bool {
	for _, i := range list {
		if i == idx {
			return true
		}
	}
	return false
}

// IsWriteMethod reports whether fn is a method with the io.Writer Write
// signature, whose contract says "Implementations must not retain p".
func IsWriteMethod(fn *types.Func) bool {
	if fn == nil || fn.Name() != WriteMethod {
		return false
	}
	sig, ok := fn.Type().(*types.Signature)
	if !ok || sig.Recv() == nil || sig.Params().Len() != 1 || sig.Results().Len() != 2 {
		return false
	}
	return isByteSlice(sig.Params().At(0).Type()) &&
		types.Identical(sig.Results().At(0).Type(), types.Typ[types.Int]) &&
		isError(sig.Results().At(1).Type())
}

// IsReadMethod reports whether fn has the io.Reader Read signature (it fills
// its argument), or io.ReaderAt's ReadAt.
func IsReadMethod(fn *types.Func) bool {
	if fn == nil || (fn.Name() != readMethods[0] && fn.Name() != readMethods[1]) {
		return false
	}
	sig, ok := fn.Type().(*types.Signature)
	if !ok || sig.Recv() == nil || sig.Params().Len() < 1 || sig.Results().Len() != 2 {
		return false
	}
	return isByteSlice(sig.Params().At(0).Type())
}

func isByteSlice(t types.Type) bool {
	s, ok := t.Underlying().(*types.Slice)
	if !ok {
		return false
	}
	b, ok := s.Elem().Underlying().(*types.Basic)
	return ok && b.Kind() == types.Byte
}

func isError(t types.Type) bool {
	return types.Identical(t, types.Universe.Lookup("error").Type())
}

// IsStdWriteMethod reports whether fn is a method of the standard library
// named Write... whose first parameter is a []byte it writes out
// (net.UDPConn.WriteToUDP, WriteTo, os.File.WriteAt): like io.Writer's
// Write, it neither keeps nor appends to p.
func IsStdWriteMethod(fn *types.Func) bool {
	if fn == nil || fn.Pkg() == nil || strings.Contains(fn.Pkg().Path(), ".") || !strings.HasPrefix(fn.Name(), "Write") {
		return false
	}
	sig, ok := fn.Type().(*types.Signature)
	if !ok || sig.Recv() == nil || sig.Params().Len() < 1 {
		return false
	}
	sl, ok := sig.Params().At(0).Type().Underlying().(*types.Slice)
	if !ok {
		return false
	}
	b, ok := sl.Elem().Underlying().(*types.Basic)
	return ok && b.Kind() == types.Byte
}

// IsReadIntoMethod reports whether fn is a method named Read... whose first
// parameter is a []byte and whose first result is the int count read into
// it (io.Reader's Read, net.UDPConn.ReadFromUDP, ReadFrom on a conn).
func IsReadIntoMethod(fn *types.Func) bool {
	if fn == nil || !strings.HasPrefix(fn.Name(), "Read") {
		return false
	}
	sig, ok := fn.Type().(*types.Signature)
	if !ok || sig.Recv() == nil || sig.Params().Len() < 1 || sig.Results().Len() < 2 {
		return false
	}
	if b, ok := sig.Results().At(0).Type().Underlying().(*types.Basic); !ok || b.Kind() != types.Int {
		return false
	}
	sl, ok := sig.Params().At(0).Type().Underlying().(*types.Slice)
	if !ok {
		return false
	}
	b, ok := sl.Elem().Underlying().(*types.Basic)
	return ok && b.Kind() == types.Byte
}
