package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// dockerInstruction is one instruction of a Dockerfile, its continuation
// lines joined.
type dockerInstruction struct {
	line int    // where it starts
	cmd  string // upper case: FROM, RUN, …
	args string
}

// parseDockerfile splits a Dockerfile into instructions, dropping comments
// and joining lines that end with a backslash.
func parseDockerfile(data string) []dockerInstruction {
	var out []dockerInstruction
	var cur strings.Builder
	start := 0
	for i, line := range strings.Split(data, "\n") {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "#") || (trimmed == "" && cur.Len() == 0) {
			continue
		}
		if cur.Len() == 0 {
			start = i + 1
		}
		body, more := strings.CutSuffix(trimmed, `\`)
		cur.WriteString(body)
		cur.WriteString(" ")
		if more {
			continue
		}
		cmd, args, _ := strings.Cut(strings.TrimSpace(cur.String()), " ")
		out = append(out, dockerInstruction{line: start, cmd: strings.ToUpper(cmd), args: strings.Join(strings.Fields(args), " ")})
		cur.Reset()
	}
	return out
}

// TestDockerfile checks the properties of the image that the deploy files
// and docs rely on, since no test here can run Docker: a builder stage on
// the Go of go.mod making a static binary of every package, and a final
// stage that runs it as the non-root user 65532 with `serve` on port 8080.
func TestDockerfile(t *testing.T) {
	root := filepath.Join("..", "..")
	data, err := os.ReadFile(filepath.Join(root, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	ins := parseDockerfile(string(data))

	var stages [][]dockerInstruction
	for _, in := range ins {
		if in.cmd == "FROM" {
			stages = append(stages, nil)
		}
		if len(stages) == 0 {
			if in.cmd != "ARG" {
				t.Fatalf("Dockerfile:%d: %s before the first FROM", in.line, in.cmd)
			}
			continue
		}
		stages[len(stages)-1] = append(stages[len(stages)-1], in)
	}
	if len(stages) != 2 {
		t.Fatalf("Dockerfile has %d stages, want 2 (a builder and the image)", len(stages))
	}
	build, final := stages[0], stages[1]

	// The builder: Go of go.mod's version, named so the final stage can
	// copy from it.
	mod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	goVersion := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindSubmatch(mod)
	if goVersion == nil {
		t.Fatal("go.mod has no go directive")
	}
	from := strings.Fields(build[0].args)
	if len(from) != 3 || !strings.EqualFold(from[1], "AS") {
		t.Fatalf("Dockerfile:%d: FROM %s; want FROM golang:%s AS <name>", build[0].line, build[0].args, goVersion[1])
	}
	if want := "golang:" + string(goVersion[1]); from[0] != want && !strings.HasPrefix(from[0], want+"-") && !strings.HasPrefix(from[0], want+".") {
		t.Errorf("Dockerfile:%d: builder is %s; want %s, the Go of go.mod", build[0].line, from[0], want)
	}
	stageName := from[2]

	var buildRun string
	copied := map[string]bool{}
	for _, in := range build {
		switch in.cmd {
		case "RUN":
			if strings.Contains(in.args, "go build") {
				buildRun = in.args
			}
		case "COPY":
			f := strings.Fields(in.args)
			for _, src := range f[:len(f)-1] {
				copied[strings.TrimSuffix(strings.TrimPrefix(src, "./"), "/")] = true
			}
		}
	}
	if buildRun == "" {
		t.Fatal("the builder stage has no RUN … go build")
	}
	for _, want := range []string{"CGO_ENABLED=0", "-trimpath", `-ldflags="-s -w"`, "./cmd/mrrbot"} {
		if !strings.Contains(buildRun, want) {
			t.Errorf("the go build lacks %s: RUN %s", want, buildRun)
		}
	}
	// Every package of the module reaches the builder, or the build fails
	// (or worse, an old copy is used).
	if !copied["."] {
		entries, err := os.ReadDir(root)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
				continue
			}
			if goFiles, _ := filepath.Glob(filepath.Join(root, e.Name(), "*.go")); len(goFiles) == 0 {
				if sub, _ := filepath.Glob(filepath.Join(root, e.Name(), "*", "*.go")); len(sub) == 0 {
					continue
				}
			}
			if !copied[e.Name()] {
				t.Errorf("the builder does not COPY %s/, a directory of Go packages", e.Name())
			}
		}
		for _, f := range []string{"go.mod", "go.sum"} {
			if !copied[f] {
				t.Errorf("the builder does not COPY %s", f)
			}
		}
	}

	// The image: small, non-root, serving on 8080.
	base := strings.Fields(final[0].args)[0]
	if base != "scratch" && !strings.HasPrefix(base, "gcr.io/distroless/static") {
		t.Errorf("Dockerfile:%d: the image is based on %s; want gcr.io/distroless/static… or scratch", final[0].line, base)
	}
	got := map[string]string{}
	for _, in := range final {
		got[in.cmd] = in.args // the last of each counts
	}
	if u := got["USER"]; u != "nonroot" && u != "nonroot:nonroot" && u != "65532" && u != "65532:65532" {
		t.Errorf("the image runs as USER %q; want 65532 (nonroot)", u)
	}
	if c := got["COPY"]; !strings.Contains(c, "--from="+stageName) || !strings.HasSuffix(c, " /mrrbot") {
		t.Errorf("the image's COPY is %q; want the binary from the %s stage at /mrrbot", c, stageName)
	}
	for cmd, want := range map[string]string{"ENTRYPOINT": `["/mrrbot"]`, "CMD": `["serve"]`, "EXPOSE": "8080"} {
		if got[cmd] != want {
			t.Errorf("%s %s; want %s %s", cmd, got[cmd], cmd, want)
		}
	}
	if base == "scratch" {
		// scratch has no certificates or zones of its own.
		for _, want := range []string{"ca-certificates", "zoneinfo"} {
			if !strings.Contains(string(data), want) {
				t.Errorf("a scratch image needs %s copied in", want)
			}
		}
	}
}
