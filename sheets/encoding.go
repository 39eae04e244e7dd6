package sheets

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// A CSV file is read as UTF-8. Spreadsheets write others too: Excel's
// "Unicode Text" is UTF-16, and its "CSV (Comma delimited)" on Windows is
// Windows-1252, in which "€" is the byte 0x80 and not UTF-8 at all. Read
// as UTF-8, "1.234,50 €" would be "1.234,50 \x80": not an amount, and
// names would be garbled. So:
//
//   - a UTF-8 byte order mark is skipped;
//   - UTF-16 is decoded, with a byte order mark or, without one, when the
//     zero bytes between ASCII characters say which byte order it is;
//   - text that is not UTF-8 is decoded as Windows-1252, which is
//     ISO-8859-1 (Latin-1) with printable characters in place of its
//     control codes, as long as everything before it was plain ASCII (the
//     same in both). A file that mixes UTF-8 with other bytes is refused,
//     naming the line: it was put together from two encodings, and which
//     of them a cell is in cannot be told.
//
// Decoding as Windows-1252 cannot misread money silently: the other
// single-byte code pages put letters (Ł, Ą, Ё) where it has currency signs,
// and a letter beside a number is not an amount, so such a row is a
// problem that names the cell.

// EncodingError reports a CSV file whose text cannot be decoded.
type EncodingError struct {
	// Line is the line where the text stops being UTF-8, or 0.
	Line int
	// Reason says what is wrong.
	Reason string
}

// Error says what is wrong and how to export the file.
func (e *EncodingError) Error() string {
	where := "the file"
	if e.Line > 0 {
		where = fmt.Sprintf("line %d", e.Line)
	}
	return fmt.Sprintf("%s %s: save it as UTF-8 (in Excel, Save As \"CSV UTF-8 (Comma delimited)\"; in Google Sheets, File → Download → Comma-separated values) and read it again", where, e.Reason)
}

// utf8Text returns a reader of the text of br as UTF-8.
func utf8Text(br *bufio.Reader) (io.Reader, error) {
	head, _ := br.Peek(br.Size())
	switch {
	case bytes.HasPrefix(head, []byte("\xef\xbb\xbf")):
		_, _ = br.Discard(3)
		return &utf8Checked{r: br}, nil
	case bytes.HasPrefix(head, []byte("\xff\xfe")), bytes.HasPrefix(head, []byte("\xfe\xff")):
		return transform.NewReader(br, unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()), nil
	}
	if order, ok := utf16Order(head); ok {
		return transform.NewReader(br, unicode.UTF16(order, unicode.IgnoreBOM).NewDecoder()), nil
	}
	if bytes.IndexByte(head, 0) >= 0 {
		return nil, &EncodingError{Reason: "holds zero bytes, as no text file does: it is not a CSV file, or in an encoding mrrbot cannot tell"}
	}
	return &utf8Checked{r: br}, nil
}

// utf16Order tells whether head, with no byte order mark, is UTF-16: in
// text that is mostly ASCII, every other byte is zero.
func utf16Order(head []byte) (unicode.Endianness, bool) {
	n := min(len(head), 4096) &^ 1
	if n < 4 {
		return unicode.BigEndian, false
	}
	var even, odd int
	for i := 0; i < n; i += 2 {
		if head[i] == 0 {
			even++
		}
		if head[i+1] == 0 {
			odd++
		}
	}
	half := n / 2
	switch {
	case odd*10 >= half*9 && even == 0:
		return unicode.LittleEndian, true
	case even*10 >= half*9 && odd == 0:
		return unicode.BigEndian, true
	}
	return unicode.BigEndian, false
}

// utf8Checked passes UTF-8 text through, checking it as it goes. At the
// first byte that is not UTF-8, after nothing but ASCII, it decodes the
// rest as Windows-1252; after UTF-8 beyond ASCII, it fails. It is read
// through a bufio.Reader, whose reads are larger than a character.
type utf8Checked struct {
	r        io.Reader
	held     []byte    // the start of a character cut by the last read
	nonASCII bool      // the text so far had characters beyond ASCII
	lines    int       // line breaks passed through so far
	cp1252   io.Reader // the rest of the text, once it is Windows-1252
}

func (u *utf8Checked) Read(p []byte) (int, error) {
	if u.cp1252 != nil {
		return u.cp1252.Read(p)
	}
	k := copy(p, u.held)
	u.held = u.held[:0]
	n, err := u.r.Read(p[k:])
	n += k
	chunk := p[:n]
	if ascii(chunk) {
		u.lines += bytes.Count(chunk, []byte{'\n'})
		return n, err
	}
	// Hold back a character the read cut in two, unless the text ends.
	end := n
	if err == nil {
		for i := n - 1; i >= 0 && i >= n-utf8.UTFMax; i-- {
			if utf8.RuneStart(chunk[i]) {
				if !utf8.FullRune(chunk[i:]) {
					end = i
				}
				break
			}
		}
	}
	good := validPrefix(chunk[:end])
	if good == end {
		u.held = append(u.held, chunk[end:n]...)
		u.nonASCII = true
		u.lines += bytes.Count(chunk[:end], []byte{'\n'})
		return end, err
	}
	line := u.lines + bytes.Count(chunk[:good], []byte{'\n'}) + 1
	if u.nonASCII || !ascii(chunk[:good]) {
		return good, &EncodingError{Line: line, Reason: fmt.Sprintf("is not UTF-8 (byte 0x%02X), though lines before it are UTF-8", chunk[good])}
	}
	rest := bytes.Clone(chunk[good:n])
	var tail io.Reader = bytes.NewReader(rest)
	if err == nil {
		tail = io.MultiReader(tail, u.r)
	}
	u.cp1252 = charmap.Windows1252.NewDecoder().Reader(tail)
	if good == 0 {
		return u.cp1252.Read(p)
	}
	return good, nil
}

// ascii reports whether b is all ASCII, eight bytes at a time.
func ascii(b []byte) bool {
	for len(b) >= 8 {
		if binary.LittleEndian.Uint64(b)&0x8080808080808080 != 0 {
			return false
		}
		b = b[8:]
	}
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// validPrefix returns the length of the longest prefix of b that is UTF-8.
func validPrefix(b []byte) int {
	if utf8.Valid(b) {
		return len(b)
	}
	i := 0
	for i < len(b) {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return i
}
