package rules

import (
	"path"
	"slices"
	"strings"

	"github.com/fsgate/fsgate/internal/finding"
	"github.com/fsgate/fsgate/internal/request"
)

// fileLocation checks that a request lives at
// providers/<platform>/<environment>/<metadata.name>.yaml and that the path
// and the content agree: reviewers and CODEOWNERS rely on the path alone.
var fileLocation = &Rule{
	ID:       "file-location",
	Severity: finding.Error,
	Summary: finding.T(
		"le fichier est à providers/<plateforme>/<environnement>/<metadata.name>.yaml, en minuscules, sans lien symbolique",
		"the file is at providers/<platform>/<environment>/<metadata.name>.yaml, lowercase, not a symlink"),
	OnUnloaded: true,
	Check:      checkFileLocation,
}

var (
	platformDirs    = []string{request.FranceConnect, request.FranceConnectPlus}
	environmentDirs = []string{request.Integration, request.Production}
)

func checkFileLocation(_ *Context, f *File) []finding.Finding {
	whole := func(msg finding.Text, suggestion string) []finding.Finding {
		return []finding.Finding{{Line: 1, Column: 1, Message: msg, Suggestion: suggestion}}
	}
	// Where the file belongs is only worked out for a finding: nearly
	// every file is where it belongs.
	expected := func() string { return expectedPath(f.Request) }
	if !f.Mode.IsRegular() {
		return whole(finding.T(
			"ce n'est pas un fichier ordinaire (lien symbolique ?) : placez le fichier lui-même dans providers/",
			"not a regular file (a symlink?): put the file itself under providers/"), "")
	}
	if f.Path != strings.ToLower(f.Path) {
		return whole(finding.T(
			"le chemin contient des majuscules : chemins et noms de fichier s'écrivent en minuscules",
			"the path has capital letters: paths and file names are lowercase"), expected())
	}
	if ext := path.Ext(f.Path); ext != ".yaml" {
		return whole(finding.Tf(
			"extension « %s » : un fichier de demande se termine par .yaml",
			"extension “%s”: a request file ends in .yaml", ext), expected())
	}
	parts := strings.Split(f.Path, "/")
	if len(parts) != 4 || parts[0] != "providers" {
		return whole(finding.T(
			"emplacement inattendu : une demande se place à providers/<plateforme>/<environnement>/<nom>.yaml",
			"unexpected location: a request goes at providers/<platform>/<environment>/<name>.yaml"), expected())
	}
	platform, environment, name := parts[1], parts[2], strings.TrimSuffix(parts[3], ".yaml")
	var out []finding.Finding
	if !slices.Contains(platformDirs, platform) {
		out = append(out, whole(finding.Tf(
			"dossier de plateforme « %s » inconnu : franceconnect ou franceconnect-plus",
			"unknown platform directory “%s”: franceconnect or franceconnect-plus", platform), expected())...)
	}
	if !slices.Contains(environmentDirs, environment) {
		out = append(out, whole(finding.Tf(
			"dossier d'environnement « %s » inconnu : integration ou production",
			"unknown environment directory “%s”: integration or production", environment), expected())...)
	}
	if len(out) > 0 || !f.Loaded() {
		return out
	}
	r := f.Request
	mismatch := func(pointer, field, dir, value string) {
		// Only a valid value can disagree: an invalid one is the schema's.
		out = append(out, finding.Finding{Pointer: pointer, Suggestion: expected(), Message: finding.Tf(
			"le fichier est dans le dossier « %s » mais `%s` vaut « %s » : déplacez le fichier ou corrigez la valeur",
			"the file is in directory “%s” but `%s` is “%s”: move the file or fix the value", dir, field, value)})
	}
	if slices.Contains(platformDirs, r.Platform) && r.Platform != platform {
		mismatch(request.PtrPlatform, "spec.platform", platform, r.Platform)
	}
	if slices.Contains(environmentDirs, r.Environment) && r.Environment != environment {
		mismatch(request.PtrEnvironment, "spec.environment", environment, r.Environment)
	}
	if r.Name != name && validName(r.Name) {
		out = append(out, finding.Finding{Pointer: request.PtrName, Suggestion: expected(), Message: finding.Tf(
			"le fichier s'appelle « %s.yaml » mais `metadata.name` vaut « %s » : les deux doivent être identiques",
			"the file is named “%s.yaml” but `metadata.name` is “%s”: both must be the same", name, finding.Show(r.Name))})
	}
	return out
}

// validName is the schema's pattern for metadata.name,
// ^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$ (a test holds them together): an
// invalid name is the schema's to report, and must not be suggested as a
// file name.
func validName(name string) bool {
	if len(name) == 0 || len(name) > 63 || name[0] == '-' || name[len(name)-1] == '-' {
		return false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// expectedPath is where the content says the file belongs, or "" when the
// content does not say.
func expectedPath(r *request.Request) string {
	if r == nil || !slices.Contains(platformDirs, r.Platform) || !slices.Contains(environmentDirs, r.Environment) || !validName(r.Name) {
		return ""
	}
	return "providers/" + r.Platform + "/" + r.Environment + "/" + r.Name + ".yaml"
}
