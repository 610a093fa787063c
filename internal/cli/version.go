package cli

import "runtime/debug"

// version is set at link time (-ldflags "-X …cli.version=v1.2.3"); otherwise
// the module version or VCS revision from the build information is used.
var version = ""

// Version returns the version of this binary.
func Version() string {
	if version != "" {
		return version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "dev"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			return "dev-" + s.Value[:12]
		}
	}
	return "dev"
}
