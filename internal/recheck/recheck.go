// Package recheck is the weekly re-check of the requests already merged
// (`fsgate recheck`). FranceConnect fetches each request's sector
// identifier document and JWKS itself, at login; a publisher's server can
// break them long after review, and citizens then fail to log in. The
// workflow runs `fsgate validate --online` on the default branch, and this
// package turns its report into ONE GitHub issue, found again by a label:
// opened when something is broken, edited when the list changes, left
// alone when it does not, closed when everything is fixed.
package recheck

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/fsgate/fsgate/internal/github"
	"github.com/fsgate/fsgate/internal/report"
)

// DefaultLabel marks the issue.
const DefaultLabel = "fsgate-recheck"

// Outcome is what Run did.
type Outcome int

const (
	_         Outcome = iota
	Nothing           // nothing broken and no issue open
	Created           // issue opened
	Updated           // issue edited: the list changed
	Unchanged         // issue left alone: the same list
	Closed            // everything fixed: issue closed
	Refused           // the token may not do it: warned
)

func (o Outcome) String() string {
	switch o {
	case Nothing:
		return "nothing"
	case Created:
		return "created"
	case Updated:
		return "updated"
	case Unchanged:
		return "unchanged"
	case Closed:
		return "closed"
	case Refused:
		return "refused"
	}
	return "none"
}

// Options are the trusted facts of the run.
type Options struct {
	Repo  github.Repo
	Label string // DefaultLabel when empty
	Body  BodyOptions
}

// Logger receives what the command has to say in the job log.
type Logger interface {
	Infof(format string, args ...any)
	Warningf(format string, args ...any)
}

// Run keeps the issue in step with broken (as Broken returns it):
//
//   - nothing open, problems: open the issue, with the label;
//   - open, problems: edit title and body when the list changed (the
//     digest differs), leave it otherwise — a weekly edit would notify
//     every subscriber for nothing;
//   - open, no problem: replace the body by a "tout est corrigé" note and
//     close the issue as completed, in one request. An edit rather than a
//     comment: one idempotent request cannot leave the issue closed
//     without a word, or commented twice when the close fails; closing
//     notifies the subscribers (the mentioned owners among them), and the
//     issue's edit history keeps the last list.
//
// The issue is the open one with the label AND fsgate's hidden marker (the
// oldest if a past race opened two); a labelled issue without the marker
// was written by someone else and is left alone.
//
// A permission refusal (403) is a warning and Refused, not an error: the
// job must not go red, the full list is in its summary anyway.
func Run(ctx context.Context, api github.Issues, broken []report.JSONFinding, opts Options, log Logger) (Outcome, error) {
	label := cmp.Or(opts.Label, DefaultLabel)
	if err := github.CheckLabel(label); err != nil {
		return 0, err
	}
	var want Rendered
	if len(broken) > 0 {
		var err error
		if want, err = Render(broken, opts.Body); err != nil {
			return 0, err
		}
	} else if err := opts.Body.Check(); err != nil {
		return 0, err
	}

	issues, err := api.ListOpenIssues(ctx, opts.Repo, label)
	if err != nil {
		return degrade(log, "lecture des tickets", err)
	}
	current, found := ours(issues, label, log)

	switch {
	case !found && len(broken) == 0:
		log.Infof("fsgate : aucune anomalie, aucun ticket ouvert.")
		return Nothing, nil
	case !found:
		return create(ctx, api, opts.Repo, label, want, log)
	case len(broken) == 0:
		closed, err := api.EditIssue(ctx, opts.Repo, current.Number, github.IssueEdit{Body: Resolved(opts.Body), Close: true})
		if err != nil {
			return degrade(log, fmt.Sprintf("fermeture du ticket #%d", current.Number), err)
		}
		log.Infof("fsgate : tout est corrigé, ticket #%d fermé (%s).", current.Number, closed.URL)
		return Closed, nil
	}
	return edit(ctx, api, opts.Repo, current, want, Updated, log)
}

