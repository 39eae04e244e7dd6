// The picture of the digest, as Slack shows its Block Kit message. It is
// drawn only for the README (TestReadmeImages) and its own tests, so it
// lives in test code.

package report

import (
	"bytes"
	"errors"
	"fmt"
	"html"
	"image"
	"image/color"
	"image/png"
	"strings"

	"github.com/slack-go/slack"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/vector"
)

// The digest card is drawn at twice its size on screen, like the chart, so
// that it stays sharp on a high-density screen. Lengths below are in
// on-screen pixels; digestScale turns them into image pixels.
const (
	digestScale = 2
	digestWidth = 680 * digestScale // the whole image

	cardMargin   = 12 // grey around the card
	cardPadding  = 16 // white inside the card
	cardRadius   = 8
	avatarSize   = 36
	avatarGap    = 8  // between the avatar and the text
	nameHeight   = 24 // the line with the app's name
	blockGap     = 10 // between two blocks
	fieldGap     = 16 // between the two columns of a section's fields
	fieldRowGap  = 8  // between two rows of fields
	headerSize   = 18 // a header block's font size
	headerHeight = 28 // its line height
	bodySize     = 15 // a section's
	bodyHeight   = 22
	contextSize  = 12 // a context block's
	contextLine  = 18
)

// Colours of the card: the only ones Slack gives a message's text, its text
// black and grey and its link blue, and the app's own colour for the
// avatar. Slack draws mrkdwn in one colour: a figure's sign, not a colour,
// says whether it is a gain or a loss.
var (
	digestBackground = color.RGBA{0xf2, 0xf3, 0xf5, 0xff}
	cardBorder       = color.RGBA{0xdd, 0xdf, 0xe2, 0xff}
	digestText       = color.RGBA{0x1d, 0x1c, 0x1d, 0xff}
	digestMuted      = color.RGBA{0x61, 0x60, 0x61, 0xff}
	digestLink       = color.RGBA{0x12, 0x64, 0xa3, 0xff}
	digestWarn       = color.RGBA{0xf5, 0xa6, 0x23, 0xff} // Slack's ⚠️ emoji
	avatarColor      = color.RGBA{0x1d, 0x4e, 0x89, 0xff} // the app's colour in deploy/slack-app-manifest.yaml
	badgeColor       = color.RGBA{0xe8, 0xe8, 0xe8, 0xff}
)

// PNG draws the digest's Slack message, [Digest.Blocks], the way Slack
// shows Block Kit: the app's avatar and name; the header block in large
// bold type; each section's text, then its fields in two columns; context
// blocks in small grey type. mrkdwn is drawn as Slack draws it: *bold*,
// <url|links> in blue, the entities unescaped and :warning: as its emoji,
// everything else in the message's one text colour. The image is 1360
// pixels wide (680 on a high-density screen) and as tall as the message;
// a line too long for its column wraps between words. The same digest
// gives the same bytes.
func (d *Digest) PNG() ([]byte, error) {
	faces, err := newDigestFaces()
	if err != nil {
		return nil, fmt.Errorf("digest image for %s: %w", d.Month, err)
	}
	s := digestScale
	textX := (cardMargin + cardPadding + avatarSize + avatarGap) * s
	textRight := digestWidth - (cardMargin+cardPadding)*s
	cardTop := cardMargin * s
	lay := layoutBlocks(d.Blocks(), faces, textRight-textX)

	height := cardTop + (cardPadding+nameHeight)*s + lay.height + (cardPadding+cardMargin)*s
	img := image.NewRGBA(image.Rect(0, 0, digestWidth, height))
	fill(img, img.Bounds(), digestBackground)
	card := image.Rect(cardMargin*s, cardTop, digestWidth-cardMargin*s, height-cardMargin*s)
	roundRect(img, card, cardRadius*s, cardBorder)
	roundRect(img, card.Inset(s), (cardRadius-1)*s, color.White)
	d.drawHeader(img, faces, cardTop+cardPadding*s)

	top := cardTop + (cardPadding+nameHeight)*s
	for _, l := range lay.lines {
		x := textX + l.x
		baseline := top + l.y + l.height*3/4
		for _, sp := range l.spans {
			if sp.emoji {
				warningSign(img, x, baseline, sp.face.Metrics().Ascent.Round())
			} else {
				drawDotted(img, sp, x, baseline)
			}
			x += sp.width
		}
	}

	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("digest image for %s: %w", d.Month, err)
	}
	return buf.Bytes(), nil
}

