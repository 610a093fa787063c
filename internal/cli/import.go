package cli

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"github.com/fsgate/fsgate/internal/fcimport"
	"github.com/fsgate/fsgate/internal/finding"
	"github.com/fsgate/fsgate/internal/request"
)

const importUsage = "FILE.json --out providers/ [--environment production|integration] [--organisation NAME] [--force] [--lang fr|en]"

// runImport turns FranceConnect client documents into request files. Each
// document's outcome and notes go to stderr; exit 1 when a document was
// skipped (not importable, or its file exists without --force).
func runImport(env Env, args []string) int {
	fs := newFlags(env, "import", importUsage)
	out := fs.String("out", "providers", "the providers directory to write the request files into")
	environment := fs.String("environment", request.Production, "environment of the requests: production or integration")
	organisation := fs.String("organisation", "", "spec.organisation of every request (default: the SP's name, to correct)")
	force := fs.Bool("force", false, "replace existing request files")
	lang := fs.String("lang", "", "language of messages: fr (default) or en")
	todayFlag := fs.String("today", "", "planned production date of documents without createdAt, YYYY-MM-DD (default: $FSGATE_TODAY, then today)")
	rest, err := parse(fs, args)
	if err != nil {
		return ExitUsage
	}
	if len(rest) != 1 {
		return usageError(env, "import needs one FILE.json (- for standard input)")
	}
	if *environment != request.Production && *environment != request.Integration {
		return usageError(env, "--environment %q: want production or integration", *environment)
	}
	st, err := readSettings(env, *lang, *todayFlag, "")
	if err != nil {
		return usageError(env, "%v", err)
	}
	l, day, wd := st.lang, st.today, st.wd
	var data []byte
	if rest[0] == "-" {
		data, err = io.ReadAll(io.LimitReader(env.Stdin, fcimport.MaxInput+1))
	} else {
		data, err = readLimited(resolve(wd, rest[0]), fcimport.MaxInput)
	}
	if err != nil {
		return usageError(env, "%v", err)
	}
	outcomes, err := fcimport.Import(data, fcimport.Options{Environment: *environment, Organisation: *organisation, Today: day})
	if err != nil {
		return usageError(env, "%s: %v", rest[0], err)
	}

	outDir := resolve(wd, *out)
	imported, skipped := 0, 0
	for _, o := range outcomes {
		label := documentLabel(o, l)
		if o.Skipped != nil {
			skipped++
			fmt.Fprintf(env.Stderr, "%s : %s — %s\n", label, msg(l, "ignoré", "skipped"), o.Skipped.In(l))
			continue
		}
		target := filepath.Join(*out, filepath.FromSlash(o.Path))
		if err := fcimport.Write(outDir, o, *force); err != nil {
			if errors.Is(err, fcimport.ErrExists) {
				skipped++
				fmt.Fprintf(env.Stderr, "%s : %s — %s\n", label, msg(l, "ignoré", "skipped"),
					msg(l, target+" existe déjà (--force pour le remplacer)", target+" exists already (--force to replace it)"))
				continue
			}
			return usageError(env, "%s: %v", target, err)
		}
		imported++
		fmt.Fprintf(env.Stderr, "%s → %s\n", label, target)
		for _, n := range o.Notes {
			mark := "⚠"
			if n.Kind == fcimport.Complete {
				mark = "✎"
			}
			fmt.Fprintf(env.Stderr, "  %s %s\n", mark, n.Message.In(l))
		}
	}
	fmt.Fprintln(env.Stdout, msg(l,
		fmt.Sprintf("fsgate import : %d document(s) importé(s), %d ignoré(s) ; ⚠ = non repris tel quel, ✎ = à compléter ; puis lancez fsgate validate", imported, skipped),
		fmt.Sprintf("fsgate import: %d document(s) imported, %d skipped; ⚠ = not kept as is, ✎ = to complete; then run fsgate validate", imported, skipped)))
	if skipped > 0 {
		return ExitFindings
	}
	return ExitOK
}

func documentLabel(o *fcimport.Outcome, l finding.Lang) string {
	s := fmt.Sprintf("document %d", o.Index+1)
	if o.Name != "" {
		s += msg(l, " « "+finding.Show(o.Name)+" »", " “"+finding.Show(o.Name)+"”")
	}
	return s
}
