package rules

import (
	"maps"
	"slices"
	"strings"
	"unicode"

	"github.com/fsgate/fsgate/internal/finding"
	"github.com/fsgate/fsgate/internal/request"
)

// crossFileRules returns the rules that compare a request with every other one.
func crossFileRules() []*Rule {
	return []*Rule{duplicateDatapass, duplicateDisplayName, duplicateRedirectURI, duplicateReuseSubs}
}

// Every cross-file rule compares the requests of one platform and one
// environment (FranceConnect keeps one client collection per platform and
// environment). A value held by several requests is reported on EVERY file
// that holds it, each naming another holder: a pull request that adds a
// duplicate of an existing request must see the finding on its own file,
// and the existing file is told too. Files are visited in path order, so
// the output does not depend on the order they were loaded, and one index
// per rule keeps the work linear in the number of values.

// crossValue is one value of a request that must not repeat elsewhere.
type crossValue struct {
	pointer string // where to report it (see item)
	item    int    // the value is item number item of the list at pointer; -1: it is at pointer
	key     string // what is compared ("" = nothing to compare)
	shown   string // the value as a message shows it
}

// at is where to report the value. Built only for a finding: a run over
// 10,000 files compares some 20,000 values and reports a few.
func (v *crossValue) at() string {
	if v.item < 0 {
		return v.pointer
	}
	return formItem(v.pointer, v.item)
}

// crossDuplicates reports, through report, every value whose key another
// file of the same platform and environment holds. A value repeated inside
// one file is not its business. rule says which values it compares (see
// crossValueFuncs).
//
// It runs over every file on every run, cached or not (a warm run spends
// most of its time here otherwise): one index per platform and
// environment, keyed by the value alone and sized once; a value held by
// one file (nearly all) costs a map entry and no other allocation.
func crossDuplicates(files []*File, rule int,
	report func(r *request.Request, v crossValue, other string) finding.Finding) []finding.Finding {
	type holding struct {
		file *File
		v    crossValue
	}
	byPath := func(a, b *File) int { return strings.Compare(a.Path, b.Path) }
	sorted := files
	if !slices.IsSortedFunc(files, byPath) { // the engine's are
		sorted = slices.Clone(files)
		slices.SortFunc(sorted, byPath)
	}
	// One index per platform and environment (a slot): each file's slot,
	// and how many files each slot has, the size of its index.
	slots := make([]int, len(sorted))
	sizes := make([]int, len(platformDirs)*len(environmentDirs))
	for i, f := range sorted {
		slots[i] = -1
		if f.cross != nil {
			slots[i] = f.cross.slot
		} else if f.Request != nil {
			slots[i] = slotOf(f.Request)
		}
		if slots[i] >= 0 {
			sizes[slots[i]]++
		}
	}
	index := make([]map[string]int, len(sizes)) // value → group
	first := make([]holding, 0, len(sorted))    // by group, in order of first appearance
	more := map[int][]holding{}                 // the other holders of the groups that have some
	var buf []crossValue
	for i, f := range sorted {
		slot := slots[i]
		if slot < 0 {
			continue
		}
		if index[slot] == nil {
			index[slot] = make(map[string]int, sizes[slot])
		}
		var vals []crossValue
		if f.cross != nil {
			vals = f.cross.values[rule]
		} else {
			buf = crossValueFuncs[rule](f.Request, buf[:0])
			vals = buf
		}
		for _, v := range vals {
			if v.key == "" {
				continue
			}
			g, ok := index[slot][v.key]
			if !ok {
				index[slot][v.key] = len(first)
				first = append(first, holding{f, v})
				continue
			}
			others := more[g]
			last := first[g].file
			if len(others) > 0 {
				last = others[len(others)-1].file
			}
			if last == f {
				continue // repeated inside one file
			}
			more[g] = append(others, holding{f, v})
		}
	}
	groups := slices.Sorted(maps.Keys(more)) // in order of first appearance
	var out []finding.Finding
	for _, g := range groups {
		holders := append([]holding{first[g]}, more[g]...)
		for i, h := range holders {
			other := holders[0].file.Path
			if i == 0 {
				other = holders[1].file.Path
			}
			fd := report(h.file.Request, h.v, other)
			fd.Path = h.file.Path
			out = append(out, fd)
		}
	}
	return out
}