// edit edits issue to want unless it already says the same thing.
// done is what to report when it edits.
func edit(ctx context.Context, api github.Issues, repo github.Repo, issue github.Issue, want Rendered, done Outcome, log Logger) (Outcome, error) {
	if digestOf(issue.Body) == want.Digest && issue.Title == want.Title {
		if done == Created {
			log.Infof("fsgate : ticket #%d ouvert malgré l'erreur de GitHub (%s).", issue.Number, issue.URL)
			return Created, nil
		}
		log.Infof("fsgate : ticket #%d inchangé : la liste est la même (%s).", issue.Number, issue.URL)
		return Unchanged, nil
	}
	edited, err := api.EditIssue(ctx, repo, issue.Number, github.IssueEdit{Title: want.Title, Body: want.Body})
	if err != nil {
		return degrade(log, fmt.Sprintf("modification du ticket #%d", issue.Number), err)
	}
	log.Infof("fsgate : ticket #%d mis à jour : %s (%s).", issue.Number, want.Title, edited.URL)
	return done, nil
}

// create opens the issue. A create that failed may have landed (a server
// error, no answer): the issues are listed again before one more try, so
// that a bad minute at GitHub never leaves two issues.
func create(ctx context.Context, api github.Issues, repo github.Repo, label string, want Rendered, log Logger) (Outcome, error) {
	for round := 0; ; round++ {
		issue, err := api.CreateIssue(ctx, repo, github.NewIssue{Title: want.Title, Body: want.Body, Labels: []string{label}})
		if err == nil {
			if !slices.Contains(issue.Labels, label) {
				// GitHub drops labels the token may not set, silently:
				// the next run would not find this issue and open another.
				log.Warningf("fsgate : le ticket #%d a été ouvert sans le libellé %q : la prochaine vérification ne le retrouvera pas ; ajoutez le libellé à la main.", issue.Number, label)
			}
			log.Infof("fsgate : ticket #%d ouvert : %s (%s).", issue.Number, want.Title, issue.URL)
			return Created, nil
		}
		if round > 0 || !mayHaveLanded(ctx, err) {
			return degrade(log, "ouverture du ticket", err)
		}
		issues, lerr := api.ListOpenIssues(ctx, repo, label)
		if lerr != nil {
			return degrade(log, "lecture des tickets", lerr)
		}
		if current, found := ours(issues, label, log); found {
			// The failed create landed after all.
			return edit(ctx, api, repo, current, want, Created, log)
		}
	}
}

// ours picks fsgate's issue among the open issues with the label: the
// oldest carrying the marker. The others are named in the log.
func ours(issues []github.Issue, label string, log Logger) (github.Issue, bool) {
	var mine, others []github.Issue
	for _, is := range issues {
		if strings.Contains(is.Body, Marker) {
			mine = append(mine, is)
		} else {
			others = append(others, is)
		}
	}
	for _, is := range others {
		log.Warningf("fsgate : le ticket #%d porte le libellé %q mais n'a pas été écrit par fsgate recheck : laissé tel quel.", is.Number, label)
	}
	if len(mine) == 0 {
		return github.Issue{}, false
	}
	slices.SortFunc(mine, func(a, b github.Issue) int { return a.Number - b.Number })
	if len(mine) > 1 {
		var extra []string
		for _, is := range mine[1:] {
			extra = append(extra, fmt.Sprintf("#%d", is.Number))
		}
		log.Warningf("fsgate : plusieurs tickets de vérification sont ouverts : #%d est tenu à jour, %s laissés tels quels (à fermer à la main).", mine[0].Number, strings.Join(extra, ", "))
	}
	return mine[0], true
}

// mayHaveLanded says whether a failed create may have opened the issue
// all the same: a server error, or no answer at all, unless the job is
// being cancelled.
func mayHaveLanded(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	var ae *github.APIError
	if errors.As(err, &ae) {
		return ae.Status >= http.StatusInternalServerError
	}
	return true
}

// degrade turns a permission refusal into a warning and lets any other
// error through.
func degrade(log Logger, what string, err error) (Outcome, error) {
	if errors.Is(err, github.ErrForbidden) {
		log.Warningf("fsgate : GitHub a refusé l'accès aux tickets (%s : %v). Le jeton n'a pas la permission « issues: write » : donnez-la au job (permissions: issues: write). La liste complète est dans le résumé de ce job.", what, err)
		return Refused, nil
	}
	return 0, fmt.Errorf("%s: %w", what, err)
}
