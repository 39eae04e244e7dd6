package main

import (
	"context"
	"flag"
	"fmt"
	"os/exec"
	"runtime"

	"github.com/mrrbot/mrrbot/sheets/gsheets"
)

func (c *cli) auth(ctx context.Context, args []string) error {
	switch {
	case len(args) > 0 && isHelpArg(args[0]):
		return c.printHelp("auth", nil)
	case len(args) == 0 || args[0] != "login":
		return usagef("auth: want `mrrbot auth login`")
	}
	return withCommand(c.authLogin(ctx, args[1:]), "auth login")
}

func (c *cli) authLogin(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("auth login", flag.ContinueOnError)
	secret := fs.String("client-secret", c.getenv("MRRBOT_OAUTH_CLIENT"), "OAuth client `FILE` (Desktop app) from the Google Cloud console (default: MRRBOT_OAUTH_CLIENT)")
	token := fs.String("token", "", "where to save the token, a `FILE` (default: your config directory's mrrbot/token.json)")
	noBrowser := fs.Bool("no-browser", false, "print the sign-in address instead of opening a browser")
	if help, err := c.parseFlags(fs, args); help || err != nil {
		return err
	}
	if *secret == "" {
		return usagef("auth login: give --client-secret FILE (or set MRRBOT_OAUTH_CLIENT)")
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
