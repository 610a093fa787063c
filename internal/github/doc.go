// Package github is fsgate's door to the GitHub REST API, used by the
// privileged half of the Action (fsgate comment): one sticky pull-request
// comment, one check run carrying every annotation, and the lookups they
// need (which pull request a commit heads, which files it changes).
//
// Each concern is a narrow interface (Comments, Checks, PullRequests) with
// the few methods the functions of this package call, so that callers can
// test against tiny fakes; Client implements all three over go-github.
//
// Client retries rate limits and server errors with a bounded backoff, and
// turns the answers a caller must handle differently into errors it can
// test with errors.Is: ErrForbidden (a read-only token, typically a fork's:
// warn and exit 0), ErrNotFound and ErrRateLimited.
package github
