// Package docs embeds the rule pages so that the binary can show them
// (`fsgate explain RULE`) and tests can check that every rule has one.
package docs

import (
	"embed"
	"io/fs"
)

//go:embed rules/*.md
var files embed.FS

// Rules is the folder of rule pages, one <rule>.md each.
var Rules, _ = fs.Sub(files, "rules")

// RulePage returns the page of a rule, or an error if it has none.
func RulePage(id string) ([]byte, error) { return fs.ReadFile(Rules, id+".md") }
