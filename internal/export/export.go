// Package export turns the validated requests into the documents
// FranceConnect provisions: one JSON document per service provider (its
// `client` document without the secrets FranceConnect generates), a
// manifest, and the change set against a previous export. It also renders
// that change set as a plan, like a Terraform plan, for the command line
// and the pull request comment.
//
// Everything is deterministic: the same requests give byte-identical
// documents whatever the order files were read in or the number of
// workers, and the output directory is replaced atomically.
package export

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/fsgate/fsgate/internal/catalog"
	"github.com/fsgate/fsgate/internal/finding"
	"github.com/fsgate/fsgate/internal/request"
	"github.com/fsgate/fsgate/internal/rules"
)

// Version is the version of the export's formats (documents, manifest,
// changes).
const Version = 1

// ProvidersDir is the directory of the requests in a repository.
const ProvidersDir = "providers"

// Document is one exported file, DIR/<id>.json.
type Document struct {
	Client Client `json:"client"`
	// ID is "<platform>/<environment>/<name>": stable for the life of the
	// service provider (the path of its request, which the change rules
	// keep immutable).
	ID     string `json:"id"`
	Source Source `json:"source"`
}

// Source is the request file a document comes from.
type Source struct {
	Path   string `json:"path"`   // relative to the repository root, with '/'
	SHA256 string `json:"sha256"` // hex of the file's bytes
}

// Entry is a document and its encoded bytes.
type Entry struct {
	Document
	Bytes  []byte // the file's content
	SHA256 string // hex of Bytes
}

// Path is the entry's file, relative to the export directory, with '/'.
func (e *Entry) Path() string { return e.ID + ".json" }

// Export is a set of documents, sorted by id.
type Export struct {
	Entries []*Entry
	// Commit is the git commit the requests were read at, "" when unknown.
	Commit string
}

// Skipped is a request file that could not become a document.
type Skipped struct {
	Path   string       `json:"path"`
	Reason finding.Text `json:"reason"`
	// Side is "base" or "head" in a plan; "" in an export.
	Side string `json:"side,omitempty"`
}

// MarshalJSON writes the reason with sorted keys too ({"en", "fr"}), as
// every JSON file of the export.
func (s Skipped) MarshalJSON() ([]byte, error) {
	type reason struct {
		EN string `json:"en"`
		FR string `json:"fr"`
	}
	return encodeCompact(struct {
		Path   string `json:"path"`
		Reason reason `json:"reason"`
		Side   string `json:"side,omitempty"`
	}{s.Path, reason{s.Reason.EN, s.Reason.FR}, s.Side}), nil
}

// Options configure Build.
type Options struct {
	// Workers bounds the parallel encoding; 0 means one per CPU.
	Workers int
}

var namePattern = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

// Build makes the document of every request file that loaded and whose
// identity (platform, environment, name) is valid and agrees with its
// path. The others are returned as skipped, with the reason, in path
// order. Build does not look at findings: the export command refuses a
// tree with errors before calling it, the plan exports what it can.
func Build(files []*rules.File, opts Options) (*Export, []Skipped) {
	var skipped []Skipped
	type item struct {
		id   string
		file *rules.File
	}
	items := make([]item, 0, len(files))
	for _, f := range files {
		id, reason := identity(f)
		if reason != nil {
			skipped = append(skipped, Skipped{Path: f.Path, Reason: *reason})
			continue
		}
		items = append(items, item{id, f})
	}
	slices.SortFunc(items, func(a, b item) int { return strings.Compare(a.id, b.id) })
	// The same path twice (a caller's mistake): keep the first.
	items = slices.CompactFunc(items, func(a, b item) bool {
		if a.id != b.id {
			return false
		}
		skipped = append(skipped, Skipped{Path: b.file.Path, Reason: finding.T("fichier en double", "duplicate file")})
		return true
	})
	slices.SortFunc(skipped, func(a, b Skipped) int { return strings.Compare(a.Path, b.Path) })

	// One allocation for every entry, and one encoding buffer per worker:
	// each document's bytes are then copied to a slice of their exact size
	// (about 1.5 KiB), which is all the export keeps.
	block := make([]Entry, len(items))
	entries := make([]*Entry, len(items))
	parallelWith(len(items), opts.Workers, func() func(int) {
		var buf []byte
		return func(i int) {
			f := items[i].file
			e := &block[i]
			e.Document = Document{
				ID:     items[i].id,
				Client: ClientOf(f.Request),
				Source: Source{Path: f.Path, SHA256: sum(f.Source)},
			}
			buf = appendDocument(buf[:0], &e.Document)
			e.Bytes = bytes.Clone(buf)
			e.SHA256 = sum(e.Bytes)
			entries[i] = e
		}
	})
	return &Export{Entries: entries}, skipped
}

