package rules

import "github.com/fsgate/fsgate/internal/finding"

// The online rules run only with --online: internal/online fetches the
// documents and reports under these ids (they have no check function here,
// the network being kept out of the rules).
var (
	SectorIdentifierContent = &Rule{ID: "sector-identifier-content", Severity: finding.Error, Summary: finding.T(
		"le document de sectorIdentifierUri est un tableau JSON qui contient chaque URL de redirection",
		"the sectorIdentifierUri document is a JSON array holding every redirect URI")}
	JWKSContent = &Rule{ID: "jwks-content", Severity: finding.Error, Summary: finding.T(
		"le JWKS de jwksUri ne publie que des clés publiques, dont une utilisable pour l'algorithme de chiffrement choisi",
		"the jwksUri JWKS publishes public keys only, one of them usable for the chosen encryption algorithm")}
	FetchFailed = &Rule{ID: "fetch-failed", Severity: finding.Warning, Summary: finding.T(
		"les documents en ligne (JWKS, secteur d'identification) ont pu être téléchargés",
		"the online documents (JWKS, sector identifier) could be downloaded")}
)

func onlineRules() []*Rule { return []*Rule{SectorIdentifierContent, JWKSContent, FetchFailed} }
