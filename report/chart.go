package report

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/shopspring/decimal"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"

	"github.com/mrrbot/mrrbot/calc"
)

// The chart's size in pixels: twice Slack's preview width, so it stays sharp
// on a high-density screen.
const (
	chartWidth  = 960
	chartHeight = 480
)

// maxChartMonths is the most months one chart shows: ten years still leave
// each month a bar a few pixels wide.
const maxChartMonths = 120

// Colours of the chart. Gains are greens and a blue, losses an orange and a
// red, the MRR line a dark slate that reads over all of them.
var (
	kindColors = [calc.FXImpact + 1]color.RGBA{
		calc.New:          {0x2e, 0x7d, 0x32, 0xff}, // dark green
		calc.Expansion:    {0x81, 0xc7, 0x84, 0xff}, // light green
		calc.Reactivation: {0x42, 0x8b, 0xca, 0xff}, // blue
		calc.Contraction:  {0xf5, 0xa6, 0x23, 0xff}, // orange
		calc.Churn:        {0xd3, 0x2f, 0x2f, 0xff}, // red
		calc.FXImpact:     {0x9e, 0x9e, 0x9e, 0xff}, // grey: rates, not customers
	}
	lineColor  = color.RGBA{0x26, 0x32, 0x38, 0xff}
	titleColor = color.RGBA{0x21, 0x21, 0x21, 0xff}
	textColor  = color.RGBA{0x55, 0x5b, 0x61, 0xff}
	gridColor  = color.RGBA{0xe6, 0xe8, 0xeb, 0xff}
	zeroColor  = color.RGBA{0x75, 0x75, 0x75, 0xff}
)

// WaterfallPNG draws the MRR movements of the months months through
// through (fewer when res starts later) as a 960×480 PNG. Each month is a
// stacked bar: New, Expansion and Reactivation above the zero line,
// Contraction and Churn below it, on the left axis (with monthly exchange
// rates, the FX impact in grey on the side it falls); the ending MRR is a
// line with dots on the right axis. Axis labels are compact amounts in the
// result's currency ("$1.5k"); a legend sits under the month names. The
// same result gives the same bytes.
func WaterfallPNG(res *calc.Result, through calc.Month, months int) ([]byte, error) {
	c, err := newChart(res, through, months)
	if err != nil {
		return nil, err
	}
	img := c.draw()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("waterfall chart through %s: %w", through, err)
	}
	return buf.Bytes(), nil
}

// chart is the layout of a waterfall chart: what goes where, in pixels.
// It is worked out before anything is drawn, so a test can find a bar.
type chart struct {
	currency string
	title    string
	partial  bool // the last month is measured before its end
	fx       bool // the book has monthly rates: FX impact is drawn too

	plot  image.Rectangle // the area inside the axes
	zeroY int             // the zero line of both axes
	bars  []bar

	left, right axis
	faces       *chartFaces
}

// axis is one side's ticks: step × k for k from -down to up, at ys[k+down].
type axis struct {
	step     decimal.Decimal
	up, down int
	ys       []int
}

// bar is one month's slot.
type bar struct {
	month  calc.Month
	center int        // x of the slot's middle
	segs   []segment  // the coloured parts, zero line outwards
	dot    [2]float64 // where the MRR line passes
}

// segment is one movement's part of a bar.
type segment struct {
	kind calc.Kind
	rect image.Rectangle
}

// Layout constants, in pixels.
const (
	marginTop    = 58   // title, then the axis captions
	marginBottom = 74   // month names, years, legend
	marginSide   = 16   // between the image's edge and the tick labels
	tickGap      = 8    // between a tick label and the plot
	barShare     = 0.62 // of a month's slot, when the slots are narrow
	maxBarWidth  = 64
	minDotSlot   = 12 // the narrowest slot whose MRR point gets a dot
)