// identity returns the id of a request file, or why it has none.
func identity(f *rules.File) (string, *finding.Text) {
	r := f.Request
	if r == nil {
		t := finding.T("le fichier ne se lit pas comme une demande (voir fsgate validate)",
			"the file does not read as a request (see fsgate validate)")
		return "", &t
	}
	if catalog.Get().Platform(r.Platform) == nil ||
		(r.Environment != request.Integration && r.Environment != request.Production) ||
		!namePattern.MatchString(r.Name) {
		t := finding.T("plateforme, environnement ou nom invalide (voir fsgate validate)",
			"invalid platform, environment or name (see fsgate validate)")
		return "", &t
	}
	id := r.Platform + "/" + r.Environment + "/" + r.Name
	if f.Path != ProvidersDir+"/"+id+".yaml" {
		t := finding.Tf("le chemin ne correspond pas au contenu (attendu : %s)",
			"the path does not match the content (expected: %s)", ProvidersDir+"/"+id+".yaml")
		return "", &t
	}
	return id, nil
}

// encode writes v as the export writes every JSON file: keys in the order
// of the struct fields (sorted, by construction), two-space indentation,
// no HTML escaping (URLs keep their '&'), a trailing newline.
func encode(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		// Only strings, numbers, booleans and lists of them: cannot fail.
		panic("export: encode: " + err.Error())
	}
	return b.Bytes()
}

func sum(data []byte) string {
	h := sha256.Sum256(data)
	return hex.EncodeToString(h[:])
}

// parallel calls do(i) for every i < n on at most workers goroutines.
// Each i is handled once; results written at index i keep their order.
func parallel(n, workers int, do func(i int)) {
	parallelWith(n, workers, func() func(int) { return do })
}

// parallelWith is parallel for work that needs state of its own per
// goroutine (a buffer): each goroutine calls newWorker once and handles
// its indexes with the function it returns.
//
// Goroutines take batches of consecutive indexes as they become free,
// rather than a fixed share: on a machine whose cores are also busy with
// something else, a goroutine that gets less CPU does less of the work
// instead of making the others wait. Consecutive indexes are neighbouring
// files, which keeps two goroutines from working in the same directory at
// the same time most of the time (creating or linking a file locks its
// directory).
func parallelWith(n, workers int, newWorker func() func(i int)) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, n)
	if workers <= 1 {
		if n > 0 {
			do := newWorker()
			for i := range n {
				do(i)
			}
		}
		return
	}
	// Small enough batches for each goroutine to take several: the work
	// stays balanced to the end.
	batch := int64(max(1, min(64, n/(8*workers))))
	var (
		next atomic.Int64
		wg   sync.WaitGroup
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			do := newWorker()
			for {
				end := int(next.Add(batch))
				start := end - int(batch)
				if start >= n {
					return
				}
				for i := start; i < min(end, n); i++ {
					do(i)
				}
			}
		}()
	}
	wg.Wait()
}

// Manifest lists an export's documents: DIR/manifest.json.
type Manifest struct {
	// Commit is the git commit the requests were read at, absent outside a
	// git checkout.
	Commit string `json:"commit,omitempty"`
	// Counts is the number of documents per platform and environment.
	Counts    map[string]map[string]int `json:"counts"`
	Documents []ManifestEntry           `json:"documents"`
	Total     int                       `json:"total"`
	Version   int                       `json:"version"`
}

// ManifestEntry is one document of the manifest.
type ManifestEntry struct {
	ID     string `json:"id"`
	SHA256 string `json:"sha256"` // hex of the document file's bytes
}

// Manifest returns the export's manifest.
func (x *Export) Manifest() *Manifest {
	m := &Manifest{Commit: x.Commit, Counts: map[string]map[string]int{}, Version: Version,
		Documents: make([]ManifestEntry, len(x.Entries)), Total: len(x.Entries)}
	for i, e := range x.Entries {
		m.Documents[i] = ManifestEntry{ID: e.ID, SHA256: e.SHA256}
		platform, rest, _ := strings.Cut(e.ID, "/")
		env, _, _ := strings.Cut(rest, "/")
		if m.Counts[platform] == nil {
			m.Counts[platform] = map[string]int{}
		}
		m.Counts[platform][env]++
	}
	return m
}
