package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/fsgate/fsgate/internal/finding"
	"github.com/fsgate/fsgate/internal/report"
	"github.com/fsgate/fsgate/internal/rules"
	"github.com/fsgate/fsgate/internal/validate"
	"github.com/fsgate/fsgate/internal/wizard"
)

const newUsage = "[--interactive | --non-interactive] [--root DIR] [--platform P --environment E --organisation O ...]"

// runNew writes a request file from the form's questions: asked on a
// terminal, or read from flags (CI, scripts, or a publisher who knows the
// answers). Either way every answer goes through the validator's rules as
// it is given, and the file written is validated.
func runNew(env Env, args []string) int {
	fs := newFlags(env, "new", newUsage)
	interactive := fs.Bool("interactive", false, "poser les questions même si la sortie n'est pas un terminal")
	nonInteractive := fs.Bool("non-interactive", false, "ne rien demander : les réponses viennent des options")
	root := fs.String("root", "", "racine du dépôt (par défaut : le dossier le plus proche qui contient providers/)")
	todayFlag := fs.String("today", "", "date utilisée par les règles de date, AAAA-MM-JJ (par défaut : $FSGATE_TODAY, puis aujourd'hui)")
	given := map[string][]string{}
	for _, f := range wizard.Flags() {
		fs.Func(f.Name, f.Usage, func(v string) error {
			if f.Repeatable {
				given[f.Name] = append(given[f.Name], v)
			} else {
				given[f.Name] = []string{v}
			}
			return nil
		})
	}
	rest, err := parse(fs, args)
	if err != nil {
		return ExitUsage
	}
	switch {
	case len(rest) > 0:
		return usageError(env, "new n'attend pas d'argument (%q) : les réponses passent par les options, voir fsgate new --help", rest[0])
	case *interactive && *nonInteractive:
		return usageError(env, "--interactive et --non-interactive s'excluent")
	}
	ask := *interactive || (env.IsTerminal && !*nonInteractive)
	st, err := readSettings(env, "", *todayFlag, *root)
	if err != nil {
		return usageError(env, "%v", err)
	}
	day := st.today
	*root = st.root

	others, err := existingRequests(*root)
	if err != nil {
		return usageError(env, "%v", err)
	}
	w, err := wizard.New(wizard.Config{
		Today:  day,
		Others: others,
		Exists: func(rel string) bool {
			_, err := os.Lstat(filepath.Join(*root, filepath.FromSlash(rel)))
			return err == nil
		},
	})
	if err != nil {
		return usageError(env, "%v", err)
	}

	if ask {
		err := w.Interview(env.Stdin, env.Stdout, given)
		var stopped *wizard.Stopped
		switch {
		case errors.As(err, &stopped):
			fmt.Fprintln(env.Stdout, "\nAucun fichier écrit.")
			return ExitFindings
		case err != nil:
			fmt.Fprintln(env.Stdout)
			return usageError(env, "%v", err)
		}
	} else {
		warnings, err := w.FromFlags(given)
		for _, m := range warnings {
			fmt.Fprintf(env.Stderr, "fsgate: attention : %s\n", m)
		}
		if err != nil {
			return usageError(env, "%v", err)
		}
	}
	return writeRequest(env, w, *root, day)
}

// existingRequests loads the repository's requests for the cross-file rules
// (the same DataPass number twice…). A repository without providers/ yet
// has none.
func existingRequests(root string) ([]*rules.File, error) {
	if info, err := os.Stat(filepath.Join(root, validate.ProvidersDir)); err != nil || !info.IsDir() {
		return nil, nil
	}
	res, err := validate.Run(validate.Options{Root: root})
	if err != nil {
		return nil, err
	}
	return res.All, nil
}

// writeRequest writes the file, never over an existing one, then validates
// it as CI will.
func writeRequest(env Env, w *wizard.Wizard, root string, day time.Time) int {
	src, err := w.File()
	if err != nil {
		return usageError(env, "%v", err)
	}
	rel := w.Path()
	path := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return usageError(env, "%s: %v", filepath.ToSlash(filepath.Dir(rel)), pathErr(err))
	}
	// O_EXCL: the check made during the questions may be stale, the
	// refusal to replace a file must not be.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return usageError(env, "%s existe déjà : fsgate new ne remplace jamais un fichier (choisissez un autre --name)", rel)
		}
		return usageError(env, "%s: %v", rel, pathErr(err))
	}
	_, werr := f.Write(src)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		os.Remove(path)
		return usageError(env, "%s: %v", rel, pathErr(werr))
	}
	fmt.Fprintf(env.Stdout, "\nFichier écrit : %s\n\n", rel)

	res, err := validate.Run(validate.Options{Root: root, Paths: []string{path}, Today: day})
	if err != nil {
		return usageError(env, "%v", err)
	}
	sources := map[string][]byte{}
	for _, f := range res.All {
		sources[f.Path] = f.Source
	}
	in := &report.Input{
		Findings: res.Findings, Files: res.Files, Lang: finding.FR,
		Color:  env.IsTerminal && env.Getenv("NO_COLOR") == "",
		Source: func(p string) []byte { return sources[p] },
	}
	if err := report.Write(env.Stdout, "text", in); err != nil {
		return usageError(env, "%v", err)
	}
	if errs, _ := finding.Count(res.Findings); errs > 0 {
		return ExitFindings
	}
	fmt.Fprintf(env.Stdout, "\nProchaine étape : ajoutez ce fichier dans une branche et ouvrez une pull request ; "+
		"la vérification y sera refaite et les relecteurs de FranceConnect seront sollicités.\n")
	return ExitOK
}
