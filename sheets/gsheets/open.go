package gsheets

import (
	"context"
	"fmt"
	"strings"

	"google.golang.org/api/option"
	sheetsapi "google.golang.org/api/sheets/v4"
)

// Open connects to the spreadsheet id with the credentials cfg finds (see
// [NewHTTPClient]), or unauthenticated to cfg.Endpoint when it is set and
// none are configured. Every request goes through one [Retry].
func Open(ctx context.Context, id string, cfg AuthConfig) (*Spreadsheet, error) {
	hc, who, err := NewHTTPClient(ctx, cfg)
	if err != nil {
		return nil, err
	}
	opts := []option.ClientOption{option.WithHTTPClient(hc)}
	if endpoint := cfg.Endpoint; endpoint != "" {
		if !strings.HasSuffix(endpoint, "/") {
			endpoint += "/"
		}
		opts = append(opts, option.WithEndpoint(endpoint))
	}
	svc, err := sheetsapi.NewService(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("sheets client: %w", err)
	}
	return New(svc, id, who, cfg.Logger), nil
}
