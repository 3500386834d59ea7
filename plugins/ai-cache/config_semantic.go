package main

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/aiwasm/aiwasm/sdkwrap/cachestore"
	"github.com/aiwasm/aiwasm/sdkwrap/config"
)

// semanticConfig is the semantic object: where embeddings come from and how close a
// question must be to an answered one.
type semanticConfig struct {
	cluster   string
	scheme    string
	authority string
	path      string // the embeddings URL's path and query
	headers   [][2]string
	model     string
	threshold float64
	timeout   time.Duration
	vectors   int
	index     *cachestore.VectorIndex
}

// openAIEmbeddings is provider openai's endpoint.
const openAIEmbeddings = "https://api.openai.com/v1/embeddings"

func readSemantic(r *config.Reader) *semanticConfig {
	var sc *semanticConfig
	r.Object("semantic", func(o *config.Reader) {
		sc = &semanticConfig{}
		provider := o.Enum("provider", "", "openai", "openai-compatible")
		if !o.Has("provider") {
			o.Failf("provider", `missing: "openai" or "openai-compatible"`)
		}
		endpoint := ""
		o.Object("override", func(ov *config.Reader) {
			endpoint = ov.String("endpoint", "", config.NonEmpty())
		})
		if endpoint == "" {
			if provider == "openai-compatible" {
				o.Failf("override", "missing: override.endpoint, the embeddings URL of the openai-compatible provider")
			}
			endpoint = openAIEmbeddings
		}
		if reason := sc.setEndpoint(endpoint); reason != "" {
			o.Failf("override", "endpoint: %s", reason)
		}
		sc.cluster = o.String("cluster", "", config.NonEmpty())
		if sc.cluster == "" {
			if provider == "openai" {
				sc.cluster = "openai"
			} else if provider != "" {
				o.Failf("cluster", "missing: the Envoy cluster that reaches %s", sc.authority)
			}
		}
		o.Object("auth", func(a *config.Reader) {
			a.Object("header", func(h *config.Reader) {
				for _, name := range h.Keys() {
					v := h.Secret(name, "", config.NonEmpty())
					lname := strings.ToLower(name)
					checkHeaderName(h, name, lname)
					sc.headers = append(sc.headers, [2]string{lname, v})
				}
			}, config.Required())
		})
		sc.model = o.String("model", "text-embedding-3-small", config.NonEmpty())
		sc.threshold = o.Float("threshold", 0.95, config.Min(0.5), config.Max(1.0))
		sc.timeout = o.Duration("timeout", 2*time.Second, config.Min(time.Millisecond), config.Max(time.Minute))
		sc.vectors = o.Int("max_vectors", 1024, config.Min(1), config.Max(cachestore.MaxVectors))
	})
	return sc
}

// setEndpoint reads the embeddings URL: a full URL of the embeddings endpoint, or a base
// (".../v1") to which /embeddings is added. It never quotes the URL (its query may hold a
// key).
func (sc *semanticConfig) setEndpoint(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "want an absolute http:// or https:// URL"
	}
	if u.User != nil {
		return "credentials in the URL are not supported: use auth"
	}
	sc.scheme, sc.authority = u.Scheme, u.Host
	path := strings.TrimSuffix(u.EscapedPath(), "/")
	if !strings.HasSuffix(path, "/embeddings") {
		path += "/embeddings"
	}
	if u.RawQuery != "" {
		path += "?" + u.RawQuery
	}
	sc.path = path
	return ""
}

// open makes the vector index; its prefix follows the store's, and its size.
func (sc *semanticConfig) open(storePrefix string) error {
	idx, err := cachestore.NewVectorIndex(storePrefix+"sem"+strconv.Itoa(sc.vectors)+"/", sc.vectors)
	sc.index = idx
	return err
}
