package sheetstest

import (
	"encoding/json"
	"slices"

	sheets "google.golang.org/api/sheets/v4"
)

// Developer metadata lives on the spreadsheet or on a sheet, and goes away
// with its sheet. Metadata on rows and columns is not implemented.

// owners returns every list that holds developer metadata.
func (b *book) owners() []*[]*sheets.DeveloperMetadata {
	out := []*[]*sheets.DeveloperMetadata{&b.metadata}
	for _, t := range b.tabs {
		out = append(out, &t.metadata)
	}
	return out
}

// allMetadata lists the book's developer metadata, spreadsheet first.
func (b *book) allMetadata() []*sheets.DeveloperMetadata {
	var out []*sheets.DeveloperMetadata
	for _, o := range b.owners() {
		out = append(out, *o...)
	}
	return out
}

func (b *book) metadataByID(id int64) *sheets.DeveloperMetadata {
	for _, md := range b.allMetadata() {
		if md.MetadataId == id {
			return md
		}
	}
	return nil
}

// rawHas reports whether the JSON object raw has a value at path. The Go
// client leaves zero values out, so presence is how a sheetId of 0 is told
// from no sheetId at all.
func rawHas(raw json.RawMessage, path ...string) bool {
	for _, key := range path {
		var obj map[string]json.RawMessage
		if json.Unmarshal(raw, &obj) != nil {
			return false
		}
		next, ok := obj[key]
		if !ok {
			return false
		}
		raw = next
	}
	return true
}

// locate checks a metadata location and returns it as Google stores it,
// with the list that holds metadata there. sheetIDSent says whether the
// request carried location.sheetId at all.
func (b *book) locate(loc *sheets.DeveloperMetadataLocation, sheetIDSent bool) (*sheets.DeveloperMetadataLocation, *[]*sheets.DeveloperMetadata, *apiError) {
	switch {
	case loc == nil:
		return nil, nil, invalid("developerMetadata.location must be set")
	case loc.DimensionRange != nil:
		return nil, nil, invalid("sheetstest does not implement developer metadata on rows or columns")
	case loc.Spreadsheet:
		return &sheets.DeveloperMetadataLocation{LocationType: "SPREADSHEET", Spreadsheet: true}, &b.metadata, nil
	case !sheetIDSent && loc.SheetId == 0:
		// The location is a oneof; locationType alone sets none of it. (With
		// the Go client, sheetId 0 must be listed in ForceSendFields.)
		return nil, nil, invalid("developerMetadata.location must set spreadsheet, sheetId or dimensionRange")
	}
	t := b.tabByID(loc.SheetId)
	if t == nil {
		return nil, nil, invalid("No sheet with id: %d", loc.SheetId)
	}
	return &sheets.DeveloperMetadataLocation{LocationType: "SHEET", SheetId: loc.SheetId}, &t.metadata, nil
}

func checkMetadata(md *sheets.DeveloperMetadata) *apiError {
	if md.MetadataKey == "" {
		return invalid("Developer metadata must always have a key specified.")
	}
	if md.Visibility != "DOCUMENT" && md.Visibility != "PROJECT" {
		return invalid("Developer metadata must always have a visibility specified (DOCUMENT or PROJECT), not %q.", md.Visibility)
	}
	return nil
}

func (b *book) createDeveloperMetadata(r *sheets.CreateDeveloperMetadataRequest, raw json.RawMessage) (*sheets.Response, *apiError) {
	md := clone(r.DeveloperMetadata)
	if md == nil {
		return nil, invalid("developerMetadata must be set")
	}
	if err := checkMetadata(md); err != nil {
		return nil, err
	}
	loc, owner, err := b.locate(md.Location, rawHas(raw, "createDeveloperMetadata", "developerMetadata", "location", "sheetId"))
	if err != nil {
		return nil, err
	}
	md.Location = loc
	switch {
	case md.MetadataId < 0:
		return nil, invalid("metadataId must be positive")
	case md.MetadataId > 0 && b.metadataTaken(md.MetadataId):
		return nil, invalid("Developer metadata with id %d already exists.", md.MetadataId)
	case md.MetadataId == 0:
		md.MetadataId = b.newID(b.metadataTaken)
	}
	*owner = append(*owner, md)
	return &sheets.Response{CreateDeveloperMetadata: &sheets.CreateDeveloperMetadataResponse{DeveloperMetadata: clone(md)}}, nil
}

// lookupMatches reports whether md meets every criterion of l.
func lookupMatches(md *sheets.DeveloperMetadata, l *sheets.DeveloperMetadataLookup) bool {
	switch {
	case l.MetadataId != 0 && md.MetadataId != l.MetadataId,
		l.MetadataKey != "" && md.MetadataKey != l.MetadataKey,
		l.MetadataValue != "" && md.MetadataValue != l.MetadataValue,
		l.Visibility != "" && md.Visibility != l.Visibility,
		l.LocationType != "" && md.Location.LocationType != l.LocationType:
		return false
	}
	if loc := l.MetadataLocation; loc != nil {
		switch {
		case loc.Spreadsheet:
			return md.Location.LocationType == "SPREADSHEET"
		case loc.DimensionRange != nil:
			return false // no metadata is stored on rows or columns
		default:
			return md.Location.LocationType == "SHEET" && md.Location.SheetId == loc.SheetId
		}
	}
	return true
}