// newChart lays out the chart of WaterfallPNG.
func newChart(res *calc.Result, through calc.Month, months int) (*chart, error) {
	if months < 1 || months > maxChartMonths {
		return nil, fmt.Errorf("waterfall chart through %s: %d months; want 1 to %d", through, months, maxChartMonths)
	}
	last, ok := res.Month(through)
	if !ok {
		if len(res.Months) == 0 {
			return nil, fmt.Errorf("waterfall chart through %s: no paying subscriptions by %s", through, res.AsOf)
		}
		return nil, fmt.Errorf("waterfall chart through %s: the figures run from %s through %s",
			through, res.Months[0].Month, res.Months[len(res.Months)-1].Month)
	}
	first := max(through-calc.Month(months-1), res.Months[0].Month)
	wfs := make([]calc.Waterfall, 0, int(through-first)+1)
	for m := first; m <= through; m++ {
		wf, _ := res.Month(m)
		wfs = append(wfs, wf)
	}

	c := &chart{
		currency: res.Currency,
		partial:  res.AsOf < last.Month.LastDay(),
		title:    "MRR movements, " + monthLabel(first),
		fx:       res.MonthlyFX,
	}
	if first != through {
		c.title += " – " + monthLabel(through)
	}

	// Exact extremes pick the ticks; pixels come from floats later.
	var maxUp, maxDown, maxMRR decimal.Decimal
	for _, wf := range wfs {
		fxUp, fxDown := fxParts(wf)
		up := wf.New.Decimal().Add(wf.Expansion.Decimal()).Add(wf.Reactivation.Decimal()).Add(fxUp.Decimal())
		down := wf.Contraction.Decimal().Add(wf.Churn.Decimal()).Add(fxDown.Decimal())
		maxUp, maxDown = decimal.Max(maxUp, up), decimal.Max(maxDown, down)
		maxMRR = decimal.Max(maxMRR, wf.Ending.Decimal())
	}
	if span := maxUp.Add(maxDown); span.IsZero() {
		// Nothing moved: gridlines for the MRR line to be read against.
		c.left.step = niceStep(maxMRR.Div(decimal.NewFromInt(4)))
		c.left.up = 4
	} else {
		c.left.step = niceStep(span.Div(decimal.NewFromInt(6)))
		c.left.up = max(1, ceilDiv(maxUp, c.left.step))
		c.left.down = ceilDiv(maxDown, c.left.step)
	}
	// The right axis shares the gridlines above zero.
	c.right.step = niceStep(maxMRR.Div(decimal.NewFromInt(int64(c.left.up))))
	c.right.up = c.left.up

	faces, err := newChartFaces()
	if err != nil {
		return nil, fmt.Errorf("waterfall chart through %s: %w", through, err)
	}
	c.faces = faces
	leftW, rightW := 0, 0
	for k := -c.left.down; k <= c.left.up; k++ {
		leftW = max(leftW, textWidth(faces.label, c.tickLabel(c.left, k)))
	}
	for k := 0; k <= c.right.up; k++ {
		rightW = max(rightW, textWidth(faces.label, c.tickLabel(c.right, k)))
	}
	c.plot = image.Rect(marginSide+leftW+tickGap, marginTop, chartWidth-marginSide-rightW-tickGap, chartHeight-marginBottom)

	// Tick positions: the plot's height split into equal steps.
	n := c.left.up + c.left.down
	h := float64(c.plot.Dy())
	c.left.ys = make([]int, n+1)
	for i := range c.left.ys {
		c.left.ys[i] = c.plot.Max.Y - int(math.Round(float64(i)*h/float64(n)))
	}
	c.zeroY = c.left.ys[c.left.down]
	c.right.ys = c.left.ys[c.left.down:]

	pxLeft := h / float64(n) / c.left.step.InexactFloat64()
	pxRight := float64(c.zeroY-c.plot.Min.Y) / float64(c.right.up) / c.right.step.InexactFloat64()
	slot := float64(c.plot.Dx()) / float64(len(wfs))
	barW := min(maxBarWidth, max(1, int(math.Round(slot*barShare))))
	for i, wf := range wfs {
		mid := float64(c.plot.Min.X) + (float64(i)+0.5)*slot
		b := bar{month: wf.Month, center: int(mid)}
		x0 := int(math.Round(mid - float64(barW)/2))
		fxUp, fxDown := fxParts(wf)
		b.segs = stack(b.segs, x0, x0+barW, c.zeroY, -pxLeft,
			kindAmount{calc.New, wf.New}, kindAmount{calc.Expansion, wf.Expansion}, kindAmount{calc.Reactivation, wf.Reactivation},
			kindAmount{calc.FXImpact, fxUp})
		b.segs = stack(b.segs, x0, x0+barW, c.zeroY, pxLeft,
			kindAmount{calc.Contraction, wf.Contraction}, kindAmount{calc.Churn, wf.Churn}, kindAmount{calc.FXImpact, fxDown})
		b.dot = [2]float64{mid, float64(c.zeroY) - wf.Ending.Decimal().InexactFloat64()*pxRight}
		c.bars = append(c.bars, b)
	}
	return c, nil
}

