package rules

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/fsgate/fsgate/internal/finding"
	"github.com/fsgate/fsgate/internal/request"
)

// crossTestFile is a loaded request at providers/<platform>/<env>/<name>.yaml;
// set fills the fields a case compares.
func crossTestFile(platform, env, name string, set func(r *request.Request)) *File {
	r := &request.Request{Name: name, Platform: platform, Environment: env, DisplayName: "Service " + name}
	if set != nil {
		set(r)
	}
	return &File{Path: "providers/" + platform + "/" + env + "/" + name + ".yaml", Request: r}
}

// crossGot is a finding reduced to what the cases compare.
type crossGot struct {
	path, pointer string
	severity      finding.Severity
	names         string // the file the message names
}

func runCross(t *testing.T, r *Rule, files []*File) []crossGot {
	t.Helper()
	var out []crossGot
	for _, fd := range r.CheckAll(&Context{}, files) {
		if fd.Path == "" {
			t.Errorf("%s: a cross-file finding without Path", r.ID)
		}
		if fd.Message.EN == "" || fd.Message.EN == fd.Message.FR {
			t.Errorf("%s: message not translated: %+v", r.ID, fd.Message)
		}
		sev := fd.Severity
		if sev == "" {
			sev = r.Severity
		}
		named := ""
		for _, f := range files {
			if f.Path != fd.Path && strings.Contains(fd.Message.FR, f.Path) && strings.Contains(fd.Message.EN, f.Path) {
				named = f.Path
			}
		}
		out = append(out, crossGot{fd.Path, fd.Pointer, sev, named})
	}
	return out
}

const (
	crossFC    = request.FranceConnect
	crossFCP   = request.FranceConnectPlus
	crossProd  = request.Production
	crossInteg = request.Integration
)

func TestDuplicateDatapass(t *testing.T) {
	same := func(n string) func(r *request.Request) { return func(r *request.Request) { r.Datapass = n } }
	files := []*File{
		crossTestFile(crossFC, crossProd, "c-etat-civil", same("D100")),
		crossTestFile(crossFC, crossProd, "a-cantine", same("D100")),
		crossTestFile(crossFC, crossProd, "b-urbanisme", same("H100")), // FranceConnect stores digits only
		crossTestFile(crossFC, crossProd, "d-sport", same("D101")),
		crossTestFile(crossFCP, crossProd, "a-aides", same("D100")),
		crossTestFile(crossFCP, crossProd, "b-logement", same("D100")),
		crossTestFile(crossFCP, crossInteg, "c-recette", same("D100")),
		crossTestFile(crossFC, crossProd, "e-invalide", same("X100")),
		crossTestFile(crossFC, crossProd, "f-vide", same("")),
	}
	want := []crossGot{
		{"providers/franceconnect-plus/production/a-aides.yaml", request.PtrDatapass, finding.Warning, "providers/franceconnect-plus/production/b-logement.yaml"},
		{"providers/franceconnect-plus/production/b-logement.yaml", request.PtrDatapass, finding.Warning, "providers/franceconnect-plus/production/a-aides.yaml"},
		{"providers/franceconnect/production/a-cantine.yaml", request.PtrDatapass, finding.Error, "providers/franceconnect/production/b-urbanisme.yaml"},
		{"providers/franceconnect/production/b-urbanisme.yaml", request.PtrDatapass, finding.Error, "providers/franceconnect/production/a-cantine.yaml"},
		{"providers/franceconnect/production/c-etat-civil.yaml", request.PtrDatapass, finding.Error, "providers/franceconnect/production/a-cantine.yaml"},
	}
	crossCompare(t, duplicateDatapass, files, want)
}

func TestDuplicateDisplayName(t *testing.T) {
	name := func(n string) func(r *request.Request) { return func(r *request.Request) { r.DisplayName = n } }
	files := []*File{
		crossTestFile(crossFCP, crossInteg, "tours-famille", name("Tours - Portail Famille")),
		crossTestFile(crossFCP, crossInteg, "tours-famille-v2", name("tours  - portail FAMILLE ")),
		crossTestFile(crossFCP, crossProd, "tours-famille", name("Tours - Portail Famille")),
		crossTestFile(crossFC, crossProd, "tours-famille", name("Tours - Portail Famille")),
		crossTestFile(crossFCP, crossInteg, "tours-enfance", name("Tours - Petite enfance")),
		crossTestFile(crossFCP, crossInteg, "tours-sans-nom", name("")),
		crossTestFile(crossFCP, crossInteg, "tours-sans-nom-2", name("")),
	}
	want := []crossGot{
		{"providers/franceconnect-plus/integration/tours-famille-v2.yaml", request.PtrDisplayName, finding.Warning, "providers/franceconnect-plus/integration/tours-famille.yaml"},
		{"providers/franceconnect-plus/integration/tours-famille.yaml", request.PtrDisplayName, finding.Warning, "providers/franceconnect-plus/integration/tours-famille-v2.yaml"},
	}
	crossCompare(t, duplicateDisplayName, files, want)
}

