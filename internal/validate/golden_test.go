package validate_test

import (
	"bytes"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fsgate/fsgate/internal/gittest"

	"github.com/fsgate/fsgate/internal/finding"
	"github.com/fsgate/fsgate/internal/report"
	"github.com/fsgate/fsgate/internal/rules"
	"github.com/fsgate/fsgate/internal/validate"
)

var update = flag.Bool("update", false, "rewrite the golden .out files")

// goldenToday is the date every golden case is checked on.
var goldenToday = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

// Golden cases:
//
//   - testdata/invalid/<case>.yaml: one request with at least one finding;
//     the expected text output (French) is testdata/invalid/<case>.out.
//   - testdata/valid/<case>.yaml: one request with no finding at all.
//   - testdata/crossfile/<case>/providers/…: a whole tree; the expected
//     output is testdata/crossfile/<case>.out.
//
// A single-file case is placed at the path its first line names
// ("# path: providers/…"), or else where its content says it belongs
// (providers/<spec.platform>/<spec.environment>/<metadata.name>.yaml).
// Run `go test ./internal/validate -run TestGolden -update` to rewrite the
// .out files, then read the diff.

func TestGoldenCount(t *testing.T) {
	cases, _ := filepath.Glob("testdata/invalid/*.yaml")
	if len(cases) < 40 {
		t.Errorf("only %d invalid cases; the suite wants at least 40", len(cases))
	}
}

func TestGoldenInvalid(t *testing.T) {
	cases, _ := filepath.Glob("testdata/invalid/*.yaml")
	for _, c := range cases {
		name := strings.TrimSuffix(filepath.Base(c), ".yaml")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(c)
			if err != nil {
				t.Fatal(err)
			}
			root := t.TempDir()
			placeCase(t, root, name, src)
			out, res := runText(t, root)
			if len(res.Findings) == 0 {
				t.Errorf("an invalid case produced no finding")
			}
			checkGolden(t, strings.TrimSuffix(c, ".yaml")+".out", out)
			checkBilingual(t, res.Findings)
		})
	}
}

func TestGoldenValid(t *testing.T) {
	cases, _ := filepath.Glob("testdata/valid/*.yaml")
	for _, c := range cases {
		name := strings.TrimSuffix(filepath.Base(c), ".yaml")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(c)
			if err != nil {
				t.Fatal(err)
			}
			root := t.TempDir()
			placeCase(t, root, name, src)
			out, res := runText(t, root)
			if len(res.Findings) != 0 {
				t.Errorf("a valid case produced findings:\n%s", out)
			}
		})
	}
}

func TestGoldenCrossFile(t *testing.T) {
	dirs, _ := filepath.Glob("testdata/crossfile/*")
	for _, dir := range dirs {
		if info, err := os.Stat(dir); err != nil || !info.IsDir() {
			continue
		}
		t.Run(filepath.Base(dir), func(t *testing.T) {
			out, _ := runText(t, dir)
			checkGolden(t, dir+".out", out)
		})
	}
}

var (
	pathDirective = regexp.MustCompile(`(?m)\A# path: (\S+)\n`)
	platformLine  = regexp.MustCompile(`(?m)^\s+platform:\s*([a-z-]+)\s*$`)
	envLine       = regexp.MustCompile(`(?m)^\s+environment:\s*([a-z]+)\s*$`)
	nameLine      = regexp.MustCompile(`(?m)^\s+name:\s*([a-z0-9-]+)\s*$`)
)

// placeCase writes a single-file case into root where it belongs.
func placeCase(t *testing.T, root, name string, src []byte) {
	t.Helper()
	rel := ""
	if m := pathDirective.FindSubmatch(src); m != nil {
		rel = string(m[1])
	} else {
		platform, env, fsName := "franceconnect-plus", "integration", name
		if m := platformLine.FindSubmatch(src); m != nil {
			platform = string(m[1])
		}
		if m := envLine.FindSubmatch(src); m != nil {
			env = string(m[1])
		}
		if m := nameLine.FindSubmatch(src); m != nil {
			fsName = string(m[1])
		}
		rel = "providers/" + platform + "/" + env + "/" + fsName + ".yaml"
	}
	path := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, src, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(root, "providers"), 0o755); err != nil {
		t.Fatal(err)
	}
}