// fxParts splits a month's FX impact into a gain and a loss, one of them
// zero, for the bars.
func fxParts(wf calc.Waterfall) (up, down calc.Sum) {
	if wf.FXImpact.Sign() < 0 {
		return calc.Sum{}, wf.FXImpact.Neg()
	}
	return wf.FXImpact, calc.Sum{}
}

type kindAmount struct {
	kind   calc.Kind
	amount calc.Sum
}

// stack appends to segs the segments of amounts piled from the zero line,
// pxPerUnit pixels per unit of currency (negative to go up). Edges are
// rounded from the running total, so the pile has no gaps; an amount too
// small to see still gets a pixel.
func stack(segs []segment, x0, x1, zeroY int, pxPerUnit float64, amounts ...kindAmount) []segment {
	dir := int(math.Copysign(1, pxPerUnit)) // the way the pile grows
	var total float64
	edge := zeroY
	for _, a := range amounts {
		if a.amount.Sign() == 0 {
			continue
		}
		total += a.amount.Decimal().InexactFloat64()
		next := zeroY + int(math.Round(total*pxPerUnit))
		if (next-edge)*dir < 1 {
			next = edge + dir
		}
		r := image.Rect(x0, edge, x1, next) // Rect orders the corners
		segs = append(segs, segment{kind: a.kind, rect: r})
		edge = next
	}
	return segs
}

// ceilDiv returns ⌈x ÷ step⌉ for x ≥ 0.
func ceilDiv(x, step decimal.Decimal) int {
	return int(x.Div(step).Ceil().IntPart())
}

// niceSteps are the mantissas of the steps an axis may take: multiples
// that people count in without effort ($300, $600, $900; $1.2k, $2.4k).
var niceSteps = []decimal.Decimal{
	decimal.RequireFromString("1"), decimal.RequireFromString("1.2"), decimal.RequireFromString("1.5"),
	decimal.RequireFromString("2"), decimal.RequireFromString("2.5"), decimal.RequireFromString("3"),
	decimal.RequireFromString("4"), decimal.RequireFromString("5"), decimal.RequireFromString("6"),
	decimal.RequireFromString("8"),
}

// niceStep returns the smallest nice step (one of niceSteps times a power
// of ten) that is at least x. It returns 1 for x ≤ 0.
func niceStep(x decimal.Decimal) decimal.Decimal {
	if x.Sign() <= 0 {
		return decimal.NewFromInt(1)
	}
	// x = f × 10^e with 1 ≤ f < 10.
	e := x.Exponent() + int32(x.NumDigits()) - 1
	f := x.Shift(-e)
	for _, s := range niceSteps {
		if f.LessThanOrEqual(s) {
			return s.Shift(e)
		}
	}
	return decimal.New(1, e+1)
}

// tickLabel is the label of tick k of axis a.
func (c *chart) tickLabel(a axis, k int) string {
	return compactMoney(a.step.Mul(decimal.NewFromInt(int64(k))), c.currency)
}

// compactMoney writes an axis amount short: "$0", "$250", "$1.5k", "$15k",
// "−$2.5M", "CHF 12k".
func compactMoney(d decimal.Decimal, currency string) string {
	sign := ""
	if d.Sign() < 0 {
		sign = minus
	}
	a := d.Abs()
	suffix := ""
	switch {
	case a.GreaterThanOrEqual(decimal.New(1, 9)):
		a, suffix = a.Shift(-9), "B"
	case a.GreaterThanOrEqual(decimal.New(1, 6)):
		a, suffix = a.Shift(-6), "M"
	case a.GreaterThanOrEqual(decimal.New(1, 3)):
		a, suffix = a.Shift(-3), "k"
	}
	return sign + currencySymbol(currency) + a.Round(2).String() + suffix
}

// monthLabel is "Oct 2026".
func monthLabel(m calc.Month) string {
	return fmt.Sprintf("%s %d", m.Mon().String()[:3], m.Year())
}

// chartFaces are the fonts of one drawing. A face keeps buffers and is
// not safe for concurrent use, so each chart makes its own.
type chartFaces struct {
	title, label, small font.Face
}

// chartFonts parses the Go fonts once.
var chartFonts = sync.OnceValues(func() ([2]*opentype.Font, error) {
	regular, err := opentype.Parse(goregular.TTF)
	if err != nil {
		return [2]*opentype.Font{}, err
	}
	bold, err := opentype.Parse(gobold.TTF)
	return [2]*opentype.Font{regular, bold}, err
})

