package counter

import "strconv"

// storageKey names the counter of a descriptor in a window size, for shared data and Redis:
//
//	prefix + <size in ms> + "/" + key1=value1;key2=value2
//
// The size is part of the name so that two limits on the same descriptor with different
// windows (10 per second and 1000 per hour) keep separate counters; the limit is not, so a
// changed limit keeps counting. '\', '=' and ';' inside keys and values are escaped with a
// backslash: distinct descriptors never share a counter, whatever their values contain.
func storageKey(prefix string, sizeMs int64, d []Entry) string {
	return string(appendStorageKey(nil, prefix, sizeMs, d))
}

// appendStorageKey is storageKey appended to dst, so that a caller can reuse one buffer.
func appendStorageKey(dst []byte, prefix string, sizeMs int64, d []Entry) []byte {
	dst = append(dst, prefix...)
	dst = strconv.AppendInt(dst, sizeMs, 10)
	dst = append(dst, '/')
	return appendDescriptor(dst, d)
}

// appendDescriptor appends the descriptor part of a storage key.
func appendDescriptor(dst []byte, d []Entry) []byte {
	for i, e := range d {
		if i > 0 {
			dst = append(dst, ';')
		}
		dst = appendEscaped(dst, e.Key)
		dst = append(dst, '=')
		dst = appendEscaped(dst, e.Value)
	}
	return dst
}

// appendEscaped copies s, a backslash before every '\', '=' and ';'. One plain loop: in a Go
// wasm guest, strings.ContainsAny costs more than the copy itself.
func appendEscaped(dst []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '\\' || c == '=' || c == ';' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\')
			start = i
		}
	}
	return append(dst, s[start:]...)
}