func TestDuplicateRedirectURI(t *testing.T) {
	uris := func(u ...string) func(r *request.Request) { return func(r *request.Request) { r.RedirectURIs = u } }
	const shared = "https://connexion.metz.fr/oidc/callback"
	files := []*File{
		crossTestFile(crossFC, crossProd, "metz-a", uris("https://a.metz.fr/cb", shared)),
		crossTestFile(crossFC, crossProd, "metz-b", uris(shared, "https://b.metz.fr/cb", shared)),
		crossTestFile(crossFC, crossProd, "metz-c", uris(shared+"/", "https://c.metz.fr/cb", "")),
		crossTestFile(crossFC, crossProd, "metz-d", uris("https://d.metz.fr/cb", "https://d.metz.fr/cb", "")),
		crossTestFile(crossFCP, crossProd, "metz-a", uris(shared)),
	}
	want := []crossGot{
		// Every holder is told; a repeat inside metz-b is uri-duplicate's.
		{"providers/franceconnect/production/metz-a.yaml", "/spec/redirectUris/1", finding.Warning, "providers/franceconnect/production/metz-b.yaml"},
		{"providers/franceconnect/production/metz-b.yaml", "/spec/redirectUris/0", finding.Warning, "providers/franceconnect/production/metz-a.yaml"},
	}
	crossCompare(t, duplicateRedirectURI, files, want)
}

func TestDuplicateReuseSubs(t *testing.T) {
	reuse := func(id string) func(r *request.Request) {
		return func(r *request.Request) { r.ReuseSubs = &request.ReuseSubs{From: "franceconnect", ClientID: id} }
	}
	id := strings.Repeat("ab12", 16)
	files := []*File{
		crossTestFile(crossFCP, crossProd, "dijon-b", reuse(id)),
		crossTestFile(crossFCP, crossProd, "dijon-a", reuse(strings.ToUpper(id))),
		crossTestFile(crossFCP, crossProd, "dijon-c", reuse(strings.Repeat("cd34", 16))),
		crossTestFile(crossFCP, crossInteg, "dijon-a", reuse(id)),
		crossTestFile(crossFCP, crossProd, "dijon-d", nil),
		crossTestFile(crossFCP, crossProd, "dijon-e", reuse("")),
		crossTestFile(crossFCP, crossProd, "dijon-f", reuse("")),
	}
	want := []crossGot{
		{"providers/franceconnect-plus/production/dijon-a.yaml", request.PtrReuseSubsClientID, finding.Warning, "providers/franceconnect-plus/production/dijon-b.yaml"},
		{"providers/franceconnect-plus/production/dijon-b.yaml", request.PtrReuseSubsClientID, finding.Warning, "providers/franceconnect-plus/production/dijon-a.yaml"},
	}
	crossCompare(t, duplicateReuseSubs, files, want)
}

// crossCompare checks the findings of r, sorted, and that they do not
// depend on the order of the files.
func crossCompare(t *testing.T, r *Rule, files []*File, want []crossGot) {
	t.Helper()
	got := runCross(t, r, files)
	sortGot := func(g []crossGot) {
		slices.SortFunc(g, func(a, b crossGot) int {
			return strings.Compare(a.path+" "+a.pointer, b.path+" "+b.pointer)
		})
	}
	sortGot(got)
	if !slices.Equal(got, want) {
		t.Errorf("%s:\ngot  %v\nwant %v", r.ID, got, want)
	}
	reversed := slices.Clone(files)
	slices.Reverse(reversed)
	again := runCross(t, r, reversed)
	sortGot(again)
	if !slices.Equal(again, got) {
		t.Errorf("%s depends on the order of the files:\n%v\n%v", r.ID, got, again)
	}
	// The engine prepares the files it parses (PrepareCross), not those
	// the cache serves: every file, or some, prepared, the same findings.
	for _, every := range []int{1, 2} {
		prepared := make([]*File, len(files))
		for i, f := range files {
			c := *f
			if i%every == 0 {
				PrepareCross(&c)
			}
			prepared[i] = &c
		}
		again := runCross(t, r, prepared)
		sortGot(again)
		if !slices.Equal(again, got) {
			t.Errorf("%s, one file in %d prepared:\n%v\nwant %v", r.ID, every, again, got)
		}
	}
}

func TestCrossFileRulesSkipInvalidPlatforms(t *testing.T) {
	files := []*File{
		crossTestFile("franceconnect-moins", crossProd, "a", nil),
		crossTestFile("franceconnect-moins", crossProd, "a", nil),
		crossTestFile(crossFC, "recette", "b", nil),
		crossTestFile(crossFC, "recette", "b", nil),
	}
	for _, r := range crossFileRules() {
		if got := r.CheckAll(&Context{}, files); len(got) != 0 {
			t.Errorf("%s compares requests whose platform or environment is invalid: %v", r.ID, got)
		}
	}
}

// BenchmarkCrossFileRules shows the rules stay linear: double the files,
// double the time.
func BenchmarkCrossFileRules(b *testing.B) {
	for _, n := range []int{1000, 2000, 4000} {
		files := make([]*File, n)
		for i := range files {
			files[i] = crossTestFile(crossFC, crossProd, fmt.Sprintf("fs-%06d", i), func(r *request.Request) {
				r.Datapass = fmt.Sprintf("D%d", i)
				r.RedirectURIs = []string{fmt.Sprintf("https://fs-%d.exemple.fr/cb", i), "https://commun.exemple.fr/cb"}
			})
		}
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				for _, r := range crossFileRules() {
					r.CheckAll(&Context{}, files)
				}
			}
		})
	}
}

// TestCollapseSpaces: the shortcut gives what strings.Fields and Join give.
func TestCollapseSpaces(t *testing.T) {
	for _, s := range []string{"", " ", "  ", "a", " a", "a ", "a b", "a  b", "a\tb", "a\nb", "a\u00a0b", "\xffa b", "Metz - Sport", "é  è "} {
		if got, want := collapseSpaces(s), strings.Join(strings.Fields(s), " "); got != want {
			t.Errorf("collapseSpaces(%q) = %q, want %q", s, got, want)
		}
	}
}
