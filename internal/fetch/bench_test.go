package fetch_test

import (
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/fsgate/fsgate/internal/fetch"
	"github.com/fsgate/fsgate/internal/fetch/fetchtest"
)

// BenchmarkOnlinePass fetches what an online pass over 100 requests fetches
// (a sector document and a JWKS each, 200 distinct URLs) from a server that
// takes 50 ms per answer. One after the other that is 10 s; with 8 fetches
// at once it is 200/8 × 50 ms ≈ 1.25 s plus handshakes. Each iteration uses
// a new Fetcher, so nothing comes from the cache.
func BenchmarkOnlinePass(b *testing.B) {
	const latency = 50 * time.Millisecond
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		time.Sleep(latency) // simulated network and server latency
		fmt.Fprint(w, `{"keys":[]}`)
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	defer srv.Close()

	var urls []string
	for i := range 100 {
		urls = append(urls, fmt.Sprintf("%s/fs-%d/sector.json", srv.URL, i), fmt.Sprintf("%s/fs-%d/jwks.json", srv.URL, i))
	}
	opts := fetchtest.Options(srv)
	for b.Loop() {
		res := fetch.New(opts...).FetchAll(b.Context(), urls)
		for _, u := range urls {
			if !res[u].OK() {
				b.Fatal(res[u])
			}
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/pass")
}
