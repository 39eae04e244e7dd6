package main

import (
	"bufio"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"go.yaml.in/yaml/v3"
)

// The docs are read by someone with a fresh clone and nothing else: these
// tests hold them to the repository and to what the program does.

// TestDocLinks checks every link of every Markdown file in the repository:
// a link to a web page (http, https, mailto) is fine; any other link must
// name a file or directory of the repository that exists, by a relative
// path that does not leave the repository, and an anchor (#section) must
// be a heading of the Markdown file it points into. Links in code blocks
// and code spans are text, not links.
func TestDocLinks(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	files := markdownFiles(t, root)
	if !slices.Contains(files, filepath.Join(root, "README.md")) || len(files) < 8 {
		t.Fatalf("found %d Markdown files, not README.md and docs/; is the walk broken? %v", len(files), files)
	}
	checked := 0
	for _, file := range files {
		rel, _ := filepath.Rel(root, file)
		for _, l := range markdownLinks(t, file) {
			checked++
			if err := checkLink(root, file, l.target); err != "" {
				t.Errorf("%s:%d: link %q %s", rel, l.line, l.target, err)
			}
		}
	}
	if checked < 50 {
		t.Errorf("checked only %d links; is the parser broken?", checked)
	}
}

// TestCheckLink checks the link checker on links that must pass and links
// that must fail, so that TestDocLinks cannot pass by accepting anything.
func TestCheckLink(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	readme := filepath.Join(root, "README.md")
	metrics := filepath.Join(root, "docs", "metrics.md")
	for _, tt := range []struct {
		from, target string
		ok           bool
	}{
		{readme, "docs/metrics.md", true},
		{readme, "docs/metrics.md#how-mrrbot-counts", true},
		{readme, "#the-sheet", true},
		{readme, "deploy", true},
		{readme, "https://docs.google.com/spreadsheets/d/x/edit", true},
		{metrics, "../testdata/fixture/README.md", true},
		{metrics, "sheet-format.md#columns", true},
		{readme, "../other-repository/NOTES.md", false}, // leaves the repository
		{metrics, "../../README.md", false},
		{readme, "/work/README.md", false},
		{readme, "file:///etc/passwd", false},
		{readme, "docs/no-such-page.md", false},
		{readme, "docs/metrics.md#no-such-section", false},
		{readme, "#no-such-section", false},
	} {
		if got := checkLink(root, tt.from, tt.target); (got == "") != tt.ok {
			t.Errorf("checkLink(%s, %q) = %q, want ok %t", filepath.Base(tt.from), tt.target, got, tt.ok)
		}
	}
}

// markdownFiles lists the repository's Markdown files.
func markdownFiles(t *testing.T, root string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(d.Name(), ".md") {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

type mdLink struct {
	line   int
	target string
}

var (
	// inlineLink is [text](target) and ![alt](target), with an optional
	// title after the target.
	inlineLink = regexp.MustCompile(`!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)`)
	// autoLink is <https://…>.
	autoLink = regexp.MustCompile(`<([a-z]+:[^>\s]+)>`)
	// refDef is a reference definition: [name]: target.
	refDef   = regexp.MustCompile(`^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)`)
	codeSpan = regexp.MustCompile("`+[^`]*`+")
)

// markdownLinks returns the links of a Markdown file, outside code.
func markdownLinks(t *testing.T, file string) []mdLink {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var links []mdLink
	fence := ""
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		if fence != "" {
			if strings.HasPrefix(trimmed, fence) {
				fence = ""
			}
			continue
		}
		if strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~") {
			fence = trimmed[:3]
			continue
		}
		line = codeSpan.ReplaceAllString(line, "")
		for _, re := range []*regexp.Regexp{inlineLink, autoLink, refDef} {
			for _, m := range re.FindAllStringSubmatch(line, -1) {
				links = append(links, mdLink{n, m[1]})
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return links
}

// checkLink returns why the link target in file is broken, or "".
func checkLink(root, file, target string) string {
	u, err := url.Parse(target)
	if err != nil {
		return "does not parse: " + err.Error()
	}
	switch u.Scheme {
	case "http", "https", "mailto":
		return ""
	case "":
	default:
		return "has the scheme " + u.Scheme + ": only web links may leave the repository"
	}
	if u.Host != "" || strings.HasPrefix(u.Path, "/") {
		return "is an absolute path: link to a file of the repository by a relative path"
	}
	p := file
	if u.Path != "" {
		p = filepath.Join(filepath.Dir(file), filepath.FromSlash(u.Path))
	}
	if rel, err := filepath.Rel(root, p); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "leaves the repository: everything a reader needs is in it"
	}
	info, err := os.Stat(p)
	if err != nil {
		return "names a file that does not exist"
	}
	if u.Fragment == "" || info.IsDir() || !strings.HasSuffix(p, ".md") {
		return ""
	}
	anchors, err := headingAnchors(p)
	if err != nil {
		return err.Error()
	}
	if !anchors[u.Fragment] {
		return "names a section that " + filepath.Base(p) + " does not have"
	}
	return ""
}

// headingAnchors returns the anchors GitHub gives the headings of a
// Markdown file: lower case, letters, digits, "-" and "_" kept, spaces
// made "-", everything else dropped; a repeated heading gets "-1", "-2".
func headingAnchors(file string) (map[string]bool, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	anchors := map[string]bool{}
	seen := map[string]int{}
	fence := ""
	for line := range strings.SplitSeq(string(data), "\n") {
		trimmed := strings.TrimSpace(line)
		if fence != "" {
			if strings.HasPrefix(trimmed, fence) {
				fence = ""
			}
			continue
		}
		if strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~") {
			fence = trimmed[:3]
			continue
		}
		if !strings.HasPrefix(line, "#") {
			continue
		}
		title := strings.TrimSpace(strings.TrimLeft(line, "#"))
		var b strings.Builder
		for _, r := range strings.ToLower(title) {
			switch {
			case r == ' ':
				b.WriteByte('-')
			case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r):
				b.WriteRune(r)
			}
		}
		slug := b.String()
		if n := seen[slug]; n > 0 {
			anchors[slug+"-"+strconv.Itoa(n)] = true
		} else {
			anchors[slug] = true
		}
		seen[slug]++
	}
	return anchors, nil
}

