// Package codeowners reads a CODEOWNERS file and tells who owns a path, so
// that fsgate can say which review a pull request needs and whom to mention
// when a merged request breaks.
package codeowners

import (
	"bufio"
	"bytes"
	"fmt"
	"path"
	"regexp"
	"strings"
)

// Rule is one line of CODEOWNERS.
type Rule struct {
	Pattern string
	Owners  []string
	Line    int
	re      *regexp.Regexp
}

// File is a parsed CODEOWNERS.
type File struct {
	Rules []Rule
}

// Parse reads CODEOWNERS content. Malformed lines are errors, as GitHub
// itself ignores them silently and a reviewer would then not be asked.
func Parse(src []byte) (*File, error) {
	f := &File{}
	sc := bufio.NewScanner(bytes.NewReader(src))
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if i := strings.Index(line, " #"); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		fields := strings.Fields(line)
		re, err := compile(fields[0])
		if err != nil {
			return nil, fmt.Errorf("CODEOWNERS line %d: %v", n, err)
		}
		for _, o := range fields[1:] {
			if !strings.HasPrefix(o, "@") && !strings.Contains(o, "@") {
				return nil, fmt.Errorf("CODEOWNERS line %d: owner %q is neither @user, @org/team nor an email", n, o)
			}
		}
		f.Rules = append(f.Rules, Rule{Pattern: fields[0], Owners: fields[1:], Line: n, re: re})
	}
	return f, sc.Err()
}

// Owners returns the owners of a path (relative, with '/'): those of the
// last matching rule, as GitHub does. A matching rule with no owner means
// nobody.
func (f *File) Owners(p string) []string {
	p = strings.TrimPrefix(path.Clean("/"+p), "/")
	for i := len(f.Rules) - 1; i >= 0; i-- {
		if f.Rules[i].re.MatchString(p) {
			return f.Rules[i].Owners
		}
	}
	return nil
}

// compile turns a CODEOWNERS pattern (gitignore syntax, without negation)
// into a regular expression over paths relative to the root.
func compile(pattern string) (*regexp.Regexp, error) {
	if strings.HasPrefix(pattern, "!") || strings.Contains(pattern, "[") || strings.HasPrefix(pattern, "\\#") {
		return nil, fmt.Errorf("pattern %q uses syntax CODEOWNERS does not support", pattern)
	}
	anchored := strings.HasPrefix(pattern, "/") || strings.Contains(strings.TrimSuffix(pattern, "/"), "/")
	dir := strings.HasSuffix(pattern, "/")
	p := strings.Trim(pattern, "/")
	var b strings.Builder
	b.WriteString("^")
	if !anchored {
		b.WriteString("(?:.*/)?")
	}
	for i := 0; i < len(p); i++ {
		switch c := p[i]; {
		case c == '*' && i+1 < len(p) && p[i+1] == '*':
			i++
			if i+1 < len(p) && p[i+1] == '/' {
				i++
				b.WriteString("(?:.*/)?")
			} else {
				b.WriteString(".*")
			}
		case c == '*':
			b.WriteString("[^/]*")
		case c == '?':
			b.WriteString("[^/]")
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	if p == "*" || p == "" {
		return regexp.Compile("^.*$")
	}
	switch {
	case dir:
		b.WriteString("/.*$")
	case strings.HasSuffix(p, "/*"):
		// GitHub: "docs/*" owns docs/a.md but not docs/sub/b.md.
		b.WriteString("$")
	default:
		b.WriteString("(?:/.*)?$")
	}
	return regexp.Compile(b.String())
}
