package report

import (
	"errors"
	"io"
)

func writeGitHub(w io.Writer, in *Input) error {
	return errors.New("github format: not implemented yet")
}
