package report

import (
	"errors"
	"io"
)

func writeMarkdown(w io.Writer, in *Input) error {
	return errors.New("markdown format: not implemented yet")
}
