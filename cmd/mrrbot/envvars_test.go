package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// envName is how the docs and manifests name mrrbot's environment
// variables.
var envName = regexp.MustCompile(`\b(MRRBOT_[A-Z0-9_]+|SLACK_[A-Z0-9_]+|GOOGLE_APPLICATION_CREDENTIALS|GOMEMLIMIT)\b`)

// TestEnvVarsDocumented checks that the environment variables the docs and
// deploy files name are the ones mrrbot reads, both ways: every name that
// the Dockerfile, deploy/, README.md or docs/*.md mention is read by the
// program, and every name the program reads is in README.md's
// configuration table. A misspelt variable in a manifest would otherwise
// be ignored without a word, and an undocumented one would never be set.
func TestEnvVarsDocumented(t *testing.T) {
	root := filepath.Join("..", "..")
	read := programEnv(t, root)
	if len(read) == 0 {
		t.Fatal("found no environment variables read by the program; is the scan broken?")
	}
	t.Logf("the program reads %s", strings.Join(sortedKeys(read), ", "))

	mentioned := docEnv(t, root)
	for _, name := range sortedKeys(mentioned) {
		if _, ok := read[name]; !ok {
			t.Errorf("%s is named in %s but mrrbot never reads it", name, strings.Join(mentioned[name], ", "))
		}
	}

	table := readmeConfigTable(t, filepath.Join(root, "README.md"))
	for _, name := range sortedKeys(read) {
		if !table[name] {
			t.Errorf("mrrbot reads %s (%s) but README.md's configuration table does not document it",
				name, strings.Join(read[name], ", "))
		}
	}
}

// programEnv returns the environment variables the module's non-test Go
// code reads, each with where. It counts
//
//   - string literals passed to a function named getenv, Getenv or
//     LookupEnv (os.Getenv, cli.getenv, an AuthConfig's Getenv), and the
//     key passed to envOr(getenv, key, default);
//   - any string literal that is exactly an MRRBOT_…, SLACK_… or
//     GOOGLE_APPLICATION_CREDENTIALS name, which catches keys kept in a
//     table or a constant and read in a loop (config.go's overrides).
func programEnv(t *testing.T, root string) map[string][]string {
	t.Helper()
	found := map[string][]string{}
	fset := token.NewFileSet()
	add := func(lit ast.Expr) {
		bl, ok := lit.(*ast.BasicLit)
		if !ok || bl.Kind != token.STRING {
			return
		}
		s, err := strconv.Unquote(bl.Value)
		if err != nil || s == "" {
			return
		}
		pos := fset.Position(bl.Pos())
		where := fmt.Sprintf("%s:%d", filepath.ToSlash(relTo(root, pos.Filename)), pos.Line)
		found[s] = append(found[s], where)
	}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if path != root && (name == "testdata" || name == "vendor" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				switch funcName(n.Fun) {
				case "getenv", "Getenv", "LookupEnv":
					if len(n.Args) > 0 {
						add(n.Args[0])
					}
				case "envOr":
					if len(n.Args) > 1 {
						add(n.Args[1])
					}
				}
			case *ast.BasicLit:
				if n.Kind == token.STRING {
					if s, err := strconv.Unquote(n.Value); err == nil && envName.FindString(s) == s {
						add(n)
					}
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// A literal can be both an argument and a name: count it once.
	for name, where := range found {
		slices.Sort(where)
		found[name] = slices.Compact(where)
	}
	return found
}

// funcName is the name a call's function goes by: f for f(…), x.f(…) and
// x.y.f(…).
func funcName(fun ast.Expr) string {
	switch f := fun.(type) {
	case *ast.Ident:
		return f.Name
	case *ast.SelectorExpr:
		return f.Sel.Name
	}
	return ""
}

// docEnv returns the environment variable names that the Dockerfile, the
// files under deploy/, README.md and docs/*.md mention, each with where.
func docEnv(t *testing.T, root string) map[string][]string {
	t.Helper()
	files := []string{filepath.Join(root, "Dockerfile"), filepath.Join(root, "README.md")}
	docs, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, docs...)
	err = filepath.WalkDir(filepath.Join(root, "deploy"), func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	found := map[string][]string{}
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(data), "\n") {
			for _, name := range envName.FindAllString(line, -1) {
				where := fmt.Sprintf("%s:%d", filepath.ToSlash(relTo(root, path)), i+1)
				if w := found[name]; len(w) == 0 || w[len(w)-1] != where {
					found[name] = append(w, where)
				}
			}
		}
	}
	return found
}

// readmeConfigTable returns the variables named in the first column of the
// table under README.md's "## Configuration" heading.
func readmeConfigTable(t *testing.T, path string) map[string]bool {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	in := false
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "## ") {
			in = strings.TrimSpace(strings.TrimPrefix(line, "## ")) == "Configuration"
			continue
		}
		if !in || !strings.HasPrefix(line, "|") {
			continue
		}
		cells := strings.Split(line, "|")
		if len(cells) < 3 {
			continue
		}
		for _, name := range envName.FindAllString(cells[1], -1) {
			names[name] = true
		}
	}
	if len(names) == 0 {
		t.Fatalf("%s: no configuration table under a \"## Configuration\" heading", path)
	}
	return names
}

func relTo(root, path string) string {
	if rel, err := filepath.Rel(root, path); err == nil {
		return rel
	}
	return path
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