func newChartFaces() (*chartFaces, error) {
	fonts, err := chartFonts()
	if err != nil {
		return nil, fmt.Errorf("chart fonts: %w", err)
	}
	face := func(f *opentype.Font, size float64) (font.Face, error) {
		return opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
	}
	title, err1 := face(fonts[1], 18)
	label, err2 := face(fonts[0], 13)
	small, err3 := face(fonts[0], 11)
	if err := errors.Join(err1, err2, err3); err != nil {
		return nil, fmt.Errorf("chart fonts: %w", err)
	}
	return &chartFaces{title: title, label: label, small: small}, nil
}

func textWidth(f font.Face, s string) int { return font.MeasureString(f, s).Ceil() }

// draw renders the chart.
func (c *chart) draw() *image.RGBA {
	faces := c.faces
	img := image.NewRGBA(image.Rect(0, 0, chartWidth, chartHeight))
	fill(img, img.Bounds(), color.White)

	// Title, and what each axis measures.
	text(img, faces.title, titleColor, marginSide, 28, alignLeft, c.title)
	text(img, faces.small, textColor, c.plot.Min.X, c.plot.Min.Y-12, alignCenter, "Movements")
	text(img, faces.small, lineColor, c.plot.Max.X, c.plot.Min.Y-12, alignCenter, "MRR")

	// Gridlines and tick labels; the right axis labels the lines above zero.
	for i, y := range c.left.ys {
		fill(img, image.Rect(c.plot.Min.X, y, c.plot.Max.X, y+1), gridColor)
		text(img, faces.label, textColor, c.plot.Min.X-tickGap, y+5, alignRight, c.tickLabel(c.left, i-c.left.down))
	}
	for k, y := range c.right.ys {
		text(img, faces.label, lineColor, c.plot.Max.X+tickGap, y+5, alignLeft, c.tickLabel(c.right, k))
	}

	for _, b := range c.bars {
		for _, s := range b.segs {
			fill(img, s.rect, kindColors[s.kind])
		}
	}
	fill(img, image.Rect(c.plot.Min.X, c.zeroY, c.plot.Max.X, c.zeroY+1), zeroColor)

	c.drawLine(img)
	c.drawMonths(img)
	c.drawLegend(img)
	return img
}

// drawLine draws the ending MRR: a line through the months, a dot on each
// with a white ring so that it stands out from the bars (no dots when the
// months are too narrow for them).
func (c *chart) drawLine(img *image.RGBA) {
	if len(c.bars) > 1 {
		var r vector.Rasterizer
		r.Reset(chartWidth, chartHeight)
		for i := 1; i < len(c.bars); i++ {
			segmentPath(&r, c.bars[i-1].dot, c.bars[i].dot, 1.25)
		}
		r.Draw(img, img.Bounds(), image.NewUniform(lineColor), image.Point{})
	}
	slot := float64(c.plot.Dx()) / float64(len(c.bars))
	if slot < minDotSlot {
		return // dots would run into each other
	}
	radius := min(4.0, slot/4)
	for _, b := range c.bars {
		disc(img, b.dot, radius+1.5, color.White)
		disc(img, b.dot, radius, lineColor)
	}
}

// segmentPath adds to r a quadrilateral of half-width w around the
// segment from p to q.
func segmentPath(r *vector.Rasterizer, p, q [2]float64, w float64) {
	dx, dy := q[0]-p[0], q[1]-p[1]
	l := math.Hypot(dx, dy)
	if l == 0 {
		return
	}
	nx, ny := -dy/l*w, dx/l*w
	r.MoveTo(float32(p[0]+nx), float32(p[1]+ny))
	r.LineTo(float32(q[0]+nx), float32(q[1]+ny))
	r.LineTo(float32(q[0]-nx), float32(q[1]-ny))
	r.LineTo(float32(p[0]-nx), float32(p[1]-ny))
	r.ClosePath()
}

