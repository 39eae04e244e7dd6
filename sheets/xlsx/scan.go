package xlsx

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// This file is the XML tokenizer the reader streams a worksheet and the
// shared strings with. encoding/xml allocates every token, every name and
// every attribute (about three quarters of the time of reading a tab went
// there); a worksheet needs none of that. The scanner hands out names,
// attributes and text as slices of its buffer, valid until the next token,
// and decodes entities only when a caller keeps the text.
//
// It reads what spreadsheets write: elements, attributes in either quote,
// text with the predefined and numeric character references, CDATA
// sections, comments and processing instructions (skipped). Names are
// compared by their local part, as the reader did with encoding/xml. It
// checks less than a validating parser: markup it cannot read is an error,
// but mismatched end tags are not.

// xmlTok is the kind of a token.
type xmlTok uint8

const (
	tokStart xmlTok = iota + 1 // a start tag; empty tells <x/>
	tokEnd                     // an end tag
	tokText                    // text, still escaped
	tokCDATA                   // a CDATA section's text, not escaped
)

// xmlScanner reads the tokens of an XML document from r.
type xmlScanner struct {
	r        io.Reader
	buf      []byte
	pos, end int
	eof      bool
	// offset is the document's offset of buf[0], for errors.
	offset int64

	// The token read last: its name (the local part) and, for a start
	// tag, its attributes (the raw bytes after the name) and whether it
	// is empty (<x/>); for text, the bytes.
	name  []byte
	attrs []byte
	empty bool
	text  []byte
}

func newXMLScanner(r io.Reader) *xmlScanner {
	return &xmlScanner{r: r, buf: make([]byte, 64<<10)}
}

// more reads more of the document into the buffer, keeping buf[pos:end]
// (moved to the front, or into a bigger buffer when it fills the one it
// is in). It reports false at the end of the document; an error reading
// is returned.
func (s *xmlScanner) more() (bool, error) {
	if s.eof {
		return false, nil
	}
	if s.pos > 0 {
		n := copy(s.buf, s.buf[s.pos:s.end])
		s.offset += int64(s.pos)
		s.pos, s.end = 0, n
	}
	if s.end == len(s.buf) {
		s.buf = append(s.buf, make([]byte, len(s.buf))...)
	}
	for {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if err == io.EOF {
			s.eof = true
			return n > 0, nil
		}
		if err != nil {
			return false, err
		}
		if n > 0 {
			return true, nil
		}
	}
}

// syntax is an error in the document at offset i of the buffer.
func (s *xmlScanner) syntax(i int, what string) error {
	return fmt.Errorf("XML syntax error at byte %d: %s", s.offset+int64(i), what)
}

// next reads the next token. At the end of the document it returns
// io.EOF.
func (s *xmlScanner) next() (xmlTok, error) {
	for {
		if s.pos == s.end {
			ok, err := s.more()
			if err != nil {
				return 0, err
			}
			if !ok {
				return 0, io.EOF
			}
		}
		if s.buf[s.pos] != '<' {
			// Text runs to the next tag; all of it is handed out at once.
			from := s.pos
			for {
				if i := bytes.IndexByte(s.buf[from:s.end], '<'); i >= 0 {
					s.text = s.buf[s.pos : from+i]
					s.pos = from + i
					return tokText, nil
				}
				from = s.end - s.pos
				ok, err := s.more()
				if err != nil {
					return 0, err
				}
				from += s.pos
				if !ok {
					s.text = s.buf[s.pos:s.end]
					s.pos = s.end
					return tokText, nil
				}
			}
		}
		tok, err := s.markup()
		if err != nil || tok != 0 {
			return tok, err
		}
	}
}

