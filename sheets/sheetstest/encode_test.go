package sheetstest

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	sheets "google.golang.org/api/sheets/v4"
)

// testMasks are read masks the hand encoder must apply exactly as
// filterJSON does: none, everything, the adapter's own cell mask, and
// masks that prune cells, values and formats down to nothing.
var testMasks = []string{
	"",
	"*",
	"sheets",
	"sheets(properties(title),merges,data(startRow,startColumn,columnMetadata(hiddenByUser)," +
		"rowData(values(effectiveValue,userEnteredValue(formulaValue),effectiveFormat(numberFormat(type,pattern))))))",
	"sheets.data.rowData.values(effectiveValue,effectiveFormat.numberFormat)",
	"sheets(properties,data.rowData.values.userEnteredValue.numberValue)",
	"sheets.data.rowData.values(note,hyperlink,formattedValue)",
	"sheets.data(startRow,rowMetadata.pixelSize,columnMetadata)",
	"sheets.data.rowData.values(userEnteredFormat.textFormat.bold,dataValidation.condition,textFormatRuns.format)",
	"spreadsheetId,sheets.properties.title",
	"sheets.data.rowData",
}

// TestEncodeGridMatchesEncodingJSON holds the hand encoder of grid data to
// what encoding/json and filterJSON write for the same random cells, under
// every test mask.
func TestEncodeGridMatchesEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 3))
	for round := range 60 {
		gd := randomGrid(rng)
		for _, ms := range testMasks {
			m, err := parseMask(ms)
			if err != nil {
				t.Fatal(err)
			}
			sub := m.sub("sheets").sub("data")
			if m == nil {
				sub = nil
			} else if sub == nil {
				continue // the mask leaves grid data out
			}
			want, err := json.Marshal(gd)
			if err != nil {
				t.Fatal(err)
			}
			if want, err = filterJSON(want, sub); err != nil {
				t.Fatal(err)
			}
			e := &encoder{formats: map[formatKey][]byte{}}
			if err := e.grid(gd, sub); err != nil {
				t.Fatal(err)
			}
			// Unmasked, the bytes are encoding/json's; masked, filterJSON's
			// round trip writes an invalid byte's U+FFFD as the character
			// rather than as \ufffd, so the JSON is compared instead.
			if !partial(sub) && !bytes.Equal(e.buf, want) || canonical(t, e.buf) != canonical(t, want) {
				t.Fatalf("round %d, mask %q:\nhand: %s\njson: %s", round, ms, e.buf, want)
			}
		}
	}
}

// TestEncodeResponseMatchesEncodingJSON compares whole replies that carry
// grid data or values: the same JSON as encoding/json and filterJSON,
// though the hand encoder may put a spliced field in another place.
func TestEncodeResponseMatchesEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 4))
	b := newBook("enc", "Encoding", "")
	for round := range 12 {
		ss := &sheets.Spreadsheet{
			SpreadsheetId:  "enc",
			Properties:     b.props,
			SpreadsheetUrl: "https://docs.google.com/spreadsheets/d/enc/edit",
		}
		for i := range 1 + rng.IntN(3) {
			sh := &sheets.Sheet{Properties: &sheets.SheetProperties{Title: "Tab " + string(rune('A'+i)), SheetId: int64(i),
				GridProperties: &sheets.GridProperties{RowCount: 1000, ColumnCount: 26}}}
			if rng.IntN(4) > 0 {
				for range 1 + rng.IntN(2) {
					sh.Data = append(sh.Data, randomGrid(rng))
				}
			}
			if rng.IntN(3) == 0 {
				sh.Merges = []*sheets.GridRange{{SheetId: int64(i), EndRowIndex: 2, EndColumnIndex: 2}}
			}
			ss.Sheets = append(ss.Sheets, sh)
		}
		vr := &sheets.ValueRange{Range: "Tab!A1:Z9", MajorDimension: "ROWS"}
		for range rng.IntN(5) {
			var row []any
			for range rng.IntN(5) {
				switch rng.IntN(4) {
				case 0:
					row = append(row, randomString(rng))
				case 1:
					row = append(row, randomFloat(rng))
				case 2:
					row = append(row, rng.IntN(2) == 0)
				default:
					row = append(row, "")
				}
			}
			vr.Values = append(vr.Values, row)
		}
		replies := []any{
			ss,
			&sheets.BatchUpdateSpreadsheetResponse{SpreadsheetId: "enc", UpdatedSpreadsheet: ss, Replies: []*sheets.Response{{}}},
			&sheets.BatchUpdateSpreadsheetResponse{SpreadsheetId: "enc"},
			vr,
			&sheets.BatchGetValuesResponse{SpreadsheetId: "enc", ValueRanges: []*sheets.ValueRange{vr, {Range: "B1"}}},
		}
		masks := append(testMasks, "updatedSpreadsheet(sheets.data.rowData.values.effectiveValue)", "values", "range", "valueRanges(range)", "replies")
		for i, v := range replies {
			for _, ms := range masks {
				m, err := parseMask(ms)
				if err != nil {
					t.Fatal(err)
				}
				want, err := json.Marshal(v)
				if err != nil {
					t.Fatal(err)
				}
				if want, err = filterJSON(want, m); err != nil {
					t.Fatal(err)
				}
				got, err := encodeResponse(v, m)
				if err != nil {
					t.Fatal(err)
				}
				if !json.Valid(got) {
					t.Fatalf("round %d, reply %d, mask %q: invalid JSON %s", round, i, ms, got)
				}
				if g, w := canonical(t, got), canonical(t, want); g != w {
					t.Fatalf("round %d, reply %d, mask %q:\nhand: %s\njson: %s", round, i, ms, g, w)
				}
			}
		}
	}
}