// manifestScopes returns the bot scopes deploy/slack-app-manifest.yaml
// asks for.
func manifestScopes(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "deploy", "slack-app-manifest.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var manifest struct {
		OAuth struct {
			Scopes struct {
				Bot []string `yaml:"bot"`
			} `yaml:"scopes"`
		} `yaml:"oauth_config"`
	}
	if err := yaml.Unmarshal(data, &manifest); err != nil {
		t.Fatal(err)
	}
	return manifest.OAuth.Scopes.Bot
}

// TestSetupSlackScopes checks that docs/setup-slack.md lists, in its table
// of scopes, exactly the bot scopes the app manifest asks for.
func TestSetupSlackScopes(t *testing.T) {
	root := filepath.Join("..", "..")
	want := slices.Sorted(slices.Values(manifestScopes(t)))
	if len(want) < 5 {
		t.Fatalf("the manifest asks for %d scopes: %v; is the parse broken?", len(want), want)
	}

	doc, err := os.ReadFile(filepath.Join(root, "docs", "setup-slack.md"))
	if err != nil {
		t.Fatal(err)
	}
	// The table after "asks for these bot scopes": | `a`, `b` | why |.
	_, after, ok := strings.Cut(string(doc), "asks for these bot scopes")
	if !ok {
		t.Fatal(`docs/setup-slack.md has no "asks for these bot scopes"`)
	}
	var got []string
	inTable := false
	for line := range strings.SplitSeq(after, "\n") {
		if !strings.HasPrefix(line, "|") {
			if inTable {
				break
			}
			continue
		}
		inTable = true
		cells := strings.Split(line, "|")
		for _, m := range regexp.MustCompile("`([a-z_.:]+)`").FindAllStringSubmatch(cells[1], -1) {
			got = append(got, m[1])
		}
	}
	slices.Sort(got)
	if !slices.Equal(want, got) {
		t.Errorf("docs/setup-slack.md lists the scopes %v; the manifest asks for %v", got, want)
	}
}

// TestReadmeDemoOutput checks that the README shows what `mrrbot demo`
// prints, word for word, on the day it says (readmeNow, the day the
// pictures are drawn on).
func TestReadmeDemoOutput(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	const intro = "Run on 29 November\n2026, it prints:\n\n```\n"
	_, rest, ok := strings.Cut(string(readme), intro)
	if !ok || readmeNow.Day() != 29 || readmeNow.Month() != 11 || readmeNow.Year() != 2026 {
		t.Fatalf("README.md has no block after %q, or readmeNow (%s) is another day", intro, readmeNow)
	}
	want, _, ok := strings.Cut(rest, "```\n")
	if !ok {
		t.Fatal("README.md's demo block does not end")
	}

	t.Chdir(t.TempDir())
	got, stderr, err := mrrbotAt(t, readmeNow, map[string]string{"MRRBOT_TIMEZONE": "UTC"}, "demo")
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, stderr)
	}
	if got != want {
		t.Errorf("README.md's demo output is not what demo prints; it prints:\n%s", got)
	}
}
