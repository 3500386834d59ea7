package config

import "strconv"

// JoinKey returns the path of member key inside the object at path: "a.b" for a plain key,
// `a["x.y"]` for a key that holds anything but letters, digits, '_' and '-', so that a path
// reads back unambiguously whatever the key.
func JoinKey(path, key string) string {
	if !isPlainKey(key) {
		return path + "[" + strconv.Quote(key) + "]"
	}
	if path == "" {
		return key
	}
	return path + "." + key
}

// JoinIndex returns the path of element i of the array at path: "a.b[2]".
func JoinIndex(path string, i int) string {
	return path + "[" + strconv.Itoa(i) + "]"
}

func isPlainKey(key string) bool {
	if key == "" {
		return false
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '_', c == '-':
		default:
			return false
		}
	}
	return true
}