// TestEncodeScalarsMatchEncodingJSON checks the number and string writers
// on the values encoding/json treats specially.
func TestEncodeScalarsMatchEncodingJSON(t *testing.T) {
	floats := []float64{0, math.Copysign(0, -1), 1, -1, 0.1, 1e-6, 9.99e-7, 1e-7, 1e20, 1e21, 123456789012345678901234.0,
		-1.5e-300, math.MaxFloat64, math.SmallestNonzeroFloat64, 45658, 0.2, 1200.5, 1.0 / 3}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		floats = append(floats, randomFloat(rng))
	}
	for _, f := range floats {
		want, _ := json.Marshal(f)
		got, err := appendFloat(nil, f)
		if err != nil || string(got) != string(want) {
			t.Errorf("appendFloat(%v) = %s, %v; encoding/json writes %s", f, got, err, want)
		}
	}
	for _, f := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if _, err := appendFloat(nil, f); err == nil {
			t.Errorf("appendFloat(%v) succeeded; encoding/json refuses it", f)
		}
	}
	strs := []string{"", "plain", `"quoted"`, `back\slash`, "<b>&amp;</b>", "tab\there", "\b\f\n\r\x00\x1f\x7f",
		"line\u2028sep\u2029", "bad \xff utf8 \xc3", "Données €", "=1+1", "00123", "emoji 😀"}
	for range 2000 {
		strs = append(strs, randomString(rng))
	}
	for _, s := range strs {
		want, _ := json.Marshal(s)
		if got := appendString(nil, s); string(got) != string(want) {
			t.Errorf("appendString(%q) = %s; encoding/json writes %s", s, got, want)
		}
	}
}

// canonical re-encodes JSON with sorted keys and numbers as written.
func canonical(t *testing.T, data []byte) string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decoding %s: %v", data, err)
	}
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func randomGrid(rng *rand.Rand) *sheets.GridData {
	rd := newRenderer(newBook("enc", "Encoding", ""))
	gd := &sheets.GridData{}
	if rng.IntN(2) == 0 {
		gd.StartRow, gd.StartColumn = rng.Int64N(5), rng.Int64N(5)
	}
	formats := []*sheets.CellFormat{
		nil,
		{NumberFormat: &sheets.NumberFormat{Type: "DATE", Pattern: "yyyy-mm-dd"}},
		{NumberFormat: &sheets.NumberFormat{Type: "PERCENT", Pattern: "0.00%"}},
		{NumberFormat: &sheets.NumberFormat{Type: "CURRENCY", Pattern: `"$"#,##0.00`}},
		{TextFormat: &sheets.TextFormat{Bold: true}, BackgroundColor: &sheets.Color{Red: 0.5, Alpha: 1}},
		{},
	}
	for range rng.IntN(6) {
		row := &sheets.RowData{}
		switch rng.IntN(12) {
		case 0:
			gd.RowData = append(gd.RowData, nil)
			continue
		case 1:
			row.ForceSendFields = []string{"Values"}
		}
		for range rng.IntN(6) {
			var c *sheets.CellData
			if rng.IntN(6) > 0 {
				c = randomCell(rng, formats[rng.IntN(len(formats))])
				c = rd.cell(c)
			}
			row.Values = append(row.Values, c)
		}
		gd.RowData = append(gd.RowData, row)
	}
	for range rng.IntN(4) {
		d := &sheets.DimensionProperties{PixelSize: rng.Int64N(3) * 21, HiddenByUser: rng.IntN(3) == 0, HiddenByFilter: rng.IntN(5) == 0}
		if rng.IntN(6) == 0 {
			d.DeveloperMetadata = []*sheets.DeveloperMetadata{{MetadataKey: "k", MetadataValue: "<v>"}}
		}
		gd.RowMetadata = append(gd.RowMetadata, d)
	}
	for range rng.IntN(4) {
		gd.ColumnMetadata = append(gd.ColumnMetadata, dimension(nil, defaultColumnPixels))
	}
	return gd
}

