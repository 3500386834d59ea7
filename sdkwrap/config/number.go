package config

import (
	"math"
	"strconv"
	"strings"
)

// integerOf converts a JSON number literal (already checked against the grammar) to an int
// exactly. Forms that denote a whole number, such as 1.0 or 2e3 (protobuf Struct, through
// which Higress passes configuration, may print numbers so), are accepted; going through
// float64 instead would round numbers above 2^53. The reason is empty on success.
func integerOf(lit string) (int, string) {
	neg := strings.HasPrefix(lit, "-")
	if neg {
		lit = lit[1:]
	}
	mantissa, exp := lit, 0
	if i := strings.IndexAny(mantissa, "eE"); i >= 0 {
		exp = exponentOf(mantissa[i+1:])
		mantissa = mantissa[:i]
	}
	digits := mantissa
	if i := strings.IndexByte(mantissa, '.'); i >= 0 {
		digits = mantissa[:i] + mantissa[i+1:]
		exp -= len(mantissa) - i - 1
	}
	digits = strings.TrimLeft(digits, "0")
	if digits == "" {
		return 0, ""
	}
	if exp < 0 {
		// The last -exp digits are the fraction; they must all be zero.
		if -exp >= len(digits) || strings.Trim(digits[len(digits)+exp:], "0") != "" {
			return 0, "want an integer, got " + clip(signed(neg, lit))
		}
		digits, exp = digits[:len(digits)+exp], 0
	}
	const maxDigits = 19 // len("9223372036854775807")
	if len(digits)+exp > maxDigits {
		return 0, clip(signed(neg, lit)) + " is out of range for an integer"
	}
	digits += strings.Repeat("0", exp)
	u, err := strconv.ParseUint(digits, 10, 64)
	limit := uint64(math.MaxInt)
	if neg {
		limit++ // |math.MinInt|
	}
	if err != nil || u > limit {
		return 0, clip(signed(neg, lit)) + " is out of range for an integer"
	}
	if neg {
		return int(-u), ""
	}
	return int(u), ""
}

// exponentOf parses an exponent's digits, saturating far beyond any meaningful int range
// so that "1e99999999999999999999" cannot overflow.
func exponentOf(s string) int {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimLeft(s, "+-")
	const saturate = 1 << 20
	e := 0
	for i := 0; i < len(s) && e < saturate; i++ {
		e = e*10 + int(s[i]-'0')
	}
	if neg {
		return -e
	}
	return e
}

func signed(neg bool, lit string) string {
	if neg {
		return "-" + lit
	}
	return lit
}

// floatOf converts a JSON number literal to a float64; only overflow is an error, an
// underflow rounds to zero as usual.
func floatOf(lit string) (float64, string) {
	f, err := strconv.ParseFloat(lit, 64)
	if err != nil && (math.IsInf(f, 0) || math.IsNaN(f)) {
		return 0, clip(lit) + " is out of range for a number"
	}
	return f, ""
}

// clip shortens a value quoted in a message, so that a huge input cannot flood the log.
func clip(s string) string {
	const max = 40
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && s[cut]&0xC0 == 0x80 { // do not split a UTF-8 sequence
		cut--
	}
	return s[:cut] + "..."
}
