package rules

// formRules returns the form's business rules: platform, environment, editor, DataPass, scopes, dates.
func formRules() []*Rule { return nil }
