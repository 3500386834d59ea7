package config

// suggest returns the key the plugin asked for, found absent, that unknown is most likely a
// typo of, or "". Only absent keys qualify: a key that is present was read, so an unknown
// key next to it is something else.
func (r *Reader) suggest(unknown string) string { return Closest(unknown, r.asked) }

// Closest returns the candidate at most two edits from name, the nearest first, or "": for
// "did you mean" hints on values (a provider's name) as the Reader gives them on keys.
func Closest(name string, candidates []string) string {
	best, bestDist := "", 3 // at most two edits away
	for _, k := range candidates {
		if d := editDistance(name, k, bestDist); d < bestDist {
			best, bestDist = k, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b in bytes, or limit when it is
// limit or more (long keys are not worth the quadratic work).
func editDistance(a, b string, limit int) int {
	const maxLen = 64
	if len(a) > maxLen || len(b) > maxLen || abs(len(a)-len(b)) >= limit {
		return limit
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return min(prev[len(b)], limit)
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