// disc fills an anti-aliased disc of radius rad around p.
func disc(img *image.RGBA, p [2]float64, rad float64, col color.Color) {
	box := image.Rect(int(p[0]-rad)-1, int(p[1]-rad)-1, int(p[0]+rad)+2, int(p[1]+rad)+2)
	var r vector.Rasterizer
	r.Reset(box.Dx(), box.Dy())
	cx, cy := p[0]-float64(box.Min.X), p[1]-float64(box.Min.Y)
	// Four cubic Béziers, the usual approximation of a circle.
	const k = 0.5522847498
	pt := func(x, y float64) (float32, float32) { return float32(cx + x*rad), float32(cy + y*rad) }
	r.MoveTo(pt(1, 0))
	for _, q := range [4][6]float64{
		{1, k, k, 1, 0, 1},
		{-k, 1, -1, k, -1, 0},
		{-1, -k, -k, -1, 0, -1},
		{k, -1, 1, -k, 1, 0},
	} {
		x1, y1 := pt(q[0], q[1])
		x2, y2 := pt(q[2], q[3])
		x3, y3 := pt(q[4], q[5])
		r.CubeTo(x1, y1, x2, y2, x3, y3)
	}
	r.ClosePath()
	r.Draw(img, box, image.NewUniform(col), image.Point{})
}

// drawMonths writes the month names under the bars, with the year under
// the first name and under January, and "so far" under a month that has
// not ended. When the bars are too narrow for every name, it names every
// second, third, … month, always the same months of the year.
func (c *chart) drawMonths(img *image.RGBA) {
	slot := float64(c.plot.Dx()) / float64(len(c.bars))
	need := float64(textWidth(c.faces.label, "May") + 12)
	every := 12
	for _, d := range []int{1, 2, 3, 4, 6, 12} { // divisors of 12
		if float64(d)*slot >= need {
			every = d
			break
		}
	}
	y := c.plot.Max.Y + 18
	named := false
	for i, b := range c.bars {
		if (int(b.month.Mon())-1)%every != 0 {
			continue
		}
		text(img, c.faces.label, textColor, b.center, y, alignCenter, b.month.Mon().String()[:3])
		var note []string
		if !named || b.month.Mon() == time.January {
			note = append(note, strconv.Itoa(b.month.Year()))
		}
		if c.partial && i == len(c.bars)-1 {
			note = append(note, "so far")
		}
		if len(note) > 0 {
			text(img, c.faces.small, textColor, b.center, y+14, alignCenter, strings.Join(note, ", "))
		}
		named = true
	}
}

// drawLegend draws a swatch and a name for each movement and the MRR line,
// centred under the month names.
func (c *chart) drawLegend(img *image.RGBA) {
	faces := c.faces
	const swatch, gap, spacing = 12, 6, 20
	type entry struct {
		name string
		kind calc.Kind
		line bool
	}
	entries := []entry{
		{calc.New.String(), calc.New, false},
		{calc.Expansion.String(), calc.Expansion, false},
		{calc.Reactivation.String(), calc.Reactivation, false},
		{calc.Contraction.String(), calc.Contraction, false},
		{calc.Churn.String(), calc.Churn, false},
	}
	if c.fx {
		entries = append(entries, entry{calc.FXImpact.String(), calc.FXImpact, false})
	}
	entries = append(entries, entry{"Ending MRR (right axis)", 0, true})
	total := -spacing
	for _, e := range entries {
		total += swatch + gap + textWidth(faces.label, e.name) + spacing
	}
	x := (chartWidth - total) / 2
	y := chartHeight - 18 // the swatches' middle
	for _, e := range entries {
		if e.line {
			fill(img, image.Rect(x-2, y-1, x+swatch+2, y+2), lineColor)
			disc(img, [2]float64{float64(x) + swatch/2.0, float64(y) + 0.5}, 3.5, lineColor)
		} else {
			fill(img, image.Rect(x, y-swatch/2, x+swatch, y+swatch/2), kindColors[e.kind])
		}
		x += swatch + gap
		text(img, faces.label, textColor, x, y+5, alignLeft, e.name)
		x += textWidth(faces.label, e.name) + spacing
	}
}

func fill(img *image.RGBA, r image.Rectangle, col color.Color) {
	draw.Draw(img, r, image.NewUniform(col), image.Point{}, draw.Src)
}

type alignment int

const (
	alignLeft alignment = iota
	alignCenter
	alignRight
)

// text writes s with its baseline at y, starting, centred or ending at x.
func text(img *image.RGBA, f font.Face, col color.Color, x, y int, align alignment, s string) {
	w := font.MeasureString(f, s)
	dot := fixed.P(x, y)
	switch align {
	case alignCenter:
		dot.X -= w / 2
	case alignRight:
		dot.X -= w
	}
	d := font.Drawer{Dst: img, Src: image.NewUniform(col), Face: f, Dot: dot}
	d.DrawString(s)
}