func randomCell(rng *rand.Rand, f *sheets.CellFormat) *sheets.CellData {
	c := &sheets.CellData{UserEnteredFormat: f}
	switch rng.IntN(7) {
	case 0:
		c.UserEnteredValue = num(randomFloat(rng))
	case 1:
		c.UserEnteredValue = str(randomString(rng))
	case 2:
		b := rng.IntN(2) == 0
		c.UserEnteredValue = &sheets.ExtendedValue{BoolValue: &b}
	case 3:
		formula := "=SUM(A1:A" + randomString(rng) + ")"
		c.UserEnteredValue = &sheets.ExtendedValue{FormulaValue: &formula}
		if rng.IntN(3) > 0 {
			c.EffectiveValue = num(randomFloat(rng))
		}
	case 4:
		c.UserEnteredValue = &sheets.ExtendedValue{ErrorValue: &sheets.ErrorValue{Type: "DIVIDE_BY_ZERO", Message: "Divide by 0"}}
	case 5:
		c.UserEnteredValue = &sheets.ExtendedValue{NumberValue: new(float64), ForceSendFields: []string{"NumberValue"}}
	}
	if rng.IntN(5) == 0 {
		c.Note = randomString(rng)
	}
	if rng.IntN(8) == 0 {
		c.Hyperlink = "https://example.com/?a=1&b=<2>"
	}
	if rng.IntN(10) == 0 {
		c.DataValidation = &sheets.DataValidationRule{Condition: &sheets.BooleanCondition{Type: "ONE_OF_LIST",
			Values: []*sheets.ConditionValue{{UserEnteredValue: "a"}, {UserEnteredValue: "b"}}}, Strict: true}
	}
	if rng.IntN(10) == 0 {
		c.TextFormatRuns = []*sheets.TextFormatRun{{StartIndex: 0, Format: &sheets.TextFormat{Italic: true}}}
	}
	if rng.IntN(15) == 0 {
		c.ForceSendFields = []string{"Note"}
	}
	return c
}

func randomFloat(rng *rand.Rand) float64 {
	switch rng.IntN(6) {
	case 0:
		return float64(rng.IntN(100000))
	case 1:
		return math.Round(rng.Float64()*1e6) / 100
	case 2:
		return math.Float64frombits(rng.Uint64()&^(0x7ff<<52) | uint64(rng.IntN(2046)+1)<<52) // any finite number
	case 3:
		return (rng.Float64() - 0.5) * math.Pow(10, float64(rng.IntN(60)-30))
	case 4:
		return 45000 + float64(rng.IntN(2000))
	}
	return rng.NormFloat64()
}

