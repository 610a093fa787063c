package export

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// changedExport returns x with the client of its first entry renamed, as
// Build would make it.
func changedExport(x *Export, name string) *Export {
	changed := *x.Entries[0]
	changed.Client.Name = name
	changed.Bytes = appendDocument(nil, &changed.Document)
	changed.SHA256 = sum(changed.Bytes)
	return &Export{Entries: append([]*Entry{&changed}, x.Entries[1:]...), Commit: x.Commit}
}

// TestExportReadPreviousSameAsReadPrevious: reading the previous export
// for the new one (which skips hashing the documents that did not change)
// gives the same changes and links the same documents as reading it alone,
// for an export that creates, updates, deletes and keeps documents.
func TestExportReadPreviousSameAsReadPrevious(t *testing.T) {
	x, _ := Build(loadTree(t, "testdata/tree"), Options{})
	x.Commit = "abc"
	out := filepath.Join(t.TempDir(), "export")
	// The previous export lacks the last document (created now) and has
	// one that is gone now (deleted).
	gone := *x.Entries[1]
	gone.ID = "franceconnect-plus/production/ancien-service"
	gone.Bytes = appendDocument(nil, &gone.Document)
	gone.SHA256 = sum(gone.Bytes)
	old := &Export{Entries: []*Entry{x.Entries[0], x.Entries[1], &gone}, Commit: "before"}
	if err := Write(out, old.Files(nil, nil), WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	y := changedExport(x, "Nouveau nom") // and the first one is updated

	alone, err := readPrevious(out, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	forY, err := y.ReadPrevious(out, 0)
	if err != nil {
		t.Fatal(err)
	}
	want, got := mustDiff(t, alone, y), mustDiff(t, forY, y)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("changes\n got %+v\nwant %+v", got, want)
	}
	if len(got.Created) != 1 || len(got.Deleted) != 1 || len(got.Updated) != 1 || got.Summary.Unchanged != 1 ||
		got.Updated[0].Fields[0].Field != "name" {
		t.Errorf("changes %+v, want one of each", got)
	}
	if !reflect.DeepEqual(y.Files(got, forY), y.Files(want, alone)) {
		t.Error("the files (and the documents linked) differ")
	}
	if d := forY.docs[x.Entries[1].ID]; d.data != nil || d.sha256 != x.Entries[1].SHA256 {
		t.Errorf("the unchanged document: kept %d bytes, hash %s", len(d.data), d.sha256)
	}
}

// TestExportReadPreviousChecksEveryDocument: not hashing the documents
// equal to the new ones never lets a document that does not match the
// manifest through, nor a corrupt one.
func TestExportReadPreviousChecksEveryDocument(t *testing.T) {
	x, _ := Build(loadTree(t, "testdata/tree"), Options{})
	first := x.Entries[0]
	write := func(t *testing.T, e *Export) string {
		dir := filepath.Join(t.TempDir(), "export")
		if err := Write(dir, e.Files(nil, nil), WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	docFile := func(dir string) string { return filepath.Join(dir, filepath.FromSlash(first.Path())) }
	setManifestHash := func(t *testing.T, dir string, e *Export, hash string) {
		m := e.Manifest()
		m.Documents[0].SHA256 = hash
		if err := os.WriteFile(filepath.Join(dir, ManifestFile), appendManifest(nil, m), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("the new bytes, but the manifest lists others", func(t *testing.T) {
		// The previous document edited by hand into what this export
		// writes, its manifest left alone: the document is what the new
		// export expects, yet the previous export is not what fsgate wrote.
		older := changedExport(x, "Ancien nom")
		dir := write(t, older)
		if err := os.WriteFile(docFile(dir), first.Bytes, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := x.ReadPrevious(dir, 0); err == nil || !strings.Contains(err.Error(), "does not match its manifest") {
			t.Errorf("ReadPrevious: %v", err)
		}
	})
	t.Run("changed by hand, the manifest listing the new bytes", func(t *testing.T) {
		dir := write(t, x)
		edited := bytes.Replace(first.Bytes, []byte(`"active": true`), []byte(`"active": false`), 1)
		if err := os.WriteFile(docFile(dir), edited, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := x.ReadPrevious(dir, 0); err == nil || !strings.Contains(err.Error(), "does not match its manifest") {
			t.Errorf("ReadPrevious: %v", err)
		}
	})
	t.Run("a different document that matches its manifest", func(t *testing.T) {
		dir := write(t, changedExport(x, "Ancien nom"))
		prev, err := x.ReadPrevious(dir, 0)
		if err != nil {
			t.Fatal(err)
		}
		c := mustDiff(t, prev, x)
		if len(c.Updated) != 1 || c.Updated[0].ID != first.ID || c.Summary.Unchanged != len(x.Entries)-1 {
			t.Errorf("changes %+v", c)
		}
		if f := x.Files(c, prev)[0]; f.LinkFrom != "" {
			t.Errorf("the changed document is linked from %s", f.LinkFrom)
		}
	})
	t.Run("corrupt, with a manifest rewritten to fit", func(t *testing.T) {
		dir := write(t, x)
		bad := []byte(`{"client": `)
		if err := os.WriteFile(docFile(dir), bad, 0o644); err != nil {
			t.Fatal(err)
		}
		setManifestHash(t, dir, x, sum(bad))
		prev, err := x.ReadPrevious(dir, 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Diff(prev, x); err == nil || !strings.Contains(err.Error(), "previous export: "+first.ID+".json") {
			t.Errorf("Diff: %v", err)
		}
	})
	t.Run("compared with another export than the one it was read for", func(t *testing.T) {
		// The unchanged documents were not kept: they are read again,
		// and checked again.
		dir := write(t, x)
		prev, err := x.ReadPrevious(dir, 0)
		if err != nil {
			t.Fatal(err)
		}
		c := mustDiff(t, prev, changedExport(x, "Autre nom"))
		if len(c.Updated) != 1 || c.Updated[0].ID != first.ID {
			t.Errorf("changes %+v", c)
		}
		prev, err = x.ReadPrevious(dir, 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(docFile(dir), []byte("{}"), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := Diff(prev, changedExport(x, "Autre nom")); err == nil || !strings.Contains(err.Error(), "changed while being read") {
			t.Errorf("Diff after the document changed: %v", err)
		}
	})
}

func TestReadInto(t *testing.T) {
	dir := t.TempDir()
	big := bytes.Repeat([]byte("0123456789"), 1000) // more than the first read
	small := []byte("{}\n")
	for name, data := range map[string][]byte{"big": big, "small": small, "empty": nil} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var buf []byte
	for _, name := range []string{"small", "big", "small", "empty", "big"} {
		var err error
		buf, err = readInto(buf[:0], filepath.Join(dir, name))
		want, _ := os.ReadFile(filepath.Join(dir, name))
		if err != nil || !bytes.Equal(buf, want) {
			t.Errorf("%s: %d bytes, %v; want %d bytes", name, len(buf), err, len(want))
		}
	}
	if _, err := readInto(nil, filepath.Join(dir, "none")); !os.IsNotExist(err) {
		t.Errorf("a missing file: %v", err)
	}
}