// markup reads the markup at s.pos, a '<': a tag, or a CDATA section, or
// something skipped (a comment, a processing instruction, a declaration),
// for which it returns 0.
func (s *xmlScanner) markup() (xmlTok, error) {
	if err := s.want(2); err != nil {
		return 0, err
	}
	switch s.buf[s.pos+1] {
	case '?':
		return 0, s.skipPast("?>")
	case '!':
		if err := s.want(9); err == nil && bytes.HasPrefix(s.buf[s.pos:s.end], []byte("<![CDATA[")) {
			start := s.offset + int64(s.pos) // the buffer may move
			if err := s.skipPast("]]>"); err != nil {
				return 0, err
			}
			s.text = s.buf[int(start-s.offset)+9 : s.pos-3]
			return tokCDATA, nil
		}
		if err := s.want(4); err == nil && bytes.HasPrefix(s.buf[s.pos:s.end], []byte("<!--")) {
			return 0, s.skipPast("-->")
		}
		// A declaration (<!DOCTYPE …>): to its '>', past quotes and
		// nested <…>.
		i, err := s.tagEnd(true)
		if err != nil {
			return 0, err
		}
		s.pos = i + 1
		return 0, nil
	}
	// A tag: up to the '>' outside quotes.
	i, err := s.tagEnd(false)
	if err != nil {
		return 0, err
	}
	from := s.pos + 1
	tag := s.buf[from:i]
	s.pos = i + 1
	tok := tokStart
	if len(tag) > 0 && tag[0] == '/' {
		tok, tag = tokEnd, tag[1:]
	}
	s.empty = false
	if tok == tokStart && len(tag) > 0 && tag[len(tag)-1] == '/' {
		s.empty, tag = true, tag[:len(tag)-1]
	}
	n := 0
	for n < len(tag) && !isXMLSpace(tag[n]) {
		n++
	}
	if n == 0 {
		return 0, s.syntax(from, "a tag with no name")
	}
	s.name, s.attrs = localName(tag[:n]), tag[n:]
	return tok, nil
}

// tagEnd returns the index in the buffer of the '>' that ends the markup
// at s.pos, outside quotes (and, in a declaration, outside nested <…>).
// The buffer may move, s.pos with it.
func (s *xmlScanner) tagEnd(nested bool) (int, error) {
	i, quote, depth := s.pos+1, byte(0), 0
	if nested {
		i += 2 // past the "!", and encoding/xml takes the character after it as it is
	}
	for {
		if i >= s.end {
			off := i - s.pos
			ok, err := s.more()
			if err != nil {
				return 0, err
			}
			if !ok {
				return 0, io.ErrUnexpectedEOF
			}
			i = s.pos + off
		}
		if quote != 0 {
			// Jump to the closing quote.
			j := bytes.IndexByte(s.buf[i:s.end], quote)
			if j < 0 {
				i = s.end
				continue
			}
			i, quote = i+j+1, 0
			continue
		}
		if !nested {
			// Jump to the next quote or '>', whichever comes first.
			seg := s.buf[i:s.end]
			gt := bytes.IndexByte(seg, '>')
			if gt < 0 {
				gt = len(seg)
			}
			q := quoteIndex(seg[:gt])
			if q < 0 {
				if gt < len(seg) {
					return i + gt, nil
				}
				i = s.end
				continue
			}
			quote, i = seg[q], i+q+1
			continue
		}
		switch c := s.buf[i]; {
		case c == '"' || c == '\'':
			quote = c
		case c == '<':
			depth++
		case c == '>':
			if depth == 0 {
				return i, nil
			}
			depth--
		}
		i++
	}
}

// quoteIndex returns the index of the first quote (either) in b, or -1.
func quoteIndex(b []byte) int {
	for i, c := range b {
		if c == '"' || c == '\'' {
			return i
		}
	}
	return -1
}

// want makes sure the buffer holds n bytes from s.pos.
func (s *xmlScanner) want(n int) error {
	for s.end-s.pos < n {
		ok, err := s.more()
		if err != nil {
			return err
		}
		if !ok {
			return io.ErrUnexpectedEOF
		}
	}
	return nil
}

// skipPast moves s.pos past the next occurrence of end.
func (s *xmlScanner) skipPast(end string) error {
	from := s.pos + 1
	for {
		if i := bytes.Index(s.buf[from:s.end], []byte(end)); i >= 0 {
			s.pos = from + i + len(end)
			return nil
		}
		off := max(from, s.end-len(end)) - s.pos
		ok, err := s.more()
		if err != nil {
			return err
		}
		if !ok {
			return io.ErrUnexpectedEOF
		}
		from = s.pos + off
	}
}

// simple reads, at s.pos, open, text with no markup in it, then close,
// and returns the text, still escaped; ok is false, and nothing read, when
// what follows is anything else. It is the common shape of a cell
// (<v>12</v></c>), read without a token for each tag.
func (s *xmlScanner) simple(open, close string) (text []byte, ok bool) {
	if s.end-s.pos < 512 && !s.eof {
		if _, err := s.more(); err != nil {
			return nil, false
		}
	}
	b := s.buf[s.pos:s.end]
	if len(b) < len(open) || string(b[:len(open)]) != open {
		return nil, false
	}
	i := bytes.IndexByte(b[len(open):], '<')
	if i < 0 {
		return nil, false
	}
	rest := b[len(open)+i:]
	if len(rest) < len(close) || string(rest[:len(close)]) != close {
		return nil, false
	}
	s.pos += len(open) + i + len(close)
	return b[len(open) : len(open)+i], true
}

