package report

import (
	"strings"
	"testing"

	"github.com/fsgate/fsgate/internal/finding"
)

func TestGoldenGitHub(t *testing.T) {
	for name, in := range map[string]*Input{
		"fr":    sample(finding.FR),
		"en":    sample(finding.EN),
		"links": withLinks(sample(finding.FR)),
		"clean": clean(finding.FR),
	} {
		t.Run(name, func(t *testing.T) {
			checkGolden(t, "github-"+name, []byte(render(t, "github", in)))
		})
	}
}

// command is a workflow command as the Actions runner reads it.
type command struct {
	name  string
	props map[string]string
	data  string
}

// parseCommand reads one log line the way the runner does
// (ActionCommand.TryParseV2 in actions/runner): after leading spaces, "::",
// the command and its properties up to the next "::", then the data;
// properties are split on ',' and '=', and values unescaped.
func parseCommand(line string) (command, bool) {
	line = strings.TrimLeft(line, " \t")
	if !strings.HasPrefix(line, "::") {
		return command{}, false
	}
	head, data, ok := strings.Cut(line[2:], "::")
	if !ok {
		return command{}, false
	}
	name, props, _ := strings.Cut(head, " ")
	c := command{name: name, props: map[string]string{}, data: unescapeRunner(data, false)}
	if props != "" {
		for _, p := range strings.Split(props, ",") {
			k, v, _ := strings.Cut(p, "=")
			c.props[k] = unescapeRunner(v, true)
		}
	}
	return c, true
}

// unescapeRunner undoes the escaping as the runner does, in its order.
func unescapeRunner(s string, property bool) string {
	s = strings.ReplaceAll(s, "%0D", "\r")
	s = strings.ReplaceAll(s, "%0A", "\n")
	if property {
		s = strings.ReplaceAll(s, "%3A", ":")
		s = strings.ReplaceAll(s, "%2C", ",")
	}
	return strings.ReplaceAll(s, "%25", "%")
}

// splitLog splits output into lines as the runner reads the step's output:
// a line ends at "\n", "\r\n" or a lone "\r".
func splitLog(out string) []string {
	out = strings.ReplaceAll(out, "\r\n", "\n")
	out = strings.ReplaceAll(out, "\r", "\n")
	return strings.Split(strings.TrimSuffix(out, "\n"), "\n")
}

func TestGitHubCommands(t *testing.T) {
	in := sample(finding.FR)
	lines := splitLog(render(t, "github", in))
	if len(lines) != len(in.Findings)+1 {
		t.Fatalf("got %d lines, want one per finding and a summary:\n%s", len(lines), strings.Join(lines, "\n"))
	}
	if want := "5 fichiers vérifiés : 4 erreurs, 2 avertissements"; lines[len(lines)-1] != want {
		t.Errorf("last line = %q, want %q", lines[len(lines)-1], want)
	}
	for i, f := range in.Findings {
		c, ok := parseCommand(lines[i])
		if !ok {
			t.Fatalf("line %d is not a workflow command: %q", i+1, lines[i])
		}
		if want := string(f.Severity); c.name != want {
			t.Errorf("line %d: command %q, want %q", i+1, c.name, want)
		}
		if c.props["file"] != f.Path {
			t.Errorf("line %d: file=%q, want %q", i+1, c.props["file"], f.Path)
		}
		if want := "fsgate [" + f.Rule + "]"; c.props["title"] != want {
			t.Errorf("line %d: title=%q, want %q", i+1, c.props["title"], want)
		}
		if f.Line == 0 {
			if _, ok := c.props["line"]; ok {
				t.Errorf("line %d: a whole-file finding has line=%s", i+1, c.props["line"])
			}
			if _, ok := c.props["col"]; ok {
				t.Errorf("line %d: a whole-file finding has col=%s", i+1, c.props["col"])
			}
		} else if c.props["line"] == "" || c.props["col"] == "" {
			t.Errorf("line %d: line or col missing: %v", i+1, c.props)
		}
		parts := strings.Split(c.data, "\n")
		if parts[0] != f.Message.FR {
			t.Errorf("line %d: message %q, want %q", i+1, parts[0], f.Message.FR)
		}
		if doc := "Documentation : " + f.Doc(); parts[len(parts)-1] != doc {
			t.Errorf("line %d: last line of the message %q, want %q", i+1, parts[len(parts)-1], doc)
		}
		if f.Suggestion != "" && (len(parts) != 3 || parts[1] != "Suggestion : "+f.Suggestion) {
			t.Errorf("line %d: suggestion missing from %q", i+1, c.data)
		}
	}
}

