package config_test

import (
	"fmt"
	"time"

	"github.com/aiwasm/aiwasm/sdkwrap/config"
)

type Consumer struct{ Name, Credential string }

type Config struct {
	Keys      []string
	Limit     int
	Window    time.Duration
	Mode      string
	Consumers []Consumer
}

func parseConfig(r *config.Reader) (*Config, error) {
	cfg := &Config{}
	cfg.Keys = r.Strings("keys", []string{"authorization"})
	cfg.Limit = r.Int("limit", 60, config.Min(1))
	cfg.Window = r.Duration("window", time.Minute)
	cfg.Mode = r.Enum("mode", "local", "local", "redis")
	seen := map[string]int{}
	r.Array("consumers", func(i int, c *config.Reader) {
		name := c.String("name", "", config.Required(), config.NonEmpty())
		cred := c.Secret("credential", "", config.Required())
		if j, dup := seen[cred]; dup {
			c.Failf("credential", "duplicate of consumers[%d]", j)
		}
		seen[cred] = i
		cfg.Consumers = append(cfg.Consumers, Consumer{name, cred})
	})
	return cfg, r.Err()
}

func Example() {
	raw := []byte(`{
		"limit": "sixty",
		"window": "30s",
		"consumers": [
			{"name": "alice", "credential": "k-1"},
			{"name": "bob", "credentail": "k-2"},
			{"name": "carol", "credential": "k-1"}
		]
	}`)
	r, err := config.NewReader(raw)
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = parseConfig(r)
	fmt.Println(err)
	for _, w := range r.Warnings() {
		fmt.Println("warning:", w)
	}
	// Output:
	// limit: want an integer, got string; consumers[1].credential: missing required field; consumers[2].credential: duplicate of consumers[0]
	// warning: consumers[1].credentail: unknown field; did you mean "credential"?
}

func ExampleNewReader_syntaxError() {
	_, err := config.NewReader([]byte("{\n  \"consumers\": [\n    {\"name\": \"a\",}\n  ]\n}"))
	fmt.Println(err)
	// Output:
	// consumers[0]: invalid JSON at line 3, column 18: unexpected character '}', want a string key
}