// skip reads up to the end of the element whose start tag was read last.
func (s *xmlScanner) skip() error {
	if s.empty {
		return nil
	}
	depth := 1
	for depth > 0 {
		tok, err := s.next()
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return err
		}
		switch {
		case tok == tokStart && !s.empty:
			depth++
		case tok == tokEnd:
			depth--
		}
	}
	return nil
}

// localName is the part of a name after its prefix, as encoding/xml
// splits it.
func localName(name []byte) []byte {
	if i := bytes.IndexByte(name, ':'); i >= 1 && i < len(name)-1 {
		return name[i+1:]
	}
	return name
}

func isXMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// is reports whether the name read last is name.
func (s *xmlScanner) is(name string) bool { return string(s.name) == name }

// nextAttr returns the attribute of the tag attrs that starts at or after
// i: its local name and its still escaped value, and where the next one
// starts. ok is false when there are no more.
func nextAttr(attrs []byte, i int) (name, value []byte, next int, ok bool) {
	for i < len(attrs) && isXMLSpace(attrs[i]) {
		i++
	}
	eq := bytes.IndexByte(attrs[i:], '=')
	if eq < 0 {
		return nil, nil, len(attrs), false
	}
	name = attrs[i : i+eq]
	for len(name) > 0 && isXMLSpace(name[len(name)-1]) {
		name = name[:len(name)-1]
	}
	j := i + eq + 1
	for j < len(attrs) && isXMLSpace(attrs[j]) {
		j++
	}
	if j == len(attrs) || (attrs[j] != '"' && attrs[j] != '\'') {
		return nil, nil, len(attrs), false
	}
	q := attrs[j]
	k := bytes.IndexByte(attrs[j+1:], q)
	if k < 0 {
		return nil, nil, len(attrs), false
	}
	return localName(name), attrs[j+1 : j+1+k], j + 2 + k, true
}

// attr returns the still escaped value of the attribute of the tag read
// last named local, whatever its prefix, or nil.
func (s *xmlScanner) attr(local string) []byte {
	for i := 0; ; {
		name, value, next, ok := nextAttr(s.attrs, i)
		if !ok {
			return nil
		}
		if string(name) == local {
			return value
		}
		i = next
	}
}

// errEntity is an entity the scanner does not know.
var errEntity = errors.New("invalid character entity")

// appendText appends the text b, escaped as in XML, unescaped: character
// references replaced, and line ends (\r\n, \r) made \n, as encoding/xml
// does.
func appendText(dst, b []byte) ([]byte, error) {
	for len(b) > 0 {
		i := 0
		for i < len(b) && b[i] != '&' && b[i] != '\r' {
			i++
		}
		if i == len(b) {
			return append(dst, b...), nil
		}
		dst = append(dst, b[:i]...)
		b = b[i:]
		if b[0] == '\r' {
			dst = append(dst, '\n')
			b = b[1:]
			if len(b) > 0 && b[0] == '\n' {
				b = b[1:]
			}
			continue
		}
		end := bytes.IndexByte(b, ';')
		if end < 0 {
			return dst, errEntity
		}
		ent := b[1:end]
		b = b[end+1:]
		switch string(ent) {
		case "lt":
			dst = append(dst, '<')
		case "gt":
			dst = append(dst, '>')
		case "amp":
			dst = append(dst, '&')
		case "apos":
			dst = append(dst, '\'')
		case "quot":
			dst = append(dst, '"')
		default:
			r, ok := charRef(ent)
			if !ok {
				return dst, fmt.Errorf("%w &%s;", errEntity, ent)
			}
			dst = utf8.AppendRune(dst, r)
		}
	}
	return dst, nil
}

// charRef reads a character reference's inside: #65 or #x41.
func charRef(ent []byte) (rune, bool) {
	if len(ent) < 2 || ent[0] != '#' {
		return 0, false
	}
	base, digits := 10, ent[1:]
	if digits[0] == 'x' {
		base, digits = 16, digits[1:]
	}
	if len(digits) == 0 || len(digits) > 8 {
		return 0, false
	}
	var r rune
	for _, c := range digits {
		var d byte
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case base == 16 && c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		case base == 16 && c >= 'A' && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, false
		}
		r = r*rune(base) + rune(d)
	}
	if !utf8.ValidRune(r) || r == 0 {
		return 0, false
	}
	return r, true
}

// atoiBytes reads a non-negative decimal integer, as an attribute such as
// s="12" holds it.
func atoiBytes(b []byte) (int, bool) {
	if len(b) == 0 || len(b) > 9 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}