// runText validates the tree under root and renders it as the text format
// does for a publisher (French, no colour).
func runText(t *testing.T, root string) (string, *validate.Result) {
	t.Helper()
	res, err := validate.Run(validate.Options{Root: root, Today: goldenToday})
	if err != nil {
		t.Fatal(err)
	}
	return renderText(t, res), res
}

// renderText renders a result as the text format does for a publisher.
func renderText(t *testing.T, res *validate.Result) string {
	t.Helper()
	sources := map[string][]byte{}
	for _, f := range res.All {
		sources[f.Path] = f.Source
	}
	var buf bytes.Buffer
	err := report.Write(&buf, "text", &report.Input{
		Findings: res.Findings, Files: res.Files, Lang: finding.FR,
		Source: func(p string) []byte { return sources[p] },
	})
	if err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("no golden file (run with -update to create it): %v", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (run with -update and read the diff)\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// checkBilingual asserts that every finding speaks both languages.
func checkBilingual(t *testing.T, fs []finding.Finding) {
	t.Helper()
	for _, f := range fs {
		if f.Message.FR == "" || f.Message.EN == "" || f.Message.FR == f.Message.EN {
			t.Errorf("%s:%d [%s]: message not translated: %+v", f.Path, f.Line, f.Rule, f.Message)
		}
	}
}

// TestEveryRuleHasAFailingCase: each rule is shown failing by at least one
// golden case (and passing by every valid case, which has no finding).
// mixed-change concerns a whole pull request: internal/action tests it; the
// online rules need a server: internal/online has their golden messages.
func TestEveryRuleHasAFailingCase(t *testing.T) {
	outs, _ := filepath.Glob("testdata/invalid/*.out")
	more, _ := filepath.Glob("testdata/crossfile/*.out")
	changes, _ := filepath.Glob("testdata/change/*.out")
	more = append(more, changes...)
	var all strings.Builder
	for _, p := range append(outs, more...) {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		all.Write(b)
	}
	for _, r := range rules.All() {
		switch r {
		case rules.MixedChange, rules.SectorIdentifierContent, rules.JWKSContent, rules.FetchFailed:
			continue
		}
		if !strings.Contains(all.String(), "["+r.ID+"]\n") {
			t.Errorf("no golden case shows rule %s failing", r.ID)
		}
	}
}

// TestGoldenChange: testdata/change/<case>/base/providers/… is committed in
// a temporary git repository, then replaced by …/head/providers/… in the
// working tree; validate --base compares the two. Expected output:
// testdata/change/<case>.out.
func TestGoldenChange(t *testing.T) {
	forEachChange(t, func(t *testing.T, dir, root string) {
		res, err := validate.Run(validate.Options{Root: root, Today: goldenToday, Base: "HEAD"})
		if err != nil {
			t.Fatal(err)
		}
		checkGolden(t, dir+".out", renderText(t, res))
		checkBilingual(t, res.Findings)
	})
}

// forEachChange runs test, as a subtest, on the repository of each change
// case (see changeRoot).
func forEachChange(t *testing.T, test func(t *testing.T, dir, root string)) {
	t.Helper()
	gittest.Require(t)
	dirs, _ := filepath.Glob("testdata/change/*")
	for _, dir := range dirs {
		if info, err := os.Stat(dir); err != nil || !info.IsDir() {
			continue
		}
		t.Run(filepath.Base(dir), func(t *testing.T) { test(t, dir, changeRoot(t, dir)) })
	}
}

// changeRoot builds the repository of a change case: base/ committed, then
// replaced by head/ in the working tree. It returns the root.
func changeRoot(t *testing.T, dir string) string {
	t.Helper()
	root := t.TempDir()
	copyTree(t, filepath.Join(dir, "base"), root)
	gittest.Commit(t, root, "base")
	if err := os.RemoveAll(filepath.Join(root, "providers")); err != nil {
		t.Fatal(err)
	}
	copyTree(t, filepath.Join(dir, "head"), root)
	if err := os.MkdirAll(filepath.Join(root, "providers"), 0o755); err != nil {
		t.Fatal(err)
	}
	return root
}

func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		target := filepath.Join(to, rel)
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
}
