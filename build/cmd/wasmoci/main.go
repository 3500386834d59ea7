// Command wasmoci packs the built plugins (out/<name>.wasm, out/higress/<name>.wasm) as OCI
// images in the layout Istio and Higress pull and pushes them: make oci REGISTRY=...
// VERSION=... runs it. See build/README.md.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/aiwasm/aiwasm/build/oci"
)

func main() {
	var o oci.Options
	var plugins string
	var created int64
	flag.StringVar(&o.OutDir, "out", "out", "directory with <name>.wasm and higress/<name>.wasm")
	flag.StringVar(&o.PluginsDir, "plugins-dir", "plugins", "directory with <name>/README.md, for the README annotation")
	flag.StringVar(&o.Registry, "registry", "", "repository prefix: images go to <registry>/<plugin>:<tag>")
	flag.StringVar(&o.Version, "version", "", "the release; the tag of the image (the higress build: <version>-higress)")
	flag.StringVar(&o.Revision, "revision", "", "source revision for the annotations (git rev-parse HEAD)")
	flag.StringVar(&o.Source, "source", "https://github.com/aiwasm/aiwasm", "source repository for the annotations")
	flag.Int64Var(&created, "created", sourceDateEpoch(), "creation time, Unix seconds (default: $SOURCE_DATE_EPOCH, else 0)")
	flag.BoolVar(&o.Artifact, "artifact", false, "also push the two-layer Wasm artifact as <tag>-artifact")
	flag.BoolVar(&o.Insecure, "insecure", false, "plain HTTP to the registry (a test registry); never for a real one")
	flag.StringVar(&plugins, "plugin", "", "comma-separated plugins to push (default: every module in -out)")
	flag.BoolVar(&o.DryRun, "dry-run", false, "pack and print the digests, push nothing")
	flag.Parse()
	o.Created = time.Unix(created, 0).UTC()
	if plugins != "" {
		o.Plugins = strings.Split(plugins, ",")
	}
	o.Log = os.Stdout
	if _, err := oci.PushAll(context.Background(), o); err != nil {
		fmt.Fprintln(os.Stderr, "wasmoci:", err)
		os.Exit(1)
	}
}

// sourceDateEpoch is the reproducible-builds convention for a fixed build time.
func sourceDateEpoch() int64 {
	n, err := strconv.ParseInt(os.Getenv("SOURCE_DATE_EPOCH"), 10, 64)
	if err != nil {
		return 0
	}
	return n
}
