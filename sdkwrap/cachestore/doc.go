// Package cachestore keeps cached answers: a byte-budgeted store on proxy-wasm shared data
// (Local) for any Envoy, and Redis through Higress's host functions (Redis, the higress
// build; see redis.go). Plugins address entries by Key, a 128-bit hash of whatever identifies an
// answer, plus the scope (a consumer's name, or "" for everyone) stored verbatim beside it:
// an entry is served only when both match, so a hash can never cross scopes.
//
// # The local store
//
// Shared data is one map per vm_id shared by the worker threads of one Envoy. It has no
// delete and no TTL, and a key once written lives until Envoy restarts. So the store never
// creates keys from request data: it owns a fixed set of keys, named from its prefix,
//
//	<prefix>m      the meta record: head and tail sequence numbers, bytes held, and for
//	               each of the maxEntries ring positions the size and expiry of its entry
//	<prefix>e<n>   ring position n (0 <= n < maxEntries): one entry, or a one-byte tombstone
//	<prefix>i<n>   index slot n (0 <= n < 2*maxEntries): which sequence number holds the key
//	               that hashes there
//	<prefix>s      the hash secret (16 random bytes, made by the first worker that needs it)
//
// Entries are written in sequence order into the ring, as a FIFO: a Put reserves the next
// sequence number in the meta record with compare-and-swap, and in the same write evicts
// from the tail every entry that has expired, every entry the ring needs the position of,
// and, oldest first, as many entries as the byte budget needs. Evicted positions are then
// overwritten with a tombstone, which is how memory is given back without a delete. Since
// every rule of one configuration uses one TTL, FIFO order is also expiry order.
//
// A Get reads the key's index slot and then the entry it names, and serves it only when
// the entry's sequence number, full hash and scope match and it has not expired (by the
// host's clock). Two keys sharing an index slot overwrite each other's pointer: the older
// becomes unreachable (a miss) and its bytes go with the FIFO.
//
// Memory is bounded by maxBytes of entries plus the fixed keys: the meta record (8 bytes a
// position), 2*maxEntries index slots of 24 bytes and maxEntries ring keys, each with
// Envoy's map overhead (about 100 bytes a key). A Put racing another can leave one entry
// that its meta record no longer counts (the other worker evicted the position between
// the reservation and the write); it is overwritten when the ring comes round again, so
// the budget is exceeded by at most one entry per worker, for at most one turn of the ring.
//
// Entries larger than a quarter of maxBytes are refused (ErrTooLarge): one answer must not
// flush the cache.
package cachestore
