package github

import (
	"fmt"
	"regexp"
	"strings"
)

// Repo names a repository.
type Repo struct {
	Owner string
	Name  string
}

func (r Repo) String() string { return r.Owner + "/" + r.Name }

var (
	// GitHub logins are alphanumerics and single hyphens; underscores
	// appear in Enterprise Managed Users logins (user_shortcode), which is
	// also why the length is not held to the 39 characters of github.com.
	ownerRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$`)
	// Repository names are ASCII letters, digits, '.', '-' and '_', at most
	// 100 characters; "." and ".." are refused separately.
	nameRE = regexp.MustCompile(`^[A-Za-z0-9._-]{1,100}$`)
)

// ParseRepo parses "owner/name", the form of GITHUB_REPOSITORY and of a
// payload's repository.full_name. The parts end up in request paths, so
// anything that could change the path (a third segment, "..", a query) is
// refused rather than escaped.
func ParseRepo(s string) (Repo, error) {
	owner, name, ok := strings.Cut(s, "/")
	if !ok || !ownerRE.MatchString(owner) || !nameRE.MatchString(name) || name == "." || name == ".." {
		return Repo{}, fmt.Errorf("invalid repository %q: want owner/name", s)
	}
	return Repo{Owner: owner, Name: name}, nil
}

// validate refuses a Repo built by hand that ParseRepo would refuse.
func (r Repo) validate() error {
	_, err := ParseRepo(r.String())
	return err
}
