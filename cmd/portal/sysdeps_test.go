package main

// The two commands install what they need on a fresh machine (README, "The two
// commands"): the Makefile's RUN_DEPS, TEST_DEPS and BENCH_DEPS list package:file pairs,
// and a command installs a package when its file is missing. This test reads those lists
// from the Makefile and scans every Go file of the module, tests included, for the system
// files it names (fonts, programs), and fails when a file is not installed by the command
// that runs the code naming it.

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// The commands whose package lists the test checks, and what each one runs.
const (
	cmdRun   = "run"   // the server: code linked into cmd/portal
	cmdTest  = "test"  // go test: every package, tests and fuzz seeds
	cmdBench = "bench" // go test -bench: benchmarks
)

// depPair is one package:file entry of a Makefile list.
type depPair struct{ pkg, file string }

// makeDeps is what the Makefile installs: for each command, the package:file pairs.
type makeDeps map[string][]depPair

// sysRef is one system file that Go code names.
type sysRef struct {
	pos     string // file:line
	path    string // an absolute path, or
	program string // a program looked up by name (exec.Command("pdftotext"))
	inDir   bool   // program joined to a directory (filepath.Join(bin, "initdb")): any directory
	needs   []string
}

func (r sysRef) what() string {
	if r.path != "" {
		return r.path
	}
	return "program " + r.program
}

// systemPrefixes are where Debian packages put files; a string literal starting with one
// of them names a system file. /dev, /proc, /tmp and /etc are the kernel's or the host's.
var systemPrefixes = []string{"/usr/", "/bin/", "/sbin/", "/lib/", "/lib64/", "/opt/", "/snap/"}

func isSystemPath(s string) bool {
	for _, p := range systemPrefixes {
		if len(s) > len(p) && strings.HasPrefix(s, p) && !strings.ContainsAny(s, " \t\n%*?") {
			return true
		}
	}
	return false
}

