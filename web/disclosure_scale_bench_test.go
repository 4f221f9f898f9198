package web_test

import (
	"cmp"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"portal/web/webtest"
)

// dlistSizes are the sizes BenchmarkDisclosureLists compares (DLIST_SIZES=1000,20000):
// institutions loaded by loadScale, about one in ten filed with 24 months of disclosure.
func dlistSizes() []int {
	out := []int{1000, 20000}
	if v := os.Getenv("DLIST_SIZES"); v != "" {
		out = nil
		for _, f := range strings.Split(v, ",") {
			if n, err := strconv.Atoi(strings.TrimSpace(f)); err == nil && n > 0 {
				out = append(out, n)
			}
		}
	}
	return out
}

// dlistPagesOnly keeps the pages whose path contains one of DLIST_PAGES (comma-separated,
// e.g. DLIST_PAGES=/disclosure/scores,/disclosure/mismatches); all of them without it.
func dlistPagesOnly(pages []scalePage) []scalePage {
	v := os.Getenv("DLIST_PAGES")
	if v == "" {
		return pages
	}
	var out []scalePage
	for _, p := range pages {
		for _, f := range strings.Split(v, ",") {
			if f = strings.TrimSpace(f); f != "" && strings.Contains(p.path, f) {
				out = append(out, p)
				break
			}
		}
	}
	return out
}

var wrkP95 = regexp.MustCompile(`p95_us=([0-9.]+)`)

// wrkPageP95 runs wrk on one page (1 thread, 4 connections: latency, not the queue of a
// saturated server) and returns its 95th-percentile latency, read by the script's done().
func wrkPageP95(b *testing.B, base string, p scalePage, cookie string, d time.Duration) time.Duration {
	script := fmt.Sprintf(`wrk.headers["Cookie"] = %q
request = function() return wrk.format("GET", %q) end
done = function(summary, latency, requests) io.write(string.format("p95_us=%%d\n", latency:percentile(95))) end
`, cookie, p.path)
	f := filepath.Join(b.TempDir(), fmt.Sprintf("dlist-%d.lua", time.Now().UnixNano()))
	if err := os.WriteFile(f, []byte(script), 0o644); err != nil {
		b.Fatal(err)
	}
	out, err := exec.Command("wrk", "-t1", "-c4", "-d"+d.String(), "-s", f, base).CombinedOutput()
	if err != nil {
		b.Fatalf("wrk (make deps-bench installs it): %v\n%s", err, out)
	}
	if strings.Contains(string(out), "Non-2xx") {
		b.Fatalf("wrk saw errors on %s:\n%s", p.path, out)
	}
	m := wrkP95.FindSubmatch(out)
	if m == nil {
		b.Fatalf("cannot read wrk output:\n%s", out)
	}
	us, _ := strconv.ParseFloat(string(m[1]), 64)
	return time.Duration(us * float64(time.Microsecond))
}

var dlistOnce sync.Once

// BenchmarkDisclosureLists is the second benchmark of issue 11 §4: for each size (1,000
// and 20,000 institutions, DLIST_SIZES) it loads the benchmark's own database with
// loadScale (its filed institutions get 24 months of reports, events, loan books and
// documents: loadScaleDisclosure), runs wrk on every officer disclosure list and the
// institution's indicator pages (disclosurePages), and prints the p95 latency at both
// sizes, their ratio (target < 2×) and the statements per page at both sizes; at the
// largest size it prints the EXPLAIN ANALYZE of each list query. Each page is measured at
// every size back to back, three rounds, keeping the round with the median ratio (the
// machine is shared). It runs once per binary, whatever b.N.
func BenchmarkDisclosureLists(b *testing.B) {
	var worst float64
	dlistOnce.Do(func() {
		sizes := dlistSizes()
		d := scaleWrkTime()
		type sized struct {
			env    *webtest.Env
			cs     map[string]*webtest.Client
			counts map[string]int
		}
		var envs []sized
		var pages []scalePage
		for _, n := range sizes {
			env := webtest.New(b)
			if pages == nil {
				pages = dlistPagesOnly(disclosurePages(demoFiledInstitution(b, env)))
			}
			start := time.Now()
			loadScale(b, env, n)
			fmt.Printf("信息披露列表基准：%d 家机构（其中已备案的各 24 个月披露数据）已载入（%v）\n", n, time.Since(start).Round(time.Millisecond))
			cs := scaleClients(b, env, pages...)
			sc := newStmtCounter(b, env, "bench:dlist-count")
			envs = append(envs, sized{env, cs, pageStatements(b, env, cs, sc, pages...)})
		}
		p95 := make([]map[string]time.Duration, len(sizes))
		for i := range p95 {
			p95[i] = map[string]time.Duration{}
		}
		last := len(sizes) - 1
		for _, p := range pages {
			k := p.user + " " + p.path
			for _, e := range envs {
				wrkPageP95(b, e.env.Server.URL, p, cookieHeader(e.cs[p.user], e.env), time.Second) // warm up
			}
			var rounds [][]time.Duration
			for range 3 {
				var r []time.Duration
				for _, e := range envs {
					r = append(r, wrkPageP95(b, e.env.Server.URL, p, cookieHeader(e.cs[p.user], e.env), d))
				}
				rounds = append(rounds, r)
			}
			slices.SortFunc(rounds, func(x, y []time.Duration) int {
				return cmp.Compare(float64(x[last])/float64(x[0]), float64(y[last])/float64(y[0]))
			})
			for i := range sizes {
				p95[i][k] = rounds[1][i]
			}
		}
		explainPages(b, envs[last].env, envs[last].cs, pages...)
		lo, hi := sizes[0], sizes[last]
		fmt.Printf("\n%-56s %10s %10s %7s %12s\n", "page", fmt.Sprintf("p95 %d", lo), fmt.Sprintf("p95 %d", hi), "ratio", "statements")
		for _, p := range pages {
			k := p.user + " " + p.path
			a, z := p95[0][k], p95[last][k]
			ratio := float64(z) / float64(a)
			worst = max(worst, ratio)
			verdict := ""
			if ratio >= 2 {
				verdict += "  超出目标（p95 增长 ≥ 2×）"
			}
			if envs[last].counts[k] != envs[0].counts[k] {
				verdict += "  语句数变化"
			}
			fmt.Printf("%-56s %10v %10v %6.2f× %5d → %-5d%s\n", k, a.Round(10*time.Microsecond), z.Round(10*time.Microsecond), ratio,
				envs[0].counts[k], envs[last].counts[k], verdict)
		}
		fmt.Printf("p95 增长最多的页面：%.2f×（目标 < 2×）\n", worst)
		for _, p := range pages {
			k := p.user + " " + p.path
			if envs[last].counts[k] != envs[0].counts[k] {
				b.Errorf("%s runs %d statements at %d institutions, %d at %d", k, envs[last].counts[k], hi, envs[0].counts[k], lo)
			}
		}
	})
	b.ReportMetric(worst, "worst-p95-ratio")
}
