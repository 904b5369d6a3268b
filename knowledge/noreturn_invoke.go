package knowledge

import "go/types"

// noReturnInvoke lists interface methods (types.Func.FullName) that never
// return whatever the dynamic type: testing.TB has an unexported method,
// so only package testing's types implement it, and their FailNow, Fatal
// and Skip methods end the goroutine.
var noReturnInvoke = map[string]bool{
	"(testing.TB).FailNow": true, "(testing.TB).Fatal": true, "(testing.TB).Fatalf": true,
	"(testing.TB).SkipNow": true, "(testing.TB).Skip": true, "(testing.TB).Skipf": true,
}

// NoReturnInvoke reports whether a call of interface method m (tb.Fatal
// with tb a testing.TB) never returns to the caller. It is NoReturn for
// calls through an interface; rules that do not ask it are unaffected.
func NoReturnInvoke(m *types.Func) bool { return m != nil && noReturnInvoke[m.FullName()] }