// TestMakefileInstallsSystemFiles is the check on the real repository.
func TestMakefileInstallsSystemFiles(t *testing.T) {
	root := filepath.Join("..", "..")
	mk, err := os.ReadFile(filepath.Join(root, "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	deps, err := parseMakeDeps(string(mk))
	if err != nil {
		t.Fatalf("Makefile: %v", err)
	}
	refs, err := scanModule(os.DirFS(root))
	if err != nil {
		t.Fatal(err)
	}
	// The scan must see the files the portal is known to open, or it sees nothing.
	for _, want := range []string{"gbsn00lp.ttf", "LXGWWenKai-Regular.ttf", "chromium", "pdftotext", "pdftoppm", "initdb", "wrk"} {
		found := false
		for _, r := range refs {
			found = found || path.Base(r.path) == want || r.program == want
		}
		if !found {
			t.Errorf("the scan found no reference to %s", want)
		}
	}
	for _, p := range missingDeps(deps, refs) {
		t.Error(p)
	}
	// Each listed file belongs to the package named for it, so installing the package
	// brings the file. Only installed files can be asked about (make test leaves wrk out).
	for _, pairs := range deps {
		for _, d := range pairs {
			if _, err := os.Stat(d.file); err != nil {
				t.Logf("%s is not installed here; not asking dpkg about it", d.file)
				continue
			}
			out, err := exec.Command("dpkg-query", "-S", d.file).CombinedOutput()
			if err != nil {
				t.Errorf("Makefile lists %s:%s, but no package owns %s: %v\n%s", d.pkg, d.file, d.file, err, out)
				continue
			}
			if !ownedBy(string(out), d.file, d.pkg) {
				t.Errorf("Makefile lists %s:%s, but dpkg says: %s", d.pkg, d.file, bytes.TrimSpace(out))
			}
		}
	}
}

// ownedBy reads `dpkg-query -S file` output ("pkg1, pkg2: /file") for pkg.
func ownedBy(out, file, pkg string) bool {
	for _, line := range strings.Split(out, "\n") {
		pkgs, f, ok := strings.Cut(line, ": ")
		if !ok || strings.TrimSpace(f) != file {
			continue
		}
		for _, p := range strings.Split(pkgs, ",") {
			p, _, _ = strings.Cut(strings.TrimSpace(p), ":") // pkg:amd64
			if p == pkg {
				return true
			}
		}
	}
	return false
}

// fixture puts the system root into a fixture's made-up paths: they are written "@/…" so
// that the fixtures (programs and fonts nobody installs) are not themselves read as
// references to system files by anything that scans the source.
func fixture(s string) string { return strings.ReplaceAll(s, "@/", "/"+"usr/") }

// TestSysdepsCheckCatchesMissingFiles proves the check can fail: each case is a small
// module and Makefile, with the problems the check must report (by substring).
func TestSysdepsCheckCatchesMissingFiles(t *testing.T) {
	makefile := fixture(`
RUN_DEPS  := pg:@/lib/pg/bin/postgres \
             font-a:@/share/fonts/a/a.ttf
TEST_DEPS := $(RUN_DEPS) \
             browser:@/bin/browser
BENCH_DEPS := $(TEST_DEPS) loadgen:@/bin/loadgen
run: deps-run build
	./var/bin/portal serve
test: deps-test check-generated
	go test ./...
bench: deps-bench
	go test -bench . ./...
deps-run:
	$(call install_missing,$(RUN_DEPS))
deps-test:
	$(call install_missing,$(TEST_DEPS))
deps-bench:
	$(call install_missing,$(BENCH_DEPS))
`)
	const goMod = "module portal\n\ngo 1.26\n"
	const mainGo = "package main\n\nimport _ \"portal/pdf\"\n\nfunc main() {}\n"
	cases := []struct {
		name  string
		files map[string]string
		want  []string // substrings of the problems, one each; none means clean
	}{
		{"all installed", map[string]string{
			"pdf/font.go": `package pdf
const Font = "@/share/fonts/a/a.ttf"`,
			"pdf/font_test.go": `package pdf
import ("os/exec"; "testing")
func TestX(t *testing.T) { exec.Command("@/bin/browser").Run() }
func BenchmarkX(b *testing.B) { exec.Command("loadgen").Run() }`,
			"pg/pg.go": `package pg
import ("os/exec"; "path/filepath")
const Bin = "@/lib/pg/bin"
func Start(dir string) { exec.Command(filepath.Join(dir, "postgres")).Run() }`,
		}, nil},
		{"a font nobody installs", map[string]string{
			"pdf/font.go": `package pdf
const Fallback = "@/share/fonts/fake/fake-font.ttf"`,
		}, []string{"fake-font.ttf: make bench", "fake-font.ttf: make run", "fake-font.ttf: make test"}},
		{"a font only the tests install, opened by the server", map[string]string{
			"pdf/font.go": `package pdf
const Font = "@/bin/browser"`,
		}, []string{"@/bin/browser: make run"}},
		{"a program by name", map[string]string{
			"pdf/x_test.go": `package pdf
import ("os/exec"; "testing")
func TestX(t *testing.T) { run() }
func run() { exec.Command("pdftotext", "x.pdf").Run() }`,
		}, []string{"program pdftotext: make test"}},
		{"a benchmark's program, used by a test", map[string]string{
			"pdf/x_test.go": `package pdf
import (x "os/exec"; "testing")
func TestX(t *testing.T) { load() }
func BenchmarkX(b *testing.B) { load() }
func load() { x.LookPath("loadgen") }`,
		}, []string{"program loadgen: make test"}},
		{"a program in a directory", map[string]string{
			"pg/pg.go": `package pg
import ("os/exec"; "path/filepath")
func Ready(dir string) { exec.Command(filepath.Join(dir, "pg_isready")).Run() }`,
		}, []string{"program pg_isready: make test"}},
		{"a test-only helper package", map[string]string{
			"browsertest/b.go": `package browsertest
const Path = "@/bin/other-browser"`,
		}, []string{"@/bin/other-browser: make test"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			deps, err := parseMakeDeps(makefile)
			if err != nil {
				t.Fatal(err)
			}
			mod := fakeFS{"go.mod": goMod, "cmd/portal/main.go": mainGo, "pdf/doc.go": "package pdf\n"}
			for k, v := range c.files {
				mod[k] = fixture(v)
			}
			refs, err := scanModule(mod.fs(t))
			if err != nil {
				t.Fatal(err)
			}
			got := missingDeps(deps, refs)
			if len(got) != len(c.want) {
				t.Fatalf("problems %q, want %d matching %q", got, len(c.want), c.want)
			}
			for i, w := range c.want {
				if w = fixture(w); !strings.Contains(got[i], w) {
					t.Errorf("problem %q does not say %q", got[i], w)
				}
			}
		})
	}
}

func TestParseMakeDeps(t *testing.T) {
	deps, err := parseMakeDeps(fixture(`
A := p1:@/bin/one \
     p2:@/bin/two
B := $(A) p3:@/bin/three
run: deps-a
deps-a:
	$(call install_missing,$(A))
test: deps-b
deps-b:
	$(call install_missing,$(B))
bench: deps-b
`))
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprint(deps[cmdRun], deps[cmdTest], deps[cmdBench])
	want := fixture("[{p1 @/bin/one} {p2 @/bin/two}] [{p1 @/bin/one} {p2 @/bin/two} {p3 @/bin/three}] [{p1 @/bin/one} {p2 @/bin/two} {p3 @/bin/three}]")
	if got != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
	if _, err := parseMakeDeps("run:\n\techo\n"); err == nil {
		t.Error("a Makefile whose commands install nothing: no error")
	}
	if _, err := parseMakeDeps("A := nocolon\nrun: d\nd:\n\t$(call install_missing,$(A))\ntest: d\nbench: d\n"); err == nil {
		t.Error("an entry without package:file: no error")
	}
}

type fakeFS map[string]string

func (m fakeFS) fs(t *testing.T) fs.FS {
	dir := t.TempDir()
	for name, body := range m {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return os.DirFS(dir)
}

// parseMakeDeps reads the variables of a Makefile (NAME := value, with \ continuations
// and $(VAR) references) and the targets run, test and bench: each command's packages
// are those of the install_missing calls in the recipes of the targets it depends on.
func parseMakeDeps(mk string) (makeDeps, error) {
	mk = strings.ReplaceAll(mk, "\\\n", " ")
	vars := map[string]string{}
	prereqs := map[string][]string{}
	recipes := map[string][]string{}
	assign := regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*)\s*[:?]?=\s*(.*)$`)
	rule := regexp.MustCompile(`^([A-Za-z0-9_.-]+)\s*:([^=].*|)$`)
	target := ""
	for _, line := range strings.Split(mk, "\n") {
		if strings.HasPrefix(line, "\t") {
			if target != "" {
				recipes[target] = append(recipes[target], line)
			}
			continue
		}
		if m := assign.FindStringSubmatch(line); m != nil {
			vars[m[1]] = m[2]
			target = ""
			continue
		}
		if m := rule.FindStringSubmatch(line); m != nil {
			target = m[1]
			prereqs[target] = append(prereqs[target], strings.Fields(m[2])...)
			continue
		}
		if strings.TrimSpace(line) != "" && !strings.HasPrefix(line, "#") {
			target = ""
		}
	}
	ref := regexp.MustCompile(`\$\(([A-Za-z_][A-Za-z0-9_]*)\)`)
	var expand func(s string, depth int) string
	expand = func(s string, depth int) string {
		if depth > 10 {
			return s
		}
		return ref.ReplaceAllStringFunc(s, func(r string) string {
			return expand(vars[ref.FindStringSubmatch(r)[1]], depth+1)
		})
	}
	call := regexp.MustCompile(`\$\(call install_missing,\$\(([A-Za-z_][A-Za-z0-9_]*)\)\)`)
	deps := makeDeps{}
	for _, cmd := range []string{cmdRun, cmdTest, cmdBench} {
		seen := map[string]bool{}
		var walk func(tg string) error
		walk = func(tg string) error {
			if seen[tg] {
				return nil
			}
			seen[tg] = true
			for _, line := range recipes[tg] {
				for _, m := range call.FindAllStringSubmatch(line, -1) {
					for _, f := range strings.Fields(expand(vars[m[1]], 0)) {
						pkg, file, ok := strings.Cut(f, ":")
						if !ok || pkg == "" || !strings.HasPrefix(file, "/") {
							return fmt.Errorf("%s: %q is not package:/file", m[1], f)
						}
						deps[cmd] = append(deps[cmd], depPair{pkg, file})
					}
				}
			}
			for _, p := range prereqs[tg] {
				if err := walk(p); err != nil {
					return err
				}
			}
			return nil
		}
		if err := walk(cmd); err != nil {
			return nil, err
		}
		if len(deps[cmd]) == 0 {
			return nil, fmt.Errorf("make %s installs no package", cmd)
		}
	}
	return deps, nil
}

// missingDeps lists, sorted, every reference whose file a command that runs it does not install.
func missingDeps(deps makeDeps, refs []sysRef) []string {
	var out []string
	for _, r := range refs {
		for _, cmd := range r.needs {
			if !covers(deps[cmd], r) {
				out = append(out, fmt.Sprintf("%s: %s: make %s does not install it (add package:file to the Makefile's list for %s)", r.pos, r.what(), cmd, cmd))
			}
		}
	}
	sort.Strings(out)
	return out
}

// sameFile treats Debian 12's merged /usr: /bin/x is /usr/bin/x.
func sameFile(a, b string) bool {
	norm := func(p string) string {
		for _, d := range []string{"/bin/", "/sbin/", "/lib/", "/lib64/"} {
			if strings.HasPrefix(p, d) {
				return "/usr" + p
			}
		}
		return p
	}
	return norm(a) == norm(b)
}

func covers(pairs []depPair, r sysRef) bool {
	for _, d := range pairs {
		switch {
		case r.path != "":
			// a file, or a directory holding a listed file
			if sameFile(d.file, r.path) || strings.HasPrefix(d.file, strings.TrimRight(r.path, "/")+"/") {
				return true
			}
		case r.inDir:
			if path.Base(d.file) == r.program {
				return true
			}
		default:
			// a program found on PATH
			dir := strings.TrimPrefix(path.Dir(path.Join("/usr", strings.TrimPrefix(d.file, "/usr"))), "/")
			if path.Base(d.file) == r.program && (dir == "usr/bin" || dir == "usr/sbin") {
				return true
			}
		}
	}
	return false
}

// scanModule parses every .go file of the module in fsys and returns the system files
// they name, each with the commands that run it:
//   - code linked into cmd/portal runs under make run, make test and make bench;
//   - other non-test code (test helpers such as browsertest) under make test;
//   - in _test.go files, what Test, Fuzz, Example, TestMain or init reach runs under
//     make test, what a Benchmark reaches under make bench, unreachable code under make test.
func scanModule(fsys fs.FS) ([]sysRef, error) {
	modBytes, err := fs.ReadFile(fsys, "go.mod")
	if err != nil {
		return nil, err
	}
	m := regexp.MustCompile(`(?m)^module\s+(\S+)`).FindSubmatch(modBytes)
	if m == nil {
		return nil, fmt.Errorf("go.mod names no module")
	}
	module := string(m[1])
	type goFile struct {
		name string
		dir  string
		test bool
		ast  *ast.File
	}
	fset := token.NewFileSet()
	var files []goFile
	err = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != "." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "var" || d.Name() == "node_modules") {
				return fs.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") {
			return nil
		}
		src, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		f, err := parser.ParseFile(fset, p, src, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		files = append(files, goFile{p, path.Dir(p), strings.HasSuffix(p, "_test.go"), f})
		return nil
	})
	if err != nil {
		return nil, err
	}

	// The packages linked into the server: cmd/portal and what it imports, transitively.
	imports := map[string][]string{}
	for _, f := range files {
		if f.test {
			continue
		}
		for _, im := range f.ast.Imports {
			ip, _ := strconv.Unquote(im.Path.Value)
			if ip == module || strings.HasPrefix(ip, module+"/") {
				imports[f.dir] = append(imports[f.dir], strings.TrimPrefix(strings.TrimPrefix(ip, module), "/"))
			}
		}
	}
	inServer := map[string]bool{}
	var link func(dir string)
	link = func(dir string) {
		if inServer[dir] {
			return
		}
		inServer[dir] = true
		for _, d := range imports[dir] {
			link(d)
		}
	}
	link("cmd/portal")

	// In each package's test files: which functions the test and bench roots reach, by name.
	type testPkg struct {
		calls map[string]map[string]bool // function → functions and methods it calls
		roots map[string][]string        // command → root functions
	}
	tests := map[string]*testPkg{}
	for _, f := range files {
		if !f.test {
			continue
		}
		tp := tests[f.dir]
		if tp == nil {
			tp = &testPkg{calls: map[string]map[string]bool{}, roots: map[string][]string{}}
			tests[f.dir] = tp
		}
		for _, decl := range f.ast.Decls {
			name := declName(decl)
			switch {
			case strings.HasPrefix(name, "Benchmark"):
				tp.roots[cmdBench] = append(tp.roots[cmdBench], name)
			case strings.HasPrefix(name, "Test"), strings.HasPrefix(name, "Fuzz"), strings.HasPrefix(name, "Example"), name == "init", name == "":
				tp.roots[cmdTest] = append(tp.roots[cmdTest], name)
			}
			if tp.calls[name] == nil {
				tp.calls[name] = map[string]bool{}
			}
			ast.Inspect(decl, func(n ast.Node) bool {
				if c, ok := n.(*ast.CallExpr); ok {
					switch fn := c.Fun.(type) {
					case *ast.Ident:
						tp.calls[name][fn.Name] = true
					case *ast.SelectorExpr:
						tp.calls[name][fn.Sel.Name] = true
					}
				}
				if id, ok := n.(*ast.Ident); ok { // functions passed as values
					tp.calls[name][id.Name] = true
				}
				return true
			})
		}
	}
	reach := map[string]map[string]map[string]bool{} // dir → command → reached functions
	for dir, tp := range tests {
		reach[dir] = map[string]map[string]bool{}
		for cmd, roots := range tp.roots {
			seen := map[string]bool{}
			var visit func(fn string)
			visit = func(fn string) {
				if seen[fn] {
					return
				}
				seen[fn] = true
				for callee := range tp.calls[fn] {
					if _, ok := tp.calls[callee]; ok {
						visit(callee)
					}
				}
			}
			for _, r := range roots {
				visit(r)
			}
			reach[dir][cmd] = seen
		}
	}

	var refs []sysRef
	for _, f := range files {
		for _, decl := range f.ast.Decls {
			var needs []string
			switch name := declName(decl); {
			case !f.test && inServer[f.dir]:
				needs = []string{cmdRun, cmdTest, cmdBench}
			case !f.test:
				needs = []string{cmdTest}
			default:
				for _, cmd := range []string{cmdTest, cmdBench} {
					if reach[f.dir][cmd][name] {
						needs = append(needs, cmd)
					}
				}
				if len(needs) == 0 {
					needs = []string{cmdTest}
				}
			}
			for _, r := range declRefs(fset, f.ast, decl) {
				r.needs = needs
				refs = append(refs, r)
			}
		}
	}
	return refs, nil
}

// declName is a function's name, a method's name, or "" for other declarations.
func declName(d ast.Decl) string {
	if fn, ok := d.(*ast.FuncDecl); ok {
		return fn.Name.Name
	}
	return ""
}

// declRefs finds, in one declaration, the string literals naming a system path and the
// programs started or looked up by name through os/exec.
func declRefs(fset *token.FileSet, f *ast.File, decl ast.Decl) []sysRef {
	execName := ""
	pathNames := map[string]bool{}
	for _, im := range f.Imports {
		ip, _ := strconv.Unquote(im.Path.Value)
		local := path.Base(ip)
		if im.Name != nil {
			local = im.Name.Name
		}
		switch ip {
		case "os/exec":
			execName = local
		case "path/filepath", "path":
			pathNames[local] = true
		}
	}
	pos := func(n ast.Node) string {
		p := fset.Position(n.Pos())
		return fmt.Sprintf("%s:%d", p.Filename, p.Line)
	}
	var refs []sysRef
	ast.Inspect(decl, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BasicLit:
			if n.Kind == token.STRING {
				if s, err := strconv.Unquote(n.Value); err == nil && isSystemPath(s) {
					refs = append(refs, sysRef{pos: pos(n), path: s})
				}
			}
		case *ast.CallExpr:
			sel, ok := n.Fun.(*ast.SelectorExpr)
			if !ok || execName == "" || !isPkg(sel.X, execName) || len(n.Args) == 0 {
				return true
			}
			var arg ast.Expr
			switch sel.Sel.Name {
			case "Command", "LookPath":
				arg = n.Args[0]
			case "CommandContext":
				if len(n.Args) < 2 {
					return true
				}
				arg = n.Args[1]
			default:
				return true
			}
			// go is the toolchain every make command runs with ($(GO)), not a package
			if s, ok := stringLit(arg); ok && !strings.Contains(s, "/") && s != "go" {
				refs = append(refs, sysRef{pos: pos(arg), program: s})
			}
			if join, ok := arg.(*ast.CallExpr); ok {
				if js, ok := join.Fun.(*ast.SelectorExpr); ok && js.Sel.Name == "Join" && len(join.Args) > 1 {
					if id, ok := js.X.(*ast.Ident); ok && pathNames[id.Name] {
						if s, ok := stringLit(join.Args[len(join.Args)-1]); ok && !strings.Contains(s, "/") {
							refs = append(refs, sysRef{pos: pos(arg), program: s, inDir: true})
						}
					}
				}
			}
		}
		return true
	})
	return refs
}

func isPkg(x ast.Expr, name string) bool {
	id, ok := x.(*ast.Ident)
	return ok && id.Name == name
}

func stringLit(e ast.Expr) (string, bool) {
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	return s, err == nil
}
