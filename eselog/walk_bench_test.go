package eselog

import (
	"bytes"
	"context"
	"testing"

	"github.com/esekit/esekit/internal/testcorpus"
)

// benchLogs are the files the walk benchmarks read, whole, from memory.
var benchLogs = []struct{ name, path string }{
	{"modern-USS00041", "appdata-uss-jtx/USS00041.jtx"},
	{"modern-edb0000D", "appdata/edb0000D.log"},
	{"legacy-kimberli-edb", "wlm-kimberli13/edb.log"},
}

// BenchmarkWalk opens each log (header, tail scan with every segment
// checksum or LRCHECKSUM range verified) and walks every record (segments
// verified again), reporting MB/s of file and records/s.
func BenchmarkWalk(b *testing.B) {
	for _, f := range benchLogs {
		b.Run(f.name, func(b *testing.B) {
			data := testcorpus.Read(b, f.path)
			b.SetBytes(int64(len(data)))
			recs := 0
			for b.Loop() {
				l, err := Open(bytes.NewReader(data), int64(len(data)))
				if err != nil {
					b.Fatal(err)
				}
				s, err := l.Walk(context.Background())
				if err != nil {
					b.Fatal(err)
				}
				recs += s.Records
			}
			b.ReportMetric(float64(recs)/b.Elapsed().Seconds(), "records/s")
		})
	}
}

// BenchmarkDecode is BenchmarkWalk with every record decoded into its
// typed value (Records).
func BenchmarkDecode(b *testing.B) {
	for _, f := range benchLogs {
		b.Run(f.name, func(b *testing.B) {
			data := testcorpus.Read(b, f.path)
			b.SetBytes(int64(len(data)))
			recs := 0
			for b.Loop() {
				l, err := Open(bytes.NewReader(data), int64(len(data)))
				if err != nil {
					b.Fatal(err)
				}
				for _, err := range l.Records(context.Background(), Filter{}) {
					if err != nil {
						b.Fatal(err)
					}
					recs++
				}
			}
			b.ReportMetric(float64(recs)/b.Elapsed().Seconds(), "records/s")
		})
	}
}

// BenchmarkPlainRead reads the same bytes in 4 KiB ReadAt calls and XORs
// them: the floor any walk is compared with.
func BenchmarkPlainRead(b *testing.B) {
	for _, f := range benchLogs {
		b.Run(f.name, func(b *testing.B) {
			data := testcorpus.Read(b, f.path)
			r := bytes.NewReader(data)
			b.SetBytes(int64(len(data)))
			buf := make([]byte, 4096)
			var x byte
			for b.Loop() {
				for off := int64(0); off < int64(len(data)); off += 4096 {
					n, _ := r.ReadAt(buf, off)
					x ^= buf[n-1]
				}
			}
			_ = x
		})
	}
}