// checkFilter refuses data filters the server cannot apply to metadata.
func checkFilter(f *sheets.DataFilter) *apiError {
	switch {
	case f == nil:
		return invalid("dataFilter must be set")
	case f.A1Range != "" || f.GridRange != nil:
		return invalid("sheetstest matches developer metadata by developerMetadataLookup only")
	case f.DeveloperMetadataLookup == nil:
		return invalid("dataFilter must set developerMetadataLookup")
	}
	l := f.DeveloperMetadataLookup
	if l.MetadataId == 0 && l.MetadataKey == "" && l.MetadataValue == "" && l.Visibility == "" &&
		l.LocationType == "" && l.MetadataLocation == nil {
		return invalid("developerMetadataLookup must set at least one field")
	}
	return nil
}

// matching returns the metadata any of filters selects, in book order.
func (b *book) matching(filters []*sheets.DataFilter) ([]*sheets.DeveloperMetadata, *apiError) {
	for _, f := range filters {
		if err := checkFilter(f); err != nil {
			return nil, err
		}
	}
	var out []*sheets.DeveloperMetadata
	for _, md := range b.allMetadata() {
		for _, f := range filters {
			if lookupMatches(md, f.DeveloperMetadataLookup) {
				out = append(out, md)
				break
			}
		}
	}
	return out, nil
}

func (b *book) deleteDeveloperMetadata(r *sheets.DeleteDeveloperMetadataRequest) (*sheets.Response, *apiError) {
	found, err := b.matching([]*sheets.DataFilter{r.DataFilter})
	if err != nil {
		return nil, err
	}
	for _, o := range b.owners() {
		*o = slices.DeleteFunc(*o, func(md *sheets.DeveloperMetadata) bool { return slices.Contains(found, md) })
	}
	return &sheets.Response{DeleteDeveloperMetadata: &sheets.DeleteDeveloperMetadataResponse{
		DeletedDeveloperMetadata: cloneAll(found),
	}}, nil
}

func (b *book) updateDeveloperMetadata(r *sheets.UpdateDeveloperMetadataRequest, raw json.RawMessage) (*sheets.Response, *apiError) {
	if len(r.DataFilters) == 0 {
		return nil, invalid("dataFilters must be set")
	}
	if r.DeveloperMetadata == nil {
		return nil, invalid("developerMetadata must be set")
	}
	m, perr := parseMask(r.Fields)
	if perr != nil {
		return nil, perr.(*apiError)
	}
	found, err := b.matching(r.DataFilters)
	if err != nil {
		return nil, err
	}
	var updated []*sheets.DeveloperMetadata
	for _, md := range found {
		upd, uerr := maskedUpdate(md, r.DeveloperMetadata, m)
		if uerr != nil {
			return nil, asAPIError(uerr)
		}
		if upd.MetadataId != md.MetadataId {
			return nil, invalid("metadataId cannot be changed")
		}
		if err := checkMetadata(upd); err != nil {
			return nil, err
		}
		var owner *[]*sheets.DeveloperMetadata
		for _, o := range b.owners() {
			if slices.Contains(*o, md) {
				owner = o
			}
		}
		newOwner := owner
		if m.selects("location") {
			loc, o, err := b.locate(upd.Location, rawHas(raw, "updateDeveloperMetadata", "developerMetadata", "location", "sheetId"))
			if err != nil {
				return nil, err
			}
			upd.Location, newOwner = loc, o
		} else {
			upd.Location = md.Location
		}
		*owner = slices.DeleteFunc(*owner, func(x *sheets.DeveloperMetadata) bool { return x == md })
		*newOwner = append(*newOwner, upd)
		updated = append(updated, clone(upd))
	}
	return &sheets.Response{UpdateDeveloperMetadata: &sheets.UpdateDeveloperMetadataResponse{DeveloperMetadata: updated}}, nil
}

// search answers developerMetadata.search: each metadata that a filter
// selects, with the filters that selected it.
func (b *book) search(filters []*sheets.DataFilter) (*sheets.SearchDeveloperMetadataResponse, *apiError) {
	for _, f := range filters {
		if err := checkFilter(f); err != nil {
			return nil, err
		}
	}
	resp := &sheets.SearchDeveloperMetadataResponse{}
	for _, md := range b.allMetadata() {
		var by []*sheets.DataFilter
		for _, f := range filters {
			if lookupMatches(md, f.DeveloperMetadataLookup) {
				by = append(by, f)
			}
		}
		if len(by) > 0 {
			resp.MatchedDeveloperMetadata = append(resp.MatchedDeveloperMetadata,
				&sheets.MatchedDeveloperMetadata{DeveloperMetadata: md, DataFilters: by})
		}
	}
	return resp, nil
}
