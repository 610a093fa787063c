// Package report renders a validation result in each output format: text
// for people at a terminal, json for programs, github for workflow
// annotations, sarif for code scanning, markdown for summaries and PR
// comments. One file per format; Write picks one.
package report

import (
	"fmt"
	"io"
	"slices"

	"github.com/fsgate/fsgate/internal/finding"
)

// Formats lists the output formats, in the order --help shows them.
var Formats = []string{"text", "json", "sarif", "github", "markdown"}

// Input is what every format renders.
type Input struct {
	Findings []finding.Finding // sorted
	Files    []string          // the files checked, sorted
	Lang     finding.Lang
	// Color enables ANSI colours (text format, on a terminal only).
	Color bool
	// Source returns the content of a file, for the text format's excerpts;
	// nil or a nil result means no excerpt.
	Source func(path string) []byte
	// BlobURL, when set, is the prefix that turns "path#Lline" into a link
	// to the file at the commit (markdown format), e.g.
	// https://github.com/owner/repo/blob/<sha>/
	BlobURL string
	// DocURL, when set, is the prefix of rule pages for links
	// (markdown, sarif), e.g. https://github.com/owner/repo/blob/main/
	DocURL string
	// MarkdownLimit bounds the markdown output in bytes; 0 means the PR
	// comment's budget. A job summary allows 1 MiB.
	MarkdownLimit int
}

// Write renders in to w in the named format.
func Write(w io.Writer, format string, in *Input) error {
	switch format {
	case "text":
		return writeText(w, in)
	case "json":
		return writeJSON(w, in)
	case "sarif":
		return writeSARIF(w, in)
	case "github":
		return writeGitHub(w, in)
	case "markdown":
		return writeMarkdown(w, in)
	}
	return fmt.Errorf("unknown format %q (want one of %v)", format, Formats)
}

// Valid reports whether format is known.
func Valid(format string) bool { return slices.Contains(Formats, format) }

// fileCounts returns, per checked file, its number of errors and warnings,
// in the order of in.Files (files with findings but not in Files come last).
func fileCounts(in *Input) []fileCount {
	index := make(map[string]int, len(in.Files))
	out := make([]fileCount, 0, len(in.Files))
	for _, p := range in.Files {
		index[p] = len(out)
		out = append(out, fileCount{Path: p})
	}
	for _, f := range in.Findings {
		i, ok := index[f.Path]
		if !ok {
			i = len(out)
			index[f.Path] = i
			out = append(out, fileCount{Path: f.Path})
		}
		if f.Severity == finding.Error {
			out[i].Errors++
		} else {
			out[i].Warnings++
		}
	}
	return out
}

type fileCount struct {
	Path     string `json:"path"`
	Errors   int    `json:"errors"`
	Warnings int    `json:"warnings"`
}

// plural picks the singular or plural form for n.
func plural(n int, one, many string) string {
	if n == 1 || (n == 0 && one == "aucun") {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}
