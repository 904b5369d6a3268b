package rewrite

// ExportRoots makes a run load the checked packages' imports from export
// data (the loader before issue 17), for the test that compares both.
func ExportRoots(o *Options) { o.exportRoots = true }
