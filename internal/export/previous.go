package export

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// maxDocumentSize bounds one file of a previous export: a document is
// about 2 KiB, a manifest of 10,000 documents about 1 MiB.
const maxDocumentSize = 64 << 20

// Previous is an export to compare with: one read back from a
// directory, or one in memory (Export.Clients).
type Previous struct {
	Commit string // from its manifest; "" when unknown
	docs   map[string]*prevDoc
}

// prevDoc is one document of a previous export. A document read back is
// parsed only when its bytes differ from the new one's.
type prevDoc struct {
	file   string // the document's file, "" in memory
	sha256 string // of its bytes
	// data are its bytes until parsed; nil when Export.ReadPrevious found
	// them equal to the new document's (Client reads them again if asked).
	data   []byte
	client *Client // nil until parsed
}

// Len is the number of documents.
func (p *Previous) Len() int { return len(p.docs) }

// Client returns the client of the document id, parsed on first use; nil
// when the export has no such document.
func (p *Previous) Client(id string) (*Client, error) {
	d := p.docs[id]
	if d == nil {
		return nil, nil
	}
	if d.client == nil {
		data := d.data
		if data == nil {
			// Export.ReadPrevious checked this document and did not keep
			// it, being the same as the new one: read it again, and check
			// it is still what was checked.
			var err error
			if data, err = readInto(nil, d.file); err != nil {
				return nil, fmt.Errorf("previous export: %w", err)
			}
			if sum(data) != d.sha256 {
				return nil, fmt.Errorf("previous export: %s.json changed while being read", id)
			}
		}
		var doc Document
		if err := json.Unmarshal(data, &doc); err != nil {
			return nil, fmt.Errorf("previous export: %s.json: %w", id, err)
		}
		if doc.ID != id {
			return nil, fmt.Errorf("previous export: %s.json: its id is %q", id, doc.ID)
		}
		d.client, d.data = &doc.Client, nil
	}
	return d.client, nil
}

// ReadPrevious reads the export in dir as the previous export of x. A
// missing or empty dir is an empty export (the first run: everything is
// created).
//
// Its manifest must list exactly the documents found, with the hashes of
// their bytes: a previous export changed by hand or half copied is an
// error, not a silent source of wrong changes. Every document is read and
// checked: a document changed by hand is refused, not linked into the new
// export (Files links the unchanged documents) nor trusted for the
// changes. A document whose bytes are those of x's document of the same id
// has the hash of that document, computed by Build: it is not hashed
// again, and its bytes are not kept (it is unchanged: nothing will parse
// it). The others are kept for Diff, and parsed only there.
func (x *Export) ReadPrevious(dir string, workers int) (*Previous, error) {
	return readPrevious(dir, x, workers)
}

// readPrevious is ReadPrevious; next, when nil, spares nothing: every
// document is hashed and kept (the reference the tests compare with).
func readPrevious(dir string, next *Export, workers int) (*Previous, error) {
	prev := &Previous{docs: map[string]*prevDoc{}}
	info, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return prev, nil
	}
	if err != nil {
		return nil, fmt.Errorf("previous export: %w", err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("previous export: %s is not a directory", dir)
	}

	var paths []string // relative, with '/'
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel != "." && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir // .git, a temporary tree
			}
			return nil
		}
		if strings.Count(rel, "/") == 2 && strings.HasSuffix(rel, ".json") {
			paths = append(paths, rel)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("previous export: %w", err)
	}
	slices.Sort(paths)

	data, err := readBounded(filepath.Join(dir, ManifestFile))
	if errors.Is(err, fs.ErrNotExist) {
		if len(paths) > 0 {
			return nil, fmt.Errorf("previous export: %s holds documents but no %s", dir, ManifestFile)
		}
		return prev, nil
	}
	if err != nil {
		return nil, fmt.Errorf("previous export: %w", err)
	}
	var manifest Manifest
	if err := json.Unmarshal(data, &manifest); err != nil {
		return nil, fmt.Errorf("previous export: %s: %w", ManifestFile, err)
	}
	prev.Commit = manifest.Commit
	listed := make(map[string]string, len(manifest.Documents))
	for _, m := range manifest.Documents {
		listed[m.ID] = m.SHA256
	}
	var nextByID map[string]*Entry
	if next != nil {
		nextByID = make(map[string]*Entry, len(next.Entries))
		for _, e := range next.Entries {
			nextByID[e.ID] = e
		}
	}

	docs := make([]*prevDoc, len(paths))
	errs := make([]error, len(paths))
	parallelWith(len(paths), workers, func() func(int) {
		var buf []byte // reused: most documents are only compared
		return func(i int) {
			file := filepath.Join(dir, filepath.FromSlash(paths[i]))
			buf, errs[i] = readInto(buf[:0], file)
			if errs[i] != nil {
				return
			}
			d := &prevDoc{file: file}
			if e := nextByID[strings.TrimSuffix(paths[i], ".json")]; e != nil && bytes.Equal(buf, e.Bytes) {
				d.sha256 = e.SHA256
			} else {
				d.sha256, d.data = sum(buf), bytes.Clone(buf)
			}
			docs[i] = d
		}
	})
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("previous export: %w", err)
	}
	for i, d := range docs {
		id := strings.TrimSuffix(paths[i], ".json")
		want, ok := listed[id]
		switch {
		case !ok:
			return nil, fmt.Errorf("previous export: %s is not in its manifest", paths[i])
		case want != d.sha256:
			return nil, fmt.Errorf("previous export: %s does not match its manifest (changed by hand?)", paths[i])
		}
		delete(listed, id)
		prev.docs[id] = d
	}
	if len(listed) > 0 {
		missing := slices.Sorted(maps.Keys(listed))
		return nil, fmt.Errorf("previous export: %s.json is in the manifest but missing", missing[0])
	}
	return prev, nil
}

// readInto reads the file name into buf (from its length; the result may
// be a new, larger array), at most maxDocumentSize bytes.
func readInto(buf []byte, name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return buf, err
	}
	defer f.Close()
	for len(buf) <= maxDocumentSize {
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, max(4096, len(buf)))
		}
		n, err := f.Read(buf[len(buf):min(cap(buf), maxDocumentSize+1)])
		buf = buf[:len(buf)+n]
		if err == io.EOF && len(buf) <= maxDocumentSize {
			return buf, nil
		}
		if err != nil && err != io.EOF {
			return buf, err
		}
	}
	return buf, fmt.Errorf("%s: larger than %d bytes", filepath.Base(name), maxDocumentSize)
}

func readBounded(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxDocumentSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxDocumentSize {
		return nil, fmt.Errorf("%s: larger than %d bytes", filepath.Base(name), maxDocumentSize)
	}
	return data, nil
}
