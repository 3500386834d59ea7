package fakellm

import "strings"

// cutAtStop cuts text before the earliest of the stop sequences it contains and returns
// that sequence (the first listed on a tie); empty sequences never match. Text that
// holds none comes back whole with "".
func cutAtStop(text string, stops []string) (cut, matched string) {
	end := len(text)
	for _, s := range stops {
		if s == "" {
			continue
		}
		if i := strings.Index(text, s); i >= 0 && i < end {
			end, matched = i, s
		}
	}
	return text[:end], matched
}
