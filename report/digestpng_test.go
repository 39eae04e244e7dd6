package report

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/vector"
)

// The digest card is drawn at twice its size on screen, like the chart, so
// that it stays sharp on a high-density screen. Lengths below are in
// on-screen pixels; digestScale turns them into image pixels.
const (
	digestScale = 2
	digestWidth = 680 * digestScale // the whole image: the digest's lines fit unwrapped

	cardMargin     = 12 // grey around the card
	cardPadding    = 16 // white inside the card
	cardRadius     = 8
	avatarSize     = 36
	avatarGap      = 8  // between the avatar and the text
	nameHeight     = 22 // the line with the app's name
	cardLineHeight = 22 // a line of the message
	headSize       = 16 // the headline's font size
	bodySize       = 13 // the rest
	moverIndent    = 16 // the top movers under their heading
)

// Colours of the card: Slack's text greys, its link blue, and the chart's
// greens and red for gains and losses.
var (
	digestBackground = color.RGBA{0xf2, 0xf3, 0xf5, 0xff}
	cardBorder       = color.RGBA{0xdd, 0xdf, 0xe2, 0xff}
	digestText       = color.RGBA{0x1d, 0x1c, 0x1d, 0xff}
	digestMuted      = color.RGBA{0x61, 0x60, 0x61, 0xff}
	digestLink       = color.RGBA{0x12, 0x64, 0xa3, 0xff}
	digestGain       = color.RGBA{0x1b, 0x5e, 0x20, 0xff}
	digestLoss       = color.RGBA{0xc6, 0x28, 0x28, 0xff}
	digestWarn       = color.RGBA{0xf5, 0xa6, 0x23, 0xff}
	avatarColor      = color.RGBA{0x1d, 0x4e, 0x89, 0xff} // the app's colour in deploy/slack-app-manifest.yaml
	badgeColor       = color.RGBA{0xe8, 0xe8, 0xe8, 0xff}
)

// PNG draws the digest as a Slack message card: the app's avatar and name,
// the headline in bold, then the lines of [Digest.Text], with gains in
// green, losses in red, the top movers indented under their heading and
// the issues line marked with a warning sign. The image is 1360 pixels
// wide (680 on a high-density screen) and as tall as the digest; a line too
// long for it wraps between words. The same digest gives the same bytes.
func (d *Digest) PNG() ([]byte, error) {
	faces, err := newDigestFaces()
	if err != nil {
		return nil, fmt.Errorf("digest image for %s: %w", d.Month, err)
	}
	lines := d.cardLines(faces)

	textX := (cardMargin + cardPadding + avatarSize + avatarGap) * digestScale
	textRight := digestWidth - (cardMargin+cardPadding)*digestScale
	var rows []cardRow
	for _, l := range lines {
		rows = append(rows, l.wrap(faces, textRight-textX-l.indent)...)
	}
	cardTop := cardMargin * digestScale
	textTop := cardTop + (cardPadding+nameHeight)*digestScale
	height := textTop
	for _, r := range rows {
		height += r.height
	}
	height += (cardPadding + cardMargin) * digestScale

	img := image.NewRGBA(image.Rect(0, 0, digestWidth, height))
	fill(img, img.Bounds(), digestBackground)
	card := image.Rect(cardMargin*digestScale, cardTop, digestWidth-cardMargin*digestScale, height-cardMargin*digestScale)
	roundRect(img, card, cardRadius*digestScale, cardBorder)
	roundRect(img, card.Inset(digestScale), (cardRadius-1)*digestScale, color.White)

	d.drawHeader(img, faces, cardTop+cardPadding*digestScale)

	y := textTop
	for _, r := range rows {
		baseline := y + r.height*7/10
		if r.warn {
			warningSign(img, textX+r.indent, baseline, r.ascent)
		}
		x := textX + r.indent + r.lead
		for _, s := range r.spans {
			adv := font.MeasureString(s.face, s.text).Round()
			if s.dot {
				mid := float64(baseline) - float64(s.face.Metrics().XHeight.Round())/2
				disc(img, [2]float64{float64(x) + float64(adv)/2, mid}, 1.25*digestScale, s.color)
			} else {
				text(img, s.face, s.color, x, baseline, alignLeft, s.text)
			}
			x += adv
		}
		y += r.height
	}

	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("digest image for %s: %w", d.Month, err)
	}
	return buf.Bytes(), nil
}

// digestFaces are the fonts of one card.
type digestFaces struct {
	head, body, bold, name, badge font.Face
}

func newDigestFaces() (*digestFaces, error) {
	fonts, err := chartFonts()
	if err != nil {
		return nil, fmt.Errorf("digest fonts: %w", err)
	}
	regular, bold := fonts[0], fonts[1]
	face := func(f *opentype.Font, size float64) (font.Face, error) { return newFace(f, size*digestScale) }
	head, err1 := face(bold, headSize)
	body, err2 := face(regular, bodySize)
	boldBody, err3 := face(bold, bodySize)
	name, err4 := face(bold, 14)
	badge, err5 := face(bold, 9)
	if err := errors.Join(err1, err2, err3, err4, err5); err != nil {
		return nil, fmt.Errorf("digest fonts: %w", err)
	}
	return &digestFaces{head: head, body: body, bold: boldBody, name: name, badge: badge}, nil
}

