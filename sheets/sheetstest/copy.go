package sheetstest

import (
	"slices"

	sheets "google.golang.org/api/sheets/v4"
)

// copySpreadsheet deep-copies a rendered spreadsheet. The grid data is
// copied by hand, which on a large sheet is many times faster than the
// reflection in clone; the formats the renderer shares among cells are
// copied once each.
func copySpreadsheet(ss *sheets.Spreadsheet) *sheets.Spreadsheet {
	rest := *ss
	rest.Sheets = nil
	out := clone(&rest)
	formats := map[*sheets.CellFormat]*sheets.CellFormat{}
	for _, sh := range ss.Sheets {
		if sh == nil {
			out.Sheets = append(out.Sheets, nil)
			continue
		}
		r := *sh
		r.Data = nil
		c := clone(&r)
		for _, gd := range sh.Data {
			c.Data = append(c.Data, copyGrid(gd, formats))
		}
		out.Sheets = append(out.Sheets, c)
	}
	return out
}

func copyGrid(gd *sheets.GridData, formats map[*sheets.CellFormat]*sheets.CellFormat) *sheets.GridData {
	if gd == nil {
		return nil
	}
	out := *gd
	out.ForceSendFields, out.NullFields = slices.Clone(gd.ForceSendFields), slices.Clone(gd.NullFields)
	out.RowMetadata = copyDimensions(gd.RowMetadata)
	out.ColumnMetadata = copyDimensions(gd.ColumnMetadata)
	if gd.RowData != nil {
		out.RowData = make([]*sheets.RowData, len(gd.RowData))
	}
	for i, row := range gd.RowData {
		if row == nil {
			continue
		}
		r := *row
		r.ForceSendFields, r.NullFields = slices.Clone(row.ForceSendFields), slices.Clone(row.NullFields)
		if row.Values != nil {
			r.Values = make([]*sheets.CellData, len(row.Values))
			cells := make([]sheets.CellData, len(row.Values))
			for j, c := range row.Values {
				if c != nil {
					cells[j] = copyCell(c, formats)
					r.Values[j] = &cells[j]
				}
			}
		}
		out.RowData[i] = &r
	}
	return &out
}

func copyDimensions(ds []*sheets.DimensionProperties) []*sheets.DimensionProperties {
	if ds == nil {
		return nil
	}
	out := make([]*sheets.DimensionProperties, len(ds))
	all := make([]sheets.DimensionProperties, len(ds))
	for i, d := range ds {
		switch {
		case d == nil:
		case d.DataSourceColumnReference != nil || d.DeveloperMetadata != nil || d.ForceSendFields != nil || d.NullFields != nil:
			out[i] = clone(d)
		default:
			all[i] = *d
			out[i] = &all[i]
		}
	}
	return out
}

func copyCell(c *sheets.CellData, formats map[*sheets.CellFormat]*sheets.CellFormat) sheets.CellData {
	out := *c
	out.UserEnteredValue = copyExtended(c.UserEnteredValue)
	out.EffectiveValue = copyExtended(c.EffectiveValue)
	out.UserEnteredFormat = copyFormat(c.UserEnteredFormat, formats)
	out.EffectiveFormat = copyFormat(c.EffectiveFormat, formats)
	out.ChipRuns = cloneAll(c.ChipRuns)
	out.DataSourceFormula = clone(c.DataSourceFormula)
	out.DataSourceTable = clone(c.DataSourceTable)
	out.DataValidation = clone(c.DataValidation)
	out.PivotTable = clone(c.PivotTable)
	out.TextFormatRuns = cloneAll(c.TextFormatRuns)
	out.ForceSendFields, out.NullFields = slices.Clone(c.ForceSendFields), slices.Clone(c.NullFields)
	return out
}

func copyFormat(f *sheets.CellFormat, formats map[*sheets.CellFormat]*sheets.CellFormat) *sheets.CellFormat {
	if f == nil {
		return nil
	}
	c, ok := formats[f]
	if !ok {
		c = clone(f)
		formats[f] = c
	}
	return c
}

func copyExtended(v *sheets.ExtendedValue) *sheets.ExtendedValue {
	if v == nil {
		return nil
	}
	out := *v
	if v.BoolValue != nil {
		b := *v.BoolValue
		out.BoolValue = &b
	}
	if v.NumberValue != nil {
		f := *v.NumberValue
		out.NumberValue = &f
	}
	if v.StringValue != nil {
		s := *v.StringValue
		out.StringValue = &s
	}
	if v.FormulaValue != nil {
		s := *v.FormulaValue
		out.FormulaValue = &s
	}
	out.ErrorValue = clone(v.ErrorValue)
	out.ForceSendFields, out.NullFields = slices.Clone(v.ForceSendFields), slices.Clone(v.NullFields)
	return &out
}