// TestGitHubInjection feeds values that try to end the annotation and start
// a command of their own: each finding must stay one command, and each
// value must come back intact (but for control characters) once the runner
// has unescaped it.
func TestGitHubInjection(t *testing.T) {
	hostile := []finding.Finding{
		{Path: "providers/a.yaml", Line: 3, Column: 5, Rule: "schema", Severity: finding.Error,
			Message: finding.T("reçu : x\n::set-output name=approved::true", "got: x\n::set-output name=approved::true")},
		{Path: "providers/b.yaml", Line: 4, Column: 1, Rule: "schema", Severity: finding.Warning,
			Message: finding.T("reçu : %0A::error::pwned %25 100%", "got: %0A::error::pwned")},
		{Path: "providers/c.yaml", Line: 5, Column: 1, Rule: "schema", Severity: finding.Error,
			Message:    finding.T("reçu : a\r::add-mask::secret\r\n::stop-commands::tok", "x"),
			Suggestion: "b\n::warning file=x::y"},
		{Path: "providers/d,line=1,title=x::y\n::error::z.yaml", Line: 0, Rule: "yaml", Severity: finding.Error,
			Message: finding.T("fichier", "file")},
		{Path: "providers/e.yaml", Line: 1, Column: 1, Rule: "a:b,c", Severity: finding.Error,
			Message: finding.T("\x1b[2K\x1b[1A::error::fake \u2028::error::fake \u202eevil", "x")},
	}
	in := &Input{Findings: hostile, Lang: finding.FR}
	out := render(t, "github", in)
	lines := splitLog(out)
	if len(lines) != len(hostile)+1 {
		t.Fatalf("got %d lines, want %d:\n%s", len(lines), len(hostile)+1, out)
	}
	if _, ok := parseCommand(lines[len(lines)-1]); ok {
		t.Errorf("the summary line reads as a command: %q", lines[len(lines)-1])
	}
	for i, f := range hostile {
		c, ok := parseCommand(lines[i])
		if !ok || c.name != string(f.Severity) {
			t.Fatalf("line %d: want one %s command, got %q", i+1, f.Severity, lines[i])
		}
		if want := neutralizeControls(f.Path); c.props["file"] != want {
			t.Errorf("line %d: file=%q, want %q", i+1, c.props["file"], want)
		}
		if want := "fsgate [" + f.Rule + "]"; c.props["title"] != want {
			t.Errorf("line %d: title=%q, want %q", i+1, c.props["title"], want)
		}
		for k := range c.props {
			if k != "file" && k != "line" && k != "col" && k != "title" {
				t.Errorf("line %d: injected property %q", i+1, k)
			}
		}
		if want := neutralizeControls(annotationMessage(f, in)); c.data != want {
			t.Errorf("line %d: message %q, want %q", i+1, c.data, want)
		}
		if strings.ContainsAny(lines[i], "\x1b\u2028\u202e") {
			t.Errorf("line %d: control or format character left: %q", i+1, lines[i])
		}
	}
}

func TestGitHubLinksToDocURL(t *testing.T) {
	in := withLinks(sample(finding.EN))
	out := render(t, "github", in)
	want := "Documentation: https://github.com/fsgate/fsgate/blob/main/docs/rules/schema.md"
	if !strings.Contains(out, want) {
		t.Errorf("no %q in\n%s", want, out)
	}
}