// drawHeader draws what Slack shows above a bot's message: its avatar (a
// rising bar chart on the app's colour), its name and the APP badge.
func (d *Digest) drawHeader(img *image.RGBA, faces *digestFaces, top int) {
	s := digestScale
	left := (cardMargin + cardPadding) * s
	avatar := image.Rect(left, top, left+avatarSize*s, top+avatarSize*s)
	roundRect(img, avatar, 6*s, avatarColor)
	// Three bars, rising, on a common base.
	base := avatar.Max.Y - 9*s
	for i, h := range []int{8, 13, 18} {
		x := avatar.Min.X + (9+i*7)*s
		fill(img, image.Rect(x, base-h*s, x+5*s, base), color.White)
	}

	x := left + (avatarSize+avatarGap)*s
	baseline := top + 15*s
	text(img, faces.name, digestText, x, baseline, alignLeft, "mrrbot")
	x += font.MeasureString(faces.name, "mrrbot").Round() + 6*s
	w := font.MeasureString(faces.badge, "APP").Round()
	badge := image.Rect(x, baseline-11*s, x+w+6*s, baseline+3*s)
	roundRect(img, badge, 2*s, badgeColor)
	text(img, faces.badge, digestMuted, x+3*s, baseline, alignLeft, "APP")
}

// cardLine is one line of [Digest.Text] with its style.
type cardLine struct {
	spans  []textSpan
	indent int  // image pixels
	warn   bool // the issues line, drawn after a warning sign
	height int
}

// textSpan is a run of text in one face and colour.
type textSpan struct {
	text  string
	face  font.Face
	color color.Color
	// dot marks the "·" between facts, drawn as a dot at the middle of
	// the lower-case letters: the font's middle dot sits too high.
	dot bool
}

// cardRow is a line of the card as drawn, after wrapping.
type cardRow struct {
	spans  []textSpan
	indent int
	lead   int // room left for the warning sign
	warn   bool
	height int
	ascent int
}

// cardLines styles the lines of d.Text(). The digest's fields say which
// line is which: the headline, the movements, ARR and customers, the top
// movers (a heading and one line per kind), the segment that moved most,
// the outlook, the issues, the link.
func (d *Digest) cardLines(faces *digestFaces) []cardLine {
	raw := strings.Split(strings.TrimRight(d.Text(), "\n"), "\n")
	s := digestScale
	out := make([]cardLine, 0, len(raw))
	i := 0
	next := func() string { l := raw[i]; i++; return l }

	out = append(out, cardLine{spans: signedSpans(next(), faces.head, digestText), height: 28 * s})
	out = append(out, cardLine{spans: signedSpans(next(), faces.body, digestText), height: cardLineHeight * s})
	out = append(out, cardLine{spans: signedSpans(next(), faces.body, digestText), height: cardLineHeight * s})
	if len(d.Movers) > 0 {
		out = append(out, cardLine{spans: []textSpan{{text: next(), face: faces.bold, color: digestText}}, height: (cardLineHeight + 6) * s})
		for range d.Movers {
			l := strings.TrimSpace(next())
			kind, rest, _ := strings.Cut(l, ": ")
			spans := append([]textSpan{{text: kind + ": ", face: faces.bold, color: digestText}}, signedSpans(rest, faces.body, digestText)...)
			out = append(out, cardLine{spans: spans, indent: moverIndent * s, height: cardLineHeight * s})
		}
	}
	if d.TopSegment != nil {
		out = append(out, cardLine{spans: signedSpans(next(), faces.body, digestText), height: (cardLineHeight + 6) * s})
	}
	for k := range d.outlookLines(noEscape) {
		height := cardLineHeight * s
		if k == 0 {
			height = (cardLineHeight + 6) * s
		}
		out = append(out, cardLine{spans: signedSpans(next(), faces.body, digestText), height: height})
	}
	if d.Issues > 0 {
		out = append(out, cardLine{spans: []textSpan{{text: next(), face: faces.body, color: digestMuted}}, warn: true, height: (cardLineHeight + 6) * s})
	}
	if d.Link != "" {
		out = append(out, cardLine{spans: []textSpan{{text: next(), face: faces.body, color: digestLink}}, height: cardLineHeight * s})
	}
	// Anything Text gained that this does not know yet still shows.
	for i < len(raw) {
		out = append(out, cardLine{spans: signedSpans(strings.TrimSpace(next()), faces.body, digestText), height: cardLineHeight * s})
	}
	return out
}

