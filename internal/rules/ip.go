package rules

// ipRules returns the checks of exit IP addresses and ranges.
func ipRules() []*Rule { return nil }
