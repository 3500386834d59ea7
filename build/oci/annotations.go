package oci

import (
	"bytes"
	"strconv"
	"time"
)

// Annotation keys: the OCI standard ones, and ours under the repository's reverse-DNS name.
const (
	AnnotationTitle    = "org.opencontainers.image.title"
	AnnotationVersion  = "org.opencontainers.image.version"
	AnnotationRevision = "org.opencontainers.image.revision"
	AnnotationSource   = "org.opencontainers.image.source"
	AnnotationCreated  = "org.opencontainers.image.created"
	AnnotationPhase    = "com.github.aiwasm.phase"
	AnnotationPriority = "com.github.aiwasm.priority"
	AnnotationVariant  = "com.github.aiwasm.variant"
	AnnotationReadme   = "com.github.aiwasm.readme"
)

// MaxReadme bounds the README annotation. Registries cap whole manifests (4 MiB for the
// CNCF distribution registry and most clouds) and Istio and Higress fetch the manifest on
// every pull; the longest README today is about 40 KB.
const MaxReadme = 64 << 10

// Meta is what an image says about the module it holds.
type Meta struct {
	Plugin   string    // plugins/<name>
	Variant  string    // "" for any Envoy, "higress" for the build with Higress's host functions
	Version  string    // the release, e.g. 1.2.0
	Revision string    // the source revision (git commit), may be empty
	Source   string    // the repository URL
	Created  time.Time // fixed for reproducibility: SOURCE_DATE_EPOCH, or the Unix epoch
	README   []byte    // plugins/<name>/README.md, may be empty
}

// annotations are the manifest's annotations; config labels get the same minus the README.
func (m Meta) annotations(p Placement, withReadme bool) map[string]string {
	a := map[string]string{
		AnnotationTitle:    m.Plugin,
		AnnotationVersion:  m.Version,
		AnnotationCreated:  m.Created.UTC().Format(time.RFC3339),
		AnnotationPhase:    p.Phase,
		AnnotationPriority: strconv.Itoa(p.Priority),
	}
	set := func(k, v string) {
		if v != "" {
			a[k] = v
		}
	}
	set(AnnotationRevision, m.Revision)
	set(AnnotationSource, m.Source)
	set(AnnotationVariant, m.Variant)
	if withReadme {
		set(AnnotationReadme, readmeAnnotation(m.README, m.readmeURL()))
	}
	return a
}

// readmeURL is where the full README is read when the annotation had to be cut.
func (m Meta) readmeURL() string {
	ref := m.Revision
	if ref == "" {
		ref = "main"
	}
	if m.Source == "" {
		return "plugins/" + m.Plugin + "/README.md"
	}
	return m.Source + "/blob/" + ref + "/plugins/" + m.Plugin + "/README.md"
}

// readmeAnnotation is the README as it is, or, past MaxReadme, cut at the last line break
// that fits and followed by a line saying where the rest is.
func readmeAnnotation(readme []byte, fullURL string) string {
	if len(readme) <= MaxReadme {
		return string(readme)
	}
	tail := "\n[README truncated; full text: " + fullURL + "]\n"
	cut := readme[:MaxReadme-len(tail)]
	if i := bytes.LastIndexByte(cut, '\n'); i > 0 {
		cut = cut[:i]
	}
	return string(cut) + tail
}
