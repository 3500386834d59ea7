package plugin

// Version is the aiwasm release a module was built from. The Makefile sets it with
// -ldflags "-X github.com/aiwasm/aiwasm/sdkwrap/plugin.Version=<version>" ("dev" for
// make build); a module built without it (go build, the test host's BuildPlugin) leaves it
// empty and logs no version line, so tests that count log lines see only their plugin's.
var Version string

// versionLogged makes the version line appear once per VM: Envoy configures a VM again on
// every configuration push, and the line says which code runs, not which configuration.
var versionLogged bool

// logVersion writes "aiwasm <plugin> <version>" at info level the first time a root of this
// VM starts, before its configuration is read, so the line is there even when the
// configuration is refused.
func logVersion(log *Logger, name string) {
	if versionLogged || Version == "" {
		return
	}
	versionLogged = true
	log.Infof("aiwasm %s %s", name, Version)
}
