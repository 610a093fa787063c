package rules

// uriRules returns the checks of every URI (redirect, post-logout, site, sector identifier, JWKS).
func uriRules() []*Rule { return nil }
