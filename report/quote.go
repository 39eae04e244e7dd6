package report

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// A bad cell may hold anything a spreadsheet cell can: up to 50,000
// characters in Google Sheets, which is also the most a cell mrrbot
// writes may hold. The Data Issues tab quotes the cell twice, in Value
// and in Problem, so it quotes at most maxQuoted characters of it, enough
// to recognise the cell, and says how long the whole was.
const maxQuoted = 200

// shortValue returns a cell's text for the Value column: s itself, or when
// it is longer than maxQuoted characters, its start, an ellipsis and its
// length: `aaaa… (60,000 characters)`.
func shortValue(s string) string {
	n := utf8.RuneCountInString(s)
	if n <= maxQuoted {
		return s
	}
	return quoteStart(s) + "… (" + charCount(n) + " characters)"
}

// shortQuotes returns msg with each quoted value in it (as %q quotes it)
// of more than maxQuoted characters shortened to its start and an
// ellipsis, followed by its length: `"aaaa…" (60,000 characters) is not an
// amount`. The rest of the message, which says what is wrong, is kept.
//
// A message still longer than maxProblem characters (no message mrrbot
// makes is) is cut there.
func shortQuotes(msg string) string {
	if len(msg) <= maxQuoted {
		return msg
	}
	s := quotesShortened(msg)
	if n := utf8.RuneCountInString(s); n > maxProblem {
		return firstChars(s, maxProblem) + "…"
	}
	return s
}

// maxProblem bounds a problem's text.
const maxProblem = 2000

func quotesShortened(msg string) string {
	var b strings.Builder
	for rest := msg; ; {
		i := strings.IndexByte(rest, '"')
		if i < 0 {
			b.WriteString(rest)
			return b.String()
		}
		b.WriteString(rest[:i])
		rest = rest[i:]
		q, err := strconv.QuotedPrefix(rest)
		if err != nil {
			b.WriteByte('"')
			rest = rest[1:]
			continue
		}
		rest = rest[len(q):]
		s, err := strconv.Unquote(q)
		if n := utf8.RuneCountInString(s); err != nil || n <= maxQuoted {
			b.WriteString(q)
		} else {
			b.WriteString(strconv.Quote(quoteStart(s)+"…") + " (" + charCount(n) + " characters)")
		}
	}
}

// quoteStart returns the first maxQuoted characters of s.
func quoteStart(s string) string { return firstChars(s, maxQuoted) }

// firstChars returns the first max characters of s.
func firstChars(s string, max int) string {
	i, n := 0, 0
	for i < len(s) && n < max {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		n++
	}
	return s[:i]
}

// charCount writes n with thousands separators: 60,000.
func charCount(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