// drawDotted draws a span's text with each "·" as a dot at the middle of
// the lower-case letters, where Slack's font has it: the Go font's middle
// dot sits too high.
func drawDotted(img *image.RGBA, sp drawnSpan, x, baseline int) {
	parts := strings.Split(sp.text, "·")
	dot := font.MeasureString(sp.face, "·").Round()
	mid := float64(baseline) - float64(sp.face.Metrics().XHeight.Round())/2
	for i, p := range parts {
		if i > 0 {
			disc(img, [2]float64{float64(x) + float64(dot)/2, mid}, 1.25*digestScale, sp.color)
			x += dot
		}
		text(img, sp.face, sp.color, x, baseline, alignLeft, p)
		x += font.MeasureString(sp.face, p).Round()
	}
}

// digestFaces are the fonts of one card.
type digestFaces struct {
	header, body, bold, context, contextBold, name, badge font.Face
}

func newDigestFaces() (*digestFaces, error) {
	fonts, err := chartFonts()
	if err != nil {
		return nil, fmt.Errorf("digest fonts: %w", err)
	}
	regular, bold := fonts[0], fonts[1]
	var errs []error
	face := func(f *opentype.Font, size float64) font.Face {
		fc, err := newFace(f, size*digestScale)
		errs = append(errs, err)
		return fc
	}
	faces := &digestFaces{
		header:      face(bold, headerSize),
		body:        face(regular, bodySize),
		bold:        face(bold, bodySize),
		context:     face(regular, contextSize),
		contextBold: face(bold, contextSize),
		name:        face(bold, 15),
		badge:       face(bold, 9),
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("digest fonts: %w", err)
	}
	return faces, nil
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

// blockLayout is where each line of a message goes, in image pixels from
// the top left corner of the message's text.
type blockLayout struct {
	lines  []drawnLine
	height int
}

// drawnLine is one line of text as drawn.
type drawnLine struct {
	x, y, height int
	spans        []drawnSpan
}

// drawnSpan is a run of text in one face and colour, or an emoji.
type drawnSpan struct {
	text  string
	face  font.Face
	color color.Color
	emoji bool
	width int
}

// style is how a block draws its text: its faces and colour, and its line
// height in image pixels.
type style struct {
	regular, bold font.Face
	color         color.Color
	line          int
}

// layoutBlocks lays out blocks in a column width pixels wide, one below
// the other. Blocks of kinds the digest does not use are left out.
func layoutBlocks(blocks []slack.Block, faces *digestFaces, width int) blockLayout {
	s := digestScale
	body := style{faces.body, faces.bold, digestText, bodyHeight * s}
	var lay blockLayout
	y := 0
	add := func(lines []drawnLine, x int) int {
		bottom := y
		for _, l := range lines {
			l.x += x
			l.y += y
			lay.lines = append(lay.lines, l)
			bottom = max(bottom, l.y+l.height)
		}
		return bottom
	}
	for i, b := range blocks {
		if i > 0 {
			y += blockGap * s
		}
		switch b := b.(type) {
		case *slack.HeaderBlock:
			header := style{faces.header, faces.header, digestText, headerHeight * s}
			y = add(wrapRuns(plainRuns(b.Text.Text), header, width), 0)
		case *slack.SectionBlock:
			if b.Text != nil {
				y = add(wrapRuns(textRuns(b.Text), body, width), 0)
			}
			if len(b.Fields) > 0 {
				if b.Text != nil {
					y += fieldRowGap * s
				}
				col := (width - fieldGap*s) / 2
				for j := 0; j < len(b.Fields); j += 2 {
					if j > 0 {
						y += fieldRowGap * s
					}
					bottom := y
					for k := j; k < min(j+2, len(b.Fields)); k++ {
						lines := wrapRuns(textRuns(b.Fields[k]), body, col)
						x := (k - j) * (col + fieldGap*s)
						for _, l := range lines {
							l.x += x
							l.y += y
							lay.lines = append(lay.lines, l)
							bottom = max(bottom, l.y+l.height)
						}
					}
					y = bottom
				}
			}
		case *slack.ContextBlock:
			context := style{faces.context, faces.contextBold, digestMuted, contextLine * s}
			var runs []run
			for _, el := range b.ContextElements.Elements {
				if t, ok := el.(*slack.TextBlockObject); ok {
					if len(runs) > 0 {
						runs = append(runs, run{text: " "})
					}
					runs = append(runs, textRuns(t)...)
				}
			}
			y = add(wrapRuns(runs, context, width), 0)
		case *slack.DividerBlock:
			y += 2 * s
		}
	}
	lay.height = y
	return lay
}

// run is a piece of a text object with one style.
type run struct {
	text       string
	bold, link bool
	emoji      bool // :warning:
	lineBreak  bool // a new line starts here
}

// plainRuns is plain text: one run per line.
func plainRuns(s string) []run {
	var out []run
	for i, l := range strings.Split(s, "\n") {
		out = append(out, run{text: l, lineBreak: i > 0})
	}
	return out
}

// textRuns reads a text object: plain text as it is, mrkdwn as Slack shows
// it.
func textRuns(t *slack.TextBlockObject) []run {
	if t.Type == slack.PlainTextType {
		return plainRuns(t.Text)
	}
	return mrkdwnRuns(t.Text)
}

// mrkdwnRuns reads the mrkdwn the digest writes: *bold* between a star
// that opens a word and one that ends a word, <url|text> links,
// :warning:, and the entities &amp; &lt; &gt;. A star without its pair is
// a star.
func mrkdwnRuns(s string) []run {
	var out []run
	for i, line := range strings.Split(s, "\n") {
		bold := false
		start := len(out)
		emit := func(r run) {
			r.bold = r.bold || bold
			r.text = html.UnescapeString(r.text)
			if n := len(out); n > start && !r.emoji && !out[n-1].emoji && out[n-1].bold == r.bold && out[n-1].link == r.link {
				out[n-1].text += r.text
				return
			}
			if r.text != "" || r.emoji {
				out = append(out, r)
			}
		}
		for line != "" {
			j := strings.IndexAny(line, "*<:")
			if j < 0 {
				emit(run{text: line})
				break
			}
			emit(run{text: line[:j]})
			rest := line[j:]
			switch rest[0] {
			case '*':
				closing := strings.Index(rest[1:], "*")
				opens := !bold && len(rest) > 1 && rest[1] != ' ' && closing > 0
				closes := bold && j > 0 && line[j-1] != ' '
				if opens || closes {
					bold = !bold
				} else {
					emit(run{text: "*"})
				}
				line = rest[1:]
			case '<':
				end := strings.IndexByte(rest, '>')
				if end < 0 {
					emit(run{text: rest})
					line = ""
					continue
				}
				url, label, ok := strings.Cut(rest[1:end], "|")
				if !ok {
					label = url
				}
				emit(run{text: label, link: true})
				line = rest[end+1:]
			case ':':
				if strings.HasPrefix(rest, ":warning:") {
					emit(run{emoji: true})
					line = rest[len(":warning:"):]
				} else {
					emit(run{text: ":"})
					line = rest[1:]
				}
			}
		}
		if i > 0 {
			if start == len(out) {
				out = append(out, run{})
			}
			out[start].lineBreak = true
		}
	}
	return out
}

// wrapRuns breaks runs into lines no wider than width, between words, and
// at each line break.
func wrapRuns(runs []run, st style, width int) []drawnLine {
	var lines []drawnLine
	cur := drawnLine{height: st.line}
	used := 0
	flush := func() {
		lines = append(lines, cur)
		cur = drawnLine{y: cur.y + st.line, height: st.line}
		used = 0
	}
	for _, r := range runs {
		if r.lineBreak {
			flush()
		}
		face, col := st.regular, st.color
		if r.bold {
			face = st.bold
		}
		if r.link {
			col = digestLink
		}
		if r.emoji {
			w := face.Metrics().Ascent.Round() * 6 / 5
			if used+w > width && used > 0 {
				flush()
			}
			cur.spans = append(cur.spans, drawnSpan{face: face, emoji: true, width: w + 2*digestScale})
			used += w + 2*digestScale
			continue
		}
		for _, w := range splitKeep(r.text) {
			adv := font.MeasureString(face, w).Round()
			blank := strings.TrimSpace(w) == ""
			if used+adv > width && used > 0 && !blank {
				flush()
			}
			if used == 0 && blank && len(lines) > 0 {
				continue // no space at the start of a wrapped line
			}
			if n := len(cur.spans); n > 0 && !cur.spans[n-1].emoji && cur.spans[n-1].face == face && cur.spans[n-1].color == col {
				cur.spans[n-1].text += w
				cur.spans[n-1].width += adv
			} else {
				cur.spans = append(cur.spans, drawnSpan{text: w, face: face, color: col, width: adv})
			}
			used += adv
		}
	}
	return append(lines, cur)
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

// warningSign draws Slack's :warning: emoji, an amber triangle with an
// exclamation mark, its base on the baseline and about size pixels tall.
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
