package main

import (
	"github.com/aiwasm/aiwasm/sdkwrap/config"
	"github.com/aiwasm/aiwasm/sdkwrap/limitkey"
)

// What a configuration counts by and which limit_keys entry a value falls under are
// sdkwrap/limitkey's; an entry's limits are this plugin's query_per_* fields.
type (
	source   = limitkey.Source
	entry    = limitkey.Entry[limits]
	keyTable = limitkey.Table[limits]
)

// limits are the query_per_* windows of one entry and its RateLimit-Policy value, made once.
type limits struct {
	list   []limit
	policy string
}

func readEntryLimits(e *config.Reader) limits {
	l := limits{list: readLimits(e)}
	l.policy = policyHeader(l.list)
	return l
}
