// Command fsgate validates FranceConnect service provider requests and
// carries them through review to provisioning. See internal/cli.
package main

import (
	"os"

	"github.com/fsgate/fsgate/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], cli.OSEnv()))
}
