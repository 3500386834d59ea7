// Package config reads a plugin's JSON configuration, once, at configure time, into the
// plugin's own typed struct, and says precisely what is wrong with it: every problem
// carries the JSON path of the value and a reason.
//
// A parse function reads like a declaration of the schema:
//
//	func parseConfig(r *config.Reader) (*Config, error) {
//		cfg := &Config{}
//		cfg.Keys = r.Strings("keys", []string{"authorization"})
//		cfg.Limit = r.Int("limit", 60, config.Min(1))
//		cfg.Window = r.Duration("window", time.Minute)
//		cfg.Mode = r.Enum("mode", "local", "local", "redis")
//		r.Object("redis", func(o *config.Reader) {
//			cfg.Redis.Service = o.String("service", "", config.Required())
//			cfg.Redis.Password = o.Secret("password", "")
//		})
//		seen := map[string]int{}
//		r.Array("consumers", func(i int, c *config.Reader) {
//			name := c.String("name", "", config.Required(), config.NonEmpty())
//			cred := c.Secret("credential", "", config.Required())
//			if j, dup := seen[cred]; dup {
//				c.Failf("credential", "duplicate of consumers[%d]", j)
//			}
//			seen[cred] = i
//			cfg.Consumers = append(cfg.Consumers, Consumer{name, cred})
//		})
//		return cfg, r.Err()
//	}
//
// Err then reads, for instance:
//
//	limit: want an integer, got string; consumers[2].credential: duplicate of consumers[0]
//
// The rules, decided once for every plugin:
//
//   - Defaults. An accessor returns its default when the key is absent or its value is
//     JSON null; null means "not set" (it lets a _rules_ entry reset a global key to the
//     default). With Required, absent and null are problems. Defaults are not checked
//     against the options.
//   - Problems. A value of the wrong JSON type is a problem, never a panic nor a zero
//     value; the accessor then returns its default and reading goes on, so Err lists every
//     problem at once. Errors (from errors.As) holds them as Problems.
//   - Integers (Int) are exact: 1.5 is a problem, as is anything outside the int range;
//     1.0 and 1e3 are whole numbers and accepted. Booleans are true or false only.
//     Durations are Go duration strings ("300ms", "30s", "1m"); a bare number is a problem,
//     because it does not say its unit.
//   - Text is UTF-8. Invalid UTF-8 in a string, or a \u escape that leaves half a surrogate
//     pair, makes the document invalid, like any syntax error; so do duplicate keys in an
//     object (JSON parsers disagree on which one wins) and nesting deeper than 100 levels.
//     Such errors name the line, column and path: "consumers[1].name: invalid JSON at line
//     3, column 14: invalid UTF-8 in string".
//   - Secrets. Secret reads a string whose value no message ever contains; messages about
//     it name its path only. Messages of other accessors quote at most 40 bytes of a value.
//   - Unknown fields. Warnings lists every key of every object read that the plugin never
//     asked for (a typo, most of the time), with a suggestion when an absent key it asked
//     for is close. Keys starting with '_' are reserved for the gateway (_rules_,
//     _match_route_, ...) and never reported. Objects the plugin did not open are not
//     inspected.
//
// Paths read like "a.b[2].c"; a key of anything but letters, digits, '_' and '-' is quoted,
// `headers["x.y"]`; the top-level object is "(root)" in messages.
package config
