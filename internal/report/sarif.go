package report

import (
	"errors"
	"io"
)

func writeSARIF(w io.Writer, in *Input) error { return errors.New("sarif format: not implemented yet") }
