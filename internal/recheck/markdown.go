package recheck

import (
	"github.com/fsgate/fsgate/internal/markdown"

	"regexp"
)

var (
	userMentionRE = regexp.MustCompile(`^@[A-Za-z0-9][A-Za-z0-9_-]{0,99}$`)
	teamMentionRE = regexp.MustCompile(`^@[A-Za-z0-9][A-Za-z0-9_-]{0,99}/[A-Za-z0-9][A-Za-z0-9_-]{0,99}$`)
)

// mention renders a CODEOWNERS owner: plain when it is a user or a team,
// so that the issue notifies it; in a code span otherwise.
func mention(owner string) string {
	if userMentionRE.MatchString(owner) || teamMentionRE.MatchString(owner) {
		return owner
	}
	return markdown.Code(markdown.Clip(owner, 100), false)
}
