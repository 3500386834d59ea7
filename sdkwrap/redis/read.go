package redis

import "github.com/aiwasm/aiwasm/sdkwrap/config"

// Choice is how a configuration chooses Redis, for the messages of Read.
type Choice struct {
	Wanted    bool   // the configuration chose Redis
	Field     string // the field that chooses it: "backend", "store"
	Plugin    string // the module's name
	Otherwise string // what to use on upstream Envoy instead, for the default build's refusal
}

// Read reads the redis object of a configuration that chose Redis, and refuses one that did
// not, or a default build asked for Redis, naming the fields.
func Read(r *config.Reader, c Choice) Settings {
	var s Settings
	switch {
	case c.Wanted && !Available:
		r.Failf(c.Field, `"redis" needs the higress build of %s (out/higress/%s.wasm, built with -tags higress), which runs on Higress only; %s`,
			c.Plugin, c.Plugin, c.Otherwise)
	case c.Wanted:
		r.Object("redis", func(o *config.Reader) { s = ReadSettings(o) }, config.Required())
	case r.Has("redis") && !Available:
		r.Failf("redis", `only with %s "redis", in the higress build`, c.Field)
	case r.Has("redis"):
		r.Failf("redis", `only with %s "redis"; remove it, or set it to null in a _rules_ entry`, c.Field)
	}
	return s
}
