// Command gofixslice finds and fixes memory-lifetime and aliasing hazards
// around slices, maps and sync.Pool.
//
// Usage:
//
//	gofixslice [flags] [packages | dirs | files.go]
//
// With no flag it prints the findings as path:line:col: check-id: message.
// -l lists the files fixes would change, -d prints their diffs, -w writes
// them, -json and -sarif print findings with their fixes. -list lists the
// rules and their checks, -explain ID prints a rule's documentation.
//
// Each finding carries its evidence chain: the source, the view, the
// holder and the later overwrite or use, each a position and a one-line
// note. -v prints the steps indented under the finding (one
// "\tpath:line:col: note" line each, then why it matters and what became
// of its fix); -json has them as "evidence", -sarif as relatedLocations
// and a codeFlow, and the go/analysis analyzers as Related information.
// Without -v a finding is one line.
//
// Checks are chosen with -enable and -disable (rule IDs such as pool-put,
// or check IDs such as pool-put/boxing) and -category (bug, memory,
// performance, hardening, style); style checks are off unless asked for.
// Every rule option is a flag of the same name (-large, -sensitive,
// -pool-max-cap). A gofixslice.toml in a package's directory or above sets
// the same keys per directory; -config names one file for every package,
// -config none reads none.
//
// Dependencies outside the standard library are summarised from source
// (what their functions keep, put into pools, never return from), cached in
// the user cache directory or $GOFIXSLICE_CACHE ("off": no cache);
// -deps=false skips them.
//
// When the go command runs it as a vet or fix tool (go vet -vettool, go fix
// -fixtool), it speaks the go/analysis unitchecker protocol instead.
//
// Exit codes: 0 nothing found; 1 findings reported, diffs or files listed,
// or findings left unfixed after -w; 2 errors (load, parse, type, write,
// configuration).
package main
