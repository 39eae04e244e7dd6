package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os/exec"
	"runtime"

	"github.com/mrrbot/mrrbot/sheets/gsheets"
)

const authUsage = `usage: mrrbot auth login --client-secret FILE [--token FILE]

Signs in to Google in your browser and saves a token that sync and compute
use when no service account is configured. FILE is an OAuth client of type
"Desktop app", downloaded from the Google Cloud console (APIs & Services →
Credentials). The token is saved with mode 0600.
`

func (c *cli) auth(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "login" {
		fmt.Fprint(c.stderr, authUsage)
		return usagef("auth: want `mrrbot auth login`")
	}
	fs := flag.NewFlagSet("auth login", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	secret := fs.String("client-secret", c.getenv("MRRBOT_OAUTH_CLIENT"), "OAuth client `FILE` (Desktop app) from the Google Cloud console")
	token := fs.String("token", "", "where to save the token (default: your config directory's mrrbot/token.json)")
	noBrowser := fs.Bool("no-browser", false, "print the sign-in address instead of opening a browser")
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return usagef("auth login: %v", err)
	}
	if *secret == "" {
		fmt.Fprint(c.stderr, authUsage)
		return usagef("auth login: give --client-secret FILE")
	}
	if *token == "" {
		path, err := gsheets.DefaultTokenFile()
		if err != nil {
			return fmt.Errorf("auth login: %w", err)
		}
		*token = path
	}
	cfg := gsheets.LoginConfig{
		ClientSecretFile: *secret,
		TokenFile:        *token,
		Out:              c.stdout,
		HTTPClient:       c.httpClient,
	}
	if !*noBrowser {
		cfg.OpenBrowser = openBrowser
	}
	who, err := gsheets.Login(ctx, cfg)
	if err != nil {
		return fmt.Errorf("auth login: %w", err)
	}
	if who.Email != "" {
		fmt.Fprintf(c.stdout, "Signed in as %s. Share your spreadsheet with this account.\n", who.Email)
	}
	return nil
}

// openBrowser asks the desktop to open url.
func openBrowser(url string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.Command("open", url)
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", url)
	default:
		cmd = exec.Command("xdg-open", url)
	}
	return cmd.Run()
}
