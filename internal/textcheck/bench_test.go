package textcheck

import "testing"

// benchDirs hold realistic request files: the repository's providers and
// the validator's valid cases. The invalid cases are left out: two of them
// are 40 and 70 KB of one repeated character, which would outweigh the
// rest, and BenchmarkScanHostile measures such files.
var benchDirs = []string{"../../providers", "../validate/testdata/valid"}

// benchFiles reads the files the benchmarks scan, once, before the timer
// starts.
func benchFiles(b *testing.B) [][]byte {
	b.Helper()
	files := requestFiles(b, benchDirs, "*.yaml")
	if len(files) == 0 {
		b.Skip("no request files")
	}
	size := 0
	for _, f := range files {
		size += len(f)
	}
	b.SetBytes(int64(size))
	return files
}

// BenchmarkScanSecrets scans every request file once per iteration; ns/file
// is what the validator pays per file.
func BenchmarkScanSecrets(b *testing.B) {
	files := benchFiles(b)
	for b.Loop() {
		for _, f := range files {
			ScanSecrets(f)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(files)), "ns/file")
}

// BenchmarkScanPhones scans every request file once per iteration; ns/file
// is what the validator pays per file.
func BenchmarkScanPhones(b *testing.B) {
	files := benchFiles(b)
	for b.Loop() {
		for _, f := range files {
			ScanPhones(f)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(files)), "ns/file")
}
