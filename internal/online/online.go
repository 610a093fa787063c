// Package online is the network pass of fsgate (validate --online): it
// fetches, through the SSRF-safe fetcher, the two documents FranceConnect
// itself fetches for a request — the sector identifier document and the
// JWKS — and checks them. Kept apart from the rules so that nothing else
// touches the network, and bounded in time and concurrency by the fetcher.
package online

import (
	"context"
	"slices"
	"strconv"

	"github.com/fsgate/fsgate/internal/fetch"
	"github.com/fsgate/fsgate/internal/finding"
	"github.com/fsgate/fsgate/internal/jwks"
	"github.com/fsgate/fsgate/internal/request"
	"github.com/fsgate/fsgate/internal/rules"
)

// Check fetches the documents named by files and returns the findings
// (rule, severity, pointer and message set; positions left to the caller).
// Unreachable documents are warnings (fetch-failed): a publisher's server
// being down must not turn CI red; wrong content is an error.
func Check(ctx context.Context, f *fetch.Fetcher, files []*rules.File) []finding.Finding {
	var urls []string
	for _, file := range files {
		if r := file.Request; r != nil {
			if r.SectorIdentifierURI != "" {
				urls = append(urls, r.SectorIdentifierURI)
			}
			if r.JWKSURI != "" && r.IsPlus() {
				urls = append(urls, r.JWKSURI)
			}
		}
	}
	if len(urls) == 0 {
		return nil
	}
	results := f.FetchAll(ctx, urls)

	var out []finding.Finding
	for _, file := range files {
		r := file.Request
		if r == nil {
			continue
		}
		if r.SectorIdentifierURI != "" {
			out = append(out, sector(file.Path, r, results[r.SectorIdentifierURI])...)
		}
		if r.JWKSURI != "" && r.IsPlus() {
			out = append(out, keys(file.Path, r, results[r.JWKSURI])...)
		}
	}
	return out
}

func sector(path string, r *request.Request, res fetch.Result) []finding.Finding {
	const doc = "document de `spec.sectorIdentifierUri`"
	const docEN = "`spec.sectorIdentifierUri` document"
	if !res.OK() {
		return []finding.Finding{failed(path, request.PtrSectorIdentifierURI, doc, docEN, res.Err.Message)}
	}
	var out []finding.Finding
	for _, p := range jwks.ParseSector(res.Body, r.RedirectURIs) {
		pointer := request.PtrSectorIdentifierURI
		if p.Kind == jwks.MissingRedirectURI && p.Index >= 0 {
			pointer = request.PtrRedirectURIs + "/" + strconv.Itoa(p.Index)
		}
		out = append(out, problem(path, pointer, rules.SectorIdentifierContent.ID, "`spec.sectorIdentifierUri`", p))
	}
	return out
}

func keys(path string, r *request.Request, res fetch.Result) []finding.Finding {
	const doc = "JWKS de `spec.jwksUri`"
	const docEN = "`spec.jwksUri` JWKS"
	if !res.OK() {
		return []finding.Finding{failed(path, request.PtrJWKSURI, doc, docEN, res.Err.Message)}
	}
	var out []finding.Finding
	for _, p := range jwks.ParseJWKS(res.Body, r.Encryption).Problems {
		out = append(out, problem(path, request.PtrJWKSURI, rules.JWKSContent.ID, "`spec.jwksUri`", p))
	}
	return out
}

// notFetched are the problems that mean "no document was obtained", which
// the issue files under fetch-failed (a warning) rather than content.
var notFetched = []jwks.Kind{jwks.NotJSON}

// problem reports a parser's finding; the parser's message names the
// document already, so only the field is added.
func problem(path, pointer, rule, field string, p jwks.Problem) finding.Finding {
	if slices.Contains(notFetched, p.Kind) {
		return failed(path, pointer, field, field, p.Message)
	}
	return finding.Finding{Path: path, Pointer: pointer, Rule: rule, Severity: p.Severity,
		Message: finding.Text{FR: field + " → " + p.Message.FR, EN: field + " → " + p.Message.EN}}
}

func failed(path, pointer, doc, docEN string, why finding.Text) finding.Finding {
	return finding.Finding{Path: path, Pointer: pointer, Rule: rules.FetchFailed.ID, Severity: finding.Warning,
		Message: finding.Text{
			FR: doc + " non vérifié : " + why.FR + " ; FranceConnect le télécharge lui-même, vérifiez-le avant la mise en production",
			EN: docEN + " not checked: " + why.EN + "; FranceConnect fetches it itself, check it before going live",
		}}
}