// The values each cross-file rule compares, by rule (crossDatapass…): a
// file's are worked out once, by PrepareCross, in the engine's parallel
// phase, where its request is at hand; the rules, which run at the end over
// every file, then only index them. A file not prepared (a file served by
// the cache, the wizard's, the tests') is worked out by each rule.
const (
	crossDatapass = iota
	crossDisplayName
	crossRedirectURI
	crossReuseSubs
	crossRuleCount
)

var crossValueFuncs = [crossRuleCount]func(r *request.Request, buf []crossValue) []crossValue{
	crossDatapass: func(r *request.Request, buf []crossValue) []crossValue {
		// FranceConnect stores the digits only: D12345 and H12345 collide.
		if !isDatapassNumber(r.Datapass) {
			return buf
		}
		return append(buf, crossValue{request.PtrDatapass, -1, request.DatapassDigits(r.Datapass), r.Datapass})
	},
	crossDisplayName: func(r *request.Request, buf []crossValue) []crossValue {
		// Names differing only in case or spacing look the same to users.
		key := strings.ToLower(collapseSpaces(r.DisplayName))
		return append(buf, crossValue{request.PtrDisplayName, -1, key, r.DisplayName})
	},
	crossRedirectURI: func(r *request.Request, buf []crossValue) []crossValue {
		for i, u := range r.RedirectURIs {
			// FranceConnect compares redirect URIs as raw strings.
			buf = append(buf, crossValue{request.PtrRedirectURIs, i, u, u})
		}
		return buf
	},
	crossReuseSubs: func(r *request.Request, buf []crossValue) []crossValue {
		if r.ReuseSubs == nil {
			return buf
		}
		return append(buf, crossValue{request.PtrReuseSubsClientID, -1, strings.ToLower(r.ReuseSubs.ClientID), r.ReuseSubs.ClientID})
	},
}

// crossPrep is what the cross-file rules compare of one file: its platform
// and environment (slotOf) and its values for each rule.
type crossPrep struct {
	slot   int
	values [crossRuleCount][]crossValue
}

// PrepareCross works out what the cross-file rules compare of f (see
// crossValueFuncs). The engine calls it for each file it parses, from its
// workers, before any cross-file rule runs.
func PrepareCross(f *File) {
	if f.Request == nil {
		return
	}
	p := &crossPrep{slot: slotOf(f.Request)}
	if p.slot >= 0 {
		var all []crossValue // one array for the four lists
		var ends [crossRuleCount]int
		for i, values := range crossValueFuncs {
			all = values(f.Request, all)
			ends[i] = len(all)
		}
		start := 0
		for i, end := range ends {
			p.values[i] = all[start:end:end]
			start = end
		}
	}
	f.cross = p
}

// slotOf is the index of r's platform and environment among those of the
// tree (FranceConnect keeps one client collection per pair), or -1.
func slotOf(r *request.Request) int {
	p, e := slices.Index(platformDirs, r.Platform), slices.Index(environmentDirs, r.Environment)
	if p < 0 || e < 0 {
		return -1
	}
	return p*len(environmentDirs) + e
}

