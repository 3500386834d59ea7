//go:build !wasip1

package main

import (
	"strings"
	"testing"

	"github.com/aiwasm/aiwasm/sdkwrap/cachestore"
	"github.com/aiwasm/aiwasm/sdkwrap/jsonguard"
	"github.com/tidwall/gjson"
)

// BenchmarkNativeKey4KB is the key of the 4 KB request of BenchmarkLookup4KB, natively:
// the scan (validation and canonical values) and the material, against the gjson path it
// replaced (validation, parse, material: the reference, reference_test.go), and the hash.
func BenchmarkNativeKey4KB(b *testing.B) {
	body := []byte(chatBody(strings.Repeat("lorem ipsum dolor sit amet ", 4096/27)))
	c := &Config{}
	h := cachestore.SipHasher{K0: 1, K1: 2}
	var buf []byte
	var r bodyScan
	b.Run("scan", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for i := 0; i < b.N; i++ {
			r.scan(body)
		}
	})
	b.Run("scan+material", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for i := 0; i < b.N; i++ {
			r.scan(body)
			buf, _ = keyMaterial(buf[:0], c, "", &r)
		}
	})
	b.Run("gjson/valid+parse", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			_ = jsonguard.Valid(body)
			req := gjson.ParseBytes(body)
			_ = len(req.Get("messages").Array())
		}
	})
	b.Run("gjson/material", func(b *testing.B) {
		req := gjson.ParseBytes(body)
		for i := 0; i < b.N; i++ {
			buf, _ = refKeyMaterial(buf[:0], c, "", req)
		}
	})
	b.Run("siphash", func(b *testing.B) {
		b.SetBytes(int64(len(buf)))
		for i := 0; i < b.N; i++ {
			h.Sum(buf)
		}
	})
}
