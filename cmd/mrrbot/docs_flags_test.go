package main

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// readDocs returns README.md and docs/*.md, by name.
func readDocs(t *testing.T) map[string]string {
	t.Helper()
	root := filepath.Join("..", "..")
	files, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	docs := map[string]string{}
	for _, f := range append(files, filepath.Join(root, "README.md")) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(root, f)
		docs[rel] = string(b)
	}
	return docs
}

// TestDocsListEveryFlag checks the docs against the help: every flag that
// a command takes (from the flag sets it parses with) is mentioned as
// --name in README.md or docs/*.md, every command has a section of the
// README that names it, and every `mrrbot COMMAND` the README shows is a
// command with help.
func TestDocsListEveryFlag(t *testing.T) {
	docs := readDocs(t)
	all := strings.Join(slices.Collect(func(yield func(string) bool) {
		for _, d := range docs {
			if !yield(d) {
				return
			}
		}
	}), "\n")
	readme := docs["README.md"]
	flagRef := regexp.MustCompile(`--[a-z][a-z-]*`)
	mentioned := map[string]bool{}
	for _, m := range flagRef.FindAllString(all, -1) {
		mentioned[m] = true
	}
	for _, cmd := range commands {
		if len(cmd.subs) > 0 {
			continue
		}
		_, stderr, status, sets := runCLI(t, nil, append(strings.Fields(cmd.name), "-h")...)
		if status != 0 {
			t.Fatalf("%s -h: exit %d\n%s", cmd.name, status, stderr)
		}
		for _, fs := range sets {
			fs.VisitAll(func(f *flag.Flag) {
				if !mentioned["--"+f.Name] {
					t.Errorf("%s takes --%s, which neither README.md nor docs/*.md mention", cmd.name, f.Name)
				}
			})
		}
		if !strings.Contains(cmd.name, " ") && !strings.Contains(readme, "mrrbot "+cmd.name) {
			t.Errorf("README.md never shows `mrrbot %s`", cmd.name)
		}
	}
	// Commands the docs show, in code spans and blocks: each is a command
	// with help, and takes the flags shown with it.
	takes := map[string]map[string]bool{}
	for _, cmd := range commands {
		_, _, _, sets := runCLI(t, nil, append(strings.Fields(cmd.name), "-h")...)
		takes[cmd.name] = map[string]bool{}
		for _, fs := range sets {
			fs.VisitAll(func(f *flag.Flag) { takes[cmd.name][f.Name] = true })
		}
	}
	seen := 0
	for name, text := range docs {
		for _, u := range commandUses(text) {
			seen++
			if _, ok := lookupCommand(u.name); !ok {
				t.Errorf("%s shows `mrrbot %s`, which is not a command with help", name, u.name)
				continue
			}
			for _, f := range flagRef.FindAllString(u.args, -1) {
				if f == "--help" || f == "--version" {
					continue
				}
				if !takes[u.name][strings.TrimPrefix(f, "--")] {
					t.Errorf("%s shows `mrrbot %s … %s`, which %s does not take", name, u.name, f, u.name)
				}
			}
		}
	}
	if seen < 30 {
		t.Errorf("found %d commands in the docs; is the scan broken?", seen)
	}
}

// commandUse is a command the docs show, with what follows it.
type commandUse struct{ name, args string }

// commandUses finds the commands a Markdown text shows: code spans that
// start with "mrrbot ", and lines of code blocks that run mrrbot (after
// environment assignments or a cron schedule), with their continuation
// lines.
func commandUses(text string) []commandUse {
	var uses []commandUse
	add := func(words string) {
		name, args, _ := strings.Cut(words+" ", " ")
		switch name {
		case "books", "auth":
			if sub, rest, _ := strings.Cut(args, " "); sub != "" && !strings.HasPrefix(sub, "-") && !strings.HasPrefix(sub, "(") {
				name, args = name+" "+sub, rest
			}
		}
		uses = append(uses, commandUse{name, args})
	}
	span := regexp.MustCompile("`mrrbot ([a-z][^`]*)`")
	line := regexp.MustCompile(`^(?:\S+=\S+\s+|[0-9*/,-]+\s+)*mrrbot ([a-z].*)$`)
	inFence, inCommand := false, false
	for l := range strings.Lines(text) {
		l = strings.TrimRight(l, "\n")
		trimmed := strings.TrimSpace(l)
		if strings.HasPrefix(trimmed, "```") {
			inFence, inCommand = !inFence, false
			continue
		}
		if !inFence {
			for _, m := range span.FindAllStringSubmatch(l, -1) {
				add(m[1])
			}
			continue
		}
		if m := line.FindStringSubmatch(trimmed); m != nil {
			add(m[1])
			inCommand = true
			continue
		}
		// A continuation of the command above: more of its flags.
		if inCommand && l != trimmed && (strings.HasPrefix(trimmed, "[") || strings.HasPrefix(trimmed, "(") || strings.HasPrefix(trimmed, "--")) {
			uses[len(uses)-1].args += " " + trimmed
			continue
		}
		inCommand = false
	}
	return uses
}

// TestCommandUses checks the scan of TestDocsListEveryFlag on a text
// with every form it reads and some it must not.
func TestCommandUses(t *testing.T) {
	text := "Run `mrrbot sync --dry-run` first; mrrbot turns prose into nothing.\n" +
		"```\n" +
		"mrrbot books close --through YYYY-MM (--workbook FILE)\n" +
		"mrrbot compute (--input FILE)\n" +
		"               [--tab NAME]\n" +
		"30 8 * * *  mrrbot sync --max-problems 0\n" +
		"SLACK_CHANNEL=C0 mrrbot digest --post\n" +
		"kubectl create secret generic mrrbot \\\n" +
		"    --from-literal=X=y\n" +
		"The digest mrrbot would post:\n" +
		"```\n"
	want := []commandUse{
		{"sync", "--dry-run "},
		{"books close", "--through YYYY-MM (--workbook FILE) "},
		{"compute", "(--input FILE)  [--tab NAME]"},
		{"sync", "--max-problems 0 "},
		{"digest", "--post "},
	}
	if diff := cmp.Diff(want, commandUses(text), cmp.AllowUnexported(commandUse{})); diff != "" {
		t.Errorf("uses (-want +got):\n%s", diff)
	}
}
