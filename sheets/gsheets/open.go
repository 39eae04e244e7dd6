package gsheets

import (
	"context"
)

// Open connects to the spreadsheet id with the credentials cfg finds (see
// [NewHTTPClient]), or unauthenticated to cfg.Endpoint when it is set and
// none are configured. Every request goes through one [Retry].
func Open(ctx context.Context, id string, cfg AuthConfig) (*Spreadsheet, error) {
	hc, who, err := NewHTTPClient(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return New(hc, cfg.Endpoint, id, who, cfg.Logger)
}