// signedSpans splits s into spans, colouring signed amounts and counts ("+$60.00",
// "(−$205.00,", "+1") green or red.
func signedSpans(s string, face font.Face, col color.Color) []textSpan {
	var spans []textSpan
	add := func(t string, c color.Color) {
		if t == "" {
			return
		}
		if n := len(spans); n > 0 && spans[n-1].color == c && !spans[n-1].dot {
			spans[n-1].text += t
			return
		}
		spans = append(spans, textSpan{text: t, face: face, color: c})
	}
	for i, w := range strings.Split(s, " ") {
		if i > 0 {
			add(" ", col)
		}
		if w == "·" {
			spans = append(spans, textSpan{text: w, face: face, color: digestMuted, dot: true})
			continue
		}
		lead := strings.TrimLeft(w, "(")
		core := strings.TrimRight(lead, ",)")
		c := col
		if r, _ := utf8.DecodeRuneInString(core); (r == '+' || r == '−') && strings.IndexFunc(core, unicode.IsDigit) > 0 {
			c = digestGain
			if r == '−' {
				c = digestLoss
			}
		}
		if c == col {
			add(w, col)
			continue
		}
		add(w[:len(w)-len(lead)], col)
		add(core, c)
		add(lead[len(core):], col)
	}
	return spans
}

// wrap breaks the line into rows no wider than width, between words.
func (l cardLine) wrap(faces *digestFaces, width int) []cardRow {
	lead := 0
	if l.warn {
		lead = 20 * digestScale
	}
	ascent := faces.body.Metrics().Ascent.Round()
	row := cardRow{indent: l.indent, lead: lead, warn: l.warn, height: l.height, ascent: ascent}
	var rows []cardRow
	used := 0
	for _, sp := range l.spans {
		for _, w := range splitKeep(sp.text) {
			adv := font.MeasureString(sp.face, w).Round()
			if used+adv > width-lead && used > 0 && strings.TrimSpace(w) != "" {
				rows = append(rows, row)
				row = cardRow{indent: l.indent, lead: lead, height: cardLineHeight * digestScale, ascent: ascent}
				used = 0
			}
			if used == 0 && strings.TrimSpace(w) == "" {
				continue // no space at the start of a row
			}
			if n := len(row.spans); n > 0 && !sp.dot && !row.spans[n-1].dot && row.spans[n-1].face == sp.face && row.spans[n-1].color == sp.color {
				row.spans[n-1].text += w
			} else {
				row.spans = append(row.spans, textSpan{text: w, face: sp.face, color: sp.color, dot: sp.dot})
			}
			used += adv
		}
	}
	return append(rows, row)
}

// splitKeep splits s into words and the spaces between them.
func splitKeep(s string) []string {
	var out []string
	for s != "" {
		i := strings.IndexByte(s, ' ')
		switch {
		case i < 0:
			return append(out, s)
		case i == 0:
			out = append(out, " ")
			s = s[1:]
		default:
			out = append(out, s[:i])
			s = s[i:]
		}
	}
	return out
}

// warningSign draws an amber triangle with an exclamation mark, its base on
// the baseline and about size pixels tall.
func warningSign(img *image.RGBA, x, baseline, size int) {
	h := float32(size) * 1.05
	w := h * 1.15
	x0, y0 := float32(x), float32(baseline)+float32(digestScale)
	var r vector.Rasterizer
	b := img.Bounds()
	r.Reset(b.Dx(), b.Dy())
	r.MoveTo(x0+w/2, y0-h)
	r.LineTo(x0+w, y0)
	r.LineTo(x0, y0)
	r.ClosePath()
	r.Draw(img, b, image.NewUniform(digestWarn), image.Point{})
	cx := int(x0 + w/2)
	s := digestScale
	fill(img, image.Rect(cx-s, int(y0-h*0.62), cx+s, int(y0-h*0.3)), color.White)
	fill(img, image.Rect(cx-s, int(y0-h*0.2), cx+s, int(y0-h*0.2)+2*s), color.White)
}

// roundRect fills r with rounded corners of radius rad.
func roundRect(img *image.RGBA, r image.Rectangle, rad int, col color.Color) {
	var z vector.Rasterizer
	z.Reset(r.Dx(), r.Dy())
	w, h, k := float32(r.Dx()), float32(r.Dy()), float32(rad)
	const c = 0.4477152502 // 1 − the circle constant of disc
	z.MoveTo(k, 0)
	z.LineTo(w-k, 0)
	z.CubeTo(w-k*c, 0, w, k*c, w, k)
	z.LineTo(w, h-k)
	z.CubeTo(w, h-k*c, w-k*c, h, w-k, h)
	z.LineTo(k, h)
	z.CubeTo(k*c, h, 0, h-k*c, 0, h-k)
	z.LineTo(0, k)
	z.CubeTo(0, k*c, k*c, 0, k, 0)
	z.ClosePath()
	z.Draw(img, r, image.NewUniform(col), image.Point{})
}

// newFace is f at size pixels, hinted like the chart's faces.
func newFace(f *opentype.Font, size float64) (font.Face, error) {
	return opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
}
