package report

import (
	"bytes"
	"image/color"
	"image/png"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"

	"github.com/mrrbot/mrrbot/calc"
)

// TestDigestPNGLayout checks that the picture of the digest shows its
// Block Kit message as Slack does: the header first, the markup drawn
// rather than shown (bold, links, the emoji), the fields two to a row,
// and nothing in a colour that Slack does not give a message's text.
func TestDigestPNGLayout(t *testing.T) {
	fx := loadFixture(t)
	d, err := NewDigest(fx.res, calc.MonthOf(2026, time.January), 9, fixtureLink)
	if err != nil {
		t.Fatal(err)
	}
	faces, err := newDigestFaces()
	if err != nil {
		t.Fatal(err)
	}
	lay := layoutBlocks(d.Blocks(), faces, 580*digestScale)

	type line struct {
		y    int
		text string
	}
	var lines []line
	bold := map[string]bool{}
	for _, l := range lay.lines {
		var b strings.Builder
		for _, sp := range l.spans {
			if sp.emoji {
				b.WriteString("⚠")
				continue
			}
			b.WriteString(sp.text)
			if sp.face == faces.bold || sp.face == faces.contextBold || sp.face == faces.header {
				bold[strings.TrimSpace(sp.text)] = true
			}
			switch sp.color {
			case digestText, digestMuted:
			case digestLink:
				if sp.text != "Open the spreadsheet" {
					t.Errorf("%q is drawn as a link", sp.text)
				}
			default:
				t.Errorf("%q is drawn in %v, a colour Slack does not give text", sp.text, sp.color)
			}
		}
		lines = append(lines, line{l.y, b.String()})
	}
	if lines[0].text != "MRR · January 2026" {
		t.Errorf("first line %q, want the header", lines[0].text)
	}
	for _, l := range lines {
		if strings.ContainsAny(l.text, "*<>") || strings.Contains(l.text, ":warning:") || strings.Contains(l.text, "&amp;") {
			t.Errorf("line %q shows markup", l.text)
		}
	}
	for _, want := range []string{"$3,208.13", "New", "Churn", "Top movers", "Committed MRR $2,808.13", "Data Issues"} {
		if !bold[want] {
			t.Errorf("%q is not bold", want)
		}
	}
	// The movement fields, two to a row: New beside Expansion, then
	// Reactivation beside Contraction.
	y := map[string]int{}
	for _, l := range lines {
		if _, seen := y[l.text]; !seen {
			y[l.text] = l.y
		}
	}
	if y["New"] != y["Expansion"] || y["Reactivation"] != y["Contraction"] || y["Reactivation"] <= y["New"] {
		t.Errorf("fields not two to a row: New %d, Expansion %d, Reactivation %d, Contraction %d",
			y["New"], y["Expansion"], y["Reactivation"], y["Contraction"])
	}
	var texts []string
	for _, l := range lines {
		texts = append(texts, l.text)
	}
	all := strings.Join(texts, "\n")
	for _, want := range []string{
		"$3,208.13 MRR · Net New −$128.31 · −3.8% MoM",
		"−$300.00",
		"⚠ 9 rows have problems: see the Data Issues tab.",
		"Open the spreadsheet",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("the picture lacks %q:\n%s", want, all)
		}
	}
}

// TestDigestPNGColours decodes the picture and checks every coloured pixel:
// the avatar and the link are blue, the warning emoji amber; no green and
// no red, which Slack cannot give a figure.
func TestDigestPNGColours(t *testing.T) {
	fx := loadFixture(t)
	d, err := NewDigest(fx.res, calc.MonthOf(2026, time.January), 9, fixtureLink)
	if err != nil {
		t.Fatal(err)
	}
	data, err := d.PNG()
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	again, err := d.PNG()
	if err != nil || !bytes.Equal(data, again) {
		t.Errorf("the same digest drew different bytes (%v)", err)
	}
	counts := map[string]int{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			counts[hueName(img.At(x, y))]++
		}
	}
	if counts["blue"] == 0 || counts["amber"] == 0 {
		t.Errorf("no avatar, link or emoji drawn: %v", counts)
	}
	if counts["other"] > 0 {
		t.Errorf("%d pixels are neither grey, blue nor amber: %v", counts["other"], counts)
	}
}

// hueName sorts a pixel into grey, blue (Slack's link, the app's avatar),
// amber (the warning emoji) or other.
func hueName(c color.Color) string {
	r, g, b, _ := c.RGBA()
	hi, lo := max(r, g, b), min(r, g, b)
	if hi-lo < 0x1800 { // grey, or nearly
		return "grey"
	}
	rf, gf, bf := float64(r), float64(g), float64(b)
	var h float64
	switch hi {
	case r:
		h = math.Mod((gf-bf)/float64(hi-lo), 6)
	case g:
		h = (bf-rf)/float64(hi-lo) + 2
	default:
		h = (rf-gf)/float64(hi-lo) + 4
	}
	h *= 60
	if h < 0 {
		h += 360
	}
	switch {
	case h >= 190 && h <= 230:
		return "blue"
	case h >= 25 && h <= 50:
		return "amber"
	}
	return "other"
}

// TestMrkdwnRuns checks the reading of the mrkdwn the digest writes.
func TestMrkdwnRuns(t *testing.T) {
	tests := []struct {
		in   string
		want []run
	}{
		{"*New*\n+$60.00", []run{{text: "New", bold: true}, {text: "+$60.00", lineBreak: true}}},
		{"*$7.00* MRR · 3 * 4", []run{{text: "$7.00", bold: true}, {text: " MRR · 3 * 4"}}},
		{":warning: 2 rows: see the *Data Issues* tab.", []run{{emoji: true}, {text: " 2 rows: see the "}, {text: "Data Issues", bold: true}, {text: " tab."}}},
		{"<https://x/y?a=1&amp;b=2|Open the spreadsheet>", []run{{text: "Open the spreadsheet", link: true}}},
		{"Smith &amp; &lt;Sons&gt; ＊x＊", []run{{text: "Smith & <Sons> ＊x＊"}}},
		{"a\n\nb", []run{{text: "a"}, {lineBreak: true}, {text: "b", lineBreak: true}}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, mrkdwnRuns(tt.in), cmp.AllowUnexported(run{})); diff != "" {
			t.Errorf("mrkdwnRuns(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
	if got := textRuns(slack.NewTextBlockObject(slack.PlainTextType, "*not bold*", false, false)); len(got) != 1 || got[0].bold || got[0].text != "*not bold*" {
		t.Errorf("plain text read as mrkdwn: %+v", got)
	}
}
