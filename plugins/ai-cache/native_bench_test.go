//go:build !wasip1

package main

import (
	"strings"
	"testing"

	"github.com/aiwasm/aiwasm/sdkwrap/cachestore"
	"github.com/tidwall/gjson"
)

func BenchmarkNativeKey4KB(b *testing.B) {
	body := []byte(chatBody(strings.Repeat("lorem ipsum dolor sit amet ", 4096/27)))
	c := &Config{}
	h := cachestore.SipHasher{K0: 1, K1: 2}
	var buf []byte
	b.Run("valid+parse", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			_ = gjson.ValidBytes(body)
			req := gjson.ParseBytes(body)
			_ = len(req.Get("messages").Array())
		}
	})
	b.Run("material", func(b *testing.B) {
		req := gjson.ParseBytes(body)
		for i := 0; i < b.N; i++ {
			buf, _ = keyMaterial(buf[:0], c, "", req)
		}
	})
	b.Run("siphash", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			h.Sum(body)
		}
	})
}