var duplicateDatapass = &Rule{
	ID:       "duplicate-datapass",
	Severity: finding.Error,
	Summary: finding.T(
		"une demande DataPass par FS sur une plateforme et un environnement (FranceConnect : erreur ; FranceConnect+ : avertissement)",
		"one DataPass request per FS on a platform and environment (FranceConnect: error; FranceConnect+: warning)"),
	CheckAll: func(_ *Context, files []*File) []finding.Finding {
		return crossDuplicates(files, crossDatapass, func(r *request.Request, v crossValue, other string) finding.Finding {
			if r.IsPlus() {
				fd := At(v.at(), finding.Tf(
					"même numéro DataPass (%s) que %s, sur la même plateforme et le même environnement : chaque FS a normalement sa propre demande DataPass ; vérifiez le numéro",
					"same DataPass number (%s) as %s, on the same platform and environment: each FS normally has its own DataPass request; check the number",
					finding.Show(v.shown), other))
				fd.Severity = finding.Warning
				return fd
			}
			return At(v.at(), finding.Tf(
				"même numéro DataPass (%s) que %s, sur la même plateforme et le même environnement : l'import FranceConnect refuse deux FS d'une même demande ; indiquez la demande DataPass propre à ce FS",
				"same DataPass number (%s) as %s, on the same platform and environment: the FranceConnect import refuses two FS of one request; give this FS's own DataPass request",
				finding.Show(v.shown), other))
		})
	},
}

var duplicateDisplayName = &Rule{
	ID:       "duplicate-display-name",
	Severity: finding.Warning,
	Summary: finding.T(
		"deux FS d'une même plateforme et d'un même environnement n'ont pas le même nom affiché",
		"two FS of one platform and environment do not share a display name"),
	CheckAll: func(_ *Context, files []*File) []finding.Finding {
		return crossDuplicates(files, crossDisplayName, func(_ *request.Request, v crossValue, other string) finding.Finding {
			return At(v.at(), finding.Tf(
				"même nom affiché que %s (%s), sur la même plateforme et le même environnement : les usagers ne distingueront pas les deux services ; précisez le nom",
				"same display name as %s (%s), on the same platform and environment: users will not tell the two services apart; make the name more specific",
				other, finding.Show(v.shown)))
		})
	},
}

var duplicateRedirectURI = &Rule{
	ID:       "duplicate-redirect-uri",
	Severity: finding.Warning,
	Summary: finding.T(
		"une URL de redirection n'est déclarée que par un FS d'une même plateforme et d'un même environnement",
		"a redirect URI is declared by one FS only on a platform and environment"),
	CheckAll: func(_ *Context, files []*File) []finding.Finding {
		return crossDuplicates(files, crossRedirectURI, func(_ *request.Request, v crossValue, other string) finding.Finding {
			return At(v.at(), finding.Tf(
				"%s : URL de redirection aussi déclarée par %s, sur la même plateforme et le même environnement : vérifiez qu'elle n'a pas été recopiée d'une autre demande",
				"%s: redirect URI also declared by %s, on the same platform and environment: check it was not copied from another request",
				formField(v.at()), other))
		})
	},
}

var duplicateReuseSubs = &Rule{
	ID:       "duplicate-reuse-subs",
	Severity: finding.Warning,
	Summary: finding.T(
		"deux FS d'une même plateforme et d'un même environnement ne reprennent pas les subs du même FS",
		"two FS of one platform and environment do not reuse the subs of the same FS"),
	CheckAll: func(_ *Context, files []*File) []finding.Finding {
		return crossDuplicates(files, crossReuseSubs, func(_ *request.Request, v crossValue, other string) finding.Finding {
			return At(v.at(), finding.Tf(
				"`spec.reuseSubs.clientId` : %s reprend aussi les subs de ce FS, sur la même plateforme et le même environnement : deux FS donneraient les mêmes identifiants (sub) aux mêmes usagers ; vérifiez le client ID",
				"`spec.reuseSubs.clientId`: %s also reuses the subs of this FS, on the same platform and environment: two FS would give the same users the same identifiers (sub); check the client ID",
				other))
		})
	},
}

// collapseSpaces is strings.Join(strings.Fields(s), " "), without the two
// allocations when s has nothing to collapse (nearly every display name).
func collapseSpaces(s string) string {
	prevSpace := true // a space first is collapsed
	for _, c := range s {
		space := unicode.IsSpace(c)
		if space && (prevSpace || c != ' ') {
			return strings.Join(strings.Fields(s), " ")
		}
		prevSpace = space
	}
	if prevSpace && s != "" {
		return strings.Join(strings.Fields(s), " ") // a space last
	}
	return s
}