func randomString(rng *rand.Rand) string {
	pieces := []string{"acme", " ", "<", ">", "&", `"`, `\`, "\n", "\t", "\x01", "\u2028", "\xff", "é", "😀", "=1+1", "00123", "$1,200.00", "'"}
	var b strings.Builder
	for range rng.IntN(6) {
		b.WriteString(pieces[rng.IntN(len(pieces))])
	}
	return b.String()
}

// TestCopySpreadsheet holds the hand copy of Server.Spreadsheet to the
// reflective deep copy, and checks that the copy shares nothing with the
// state it came from.
func TestCopySpreadsheet(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 5))
	b := newBook("copy", "Copy", "")
	for range 30 {
		ss := &sheets.Spreadsheet{SpreadsheetId: "copy", Properties: b.props}
		for range 1 + rng.IntN(2) {
			ss.Sheets = append(ss.Sheets, &sheets.Sheet{
				Properties: &sheets.SheetProperties{Title: "T"},
				Data:       []*sheets.GridData{randomGrid(rng), randomGrid(rng)},
			})
		}
		before, _ := json.Marshal(ss)
		got := copySpreadsheet(ss)
		if want := clone(ss); !reflect.DeepEqual(got, want) {
			t.Fatalf("hand copy differs from the deep copy")
		}
		for _, sh := range got.Sheets {
			for _, gd := range sh.Data {
				for _, row := range gd.RowData {
					if row == nil {
						continue
					}
					for _, c := range row.Values {
						if c == nil {
							continue
						}
						if v := c.UserEnteredValue; v != nil && v.NumberValue != nil {
							*v.NumberValue++
						}
						if v := c.EffectiveValue; v != nil && v.StringValue != nil {
							*v.StringValue += "!"
						}
						if f := c.EffectiveFormat; f != nil {
							f.WrapStrategy = "CLIP"
						}
						c.Note = "changed"
					}
				}
				for _, d := range gd.RowMetadata {
					d.PixelSize++
				}
			}
		}
		if after, _ := json.Marshal(ss); !bytes.Equal(before, after) {
			t.Fatalf("changing the copy changed the original")
		}
	}
}

// TestDecodeUpdateCellsMatchesEncodingJSON holds the hand decoder of
// updateCells to encoding/json on random requests as the client encodes
// them and on hand-written JSON; whatever it declines must be left to
// encoding/json, and what it reads must be what encoding/json reads.
func TestDecodeUpdateCellsMatchesEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 6))
	var bodies [][]byte
	for range 300 {
		u := &sheets.UpdateCellsRequest{Fields: "userEnteredValue,userEnteredFormat"}
		if rng.IntN(2) == 0 {
			u.Start = &sheets.GridCoordinate{SheetId: rng.Int64N(9), RowIndex: rng.Int64N(9), ColumnIndex: rng.Int64N(9),
				ForceSendFields: []string{"SheetId"}}
		} else {
			u.Range = &sheets.GridRange{SheetId: 7, StartRowIndex: 1, EndRowIndex: 9, EndColumnIndex: 5}
		}
		formats := []*sheets.CellFormat{nil, {NumberFormat: &sheets.NumberFormat{Type: "DATE", Pattern: "yyyy-mm-dd"}},
			{TextFormat: &sheets.TextFormat{Bold: true, ForegroundColor: &sheets.Color{Red: 0.25}}}}
		for range rng.IntN(5) {
			row := &sheets.RowData{}
			for range rng.IntN(5) {
				c := randomCell(rng, formats[rng.IntN(len(formats))])
				if rng.IntN(3) > 0 {
					c.DataValidation, c.TextFormatRuns = nil, nil // mostly what the fast path reads
				}
				row.Values = append(row.Values, c)
			}
			u.Rows = append(u.Rows, row)
		}
		body, err := json.Marshal(&sheets.Request{UpdateCells: u})
		if err != nil {
			t.Fatal(err)
		}
		bodies = append(bodies, body)
	}
	for _, s := range []string{
		`{"updateCells":{}}`,
		`{"updateCells":{"rows":[]}}`,
		` { "updateCells" : { "fields" : "*" , "rows" : [ { "values" : [ { } , { "note" : "a\"b\\c\u00e9\ud83d\ude00" } ] } ] } } `,
		`{"updateCells":{"rows":[{"values":[null]}]}}`,
		`{"updateCells":{"rows":[null]}}`,
		`{"updateCells":{"rows":[{"values":[{"userEnteredValue":{"numberValue":"NaN"}}]}]}}`,
		`{"updateCells":{"rows":[{"values":[{"userEnteredValue":{"numberValue":1e400}}]}]}}`,
		`{"updateCells":{"rows":[{"values":[{"userEnteredValue":{"numberValue":-0.5e-3,"stringValue":"x"}}]}]}}`,
		`{"updateCells":{"rows":[{"values":[{"userEnteredValue":{"boolValue":false}},{"userEnteredValue":{"boolValue":true}}]}]}}`,
		`{"updateCells":{"rows":[{"values":[{"UserEnteredValue":{"stringValue":"case"}}]}]}}`,
		`{"updateCells":{"rows":[{"values":[{"note":"first","note":"second"}]}]}}`,
		`{"updateCells":{"rows":[{"values":[{"userEnteredFormat":{"numberFormat":{"type":"DATE"}}},{"userEnteredFormat":{"numberFormat":{"type":"DATE"}}}]}]}}`,
		`{"updateCells":{"start":{"sheetId":1,"rowIndex":"2"},"rows":[{"values":[{"userEnteredValue":{"formulaValue":"=A1"}}]}]}}`,
		`{"updateCells":{"range":null}}`,
	} {
		bodies = append(bodies, []byte(s))
	}
	fast := 0
	for _, body := range bodies {
		if !json.Valid(body) {
			t.Fatalf("test body is not JSON: %s", body)
		}
		got, ok := decodeUpdateCells(body)
		if !ok {
			continue
		}
		fast++
		want := new(sheets.Request)
		if err := json.Unmarshal(body, want); err != nil {
			t.Fatalf("the hand decoder read %s, which encoding/json refuses: %v", body, err)
		}
		if !reflect.DeepEqual(got, want) {
			g, _ := json.Marshal(got)
			w, _ := json.Marshal(want)
			t.Fatalf("decoding %s:\nhand: %s\njson: %s", body, g, w)
		}
	}
	t.Logf("the hand decoder read %d of %d requests", fast, len(bodies))
	if fast < len(bodies)/3 {
		t.Errorf("the hand decoder read only %d of %d requests", fast, len(bodies))
	}
}
