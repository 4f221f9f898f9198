package web_test

import (
	"net/http"
	"net/netip"
	"strings"
	"testing"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"portal/web"
	"portal/web/webtest"
)

// TestMetricsByRoutePatternAndOnlyFromAllowedAddresses: /metrics answers the loopback
// test client in Prometheus text; requests are counted under their route pattern, not
// the URL; the pool, queue, outbox and upload gauges are there; an address outside the
// configured list gets 404.
func TestMetricsByRoutePatternAndOnlyFromAllowedAddresses(t *testing.T) {
	env := webtest.New(t)
	c := env.Client(t)
	c.Get("/notices")
	c.Get("/notices/1")
	c.Get("/notices/2")
	c.Get("/no-such-page")
	resp, body := c.Get("/metrics")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/metrics from loopback: %d", resp.StatusCode)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	count := func(route string) float64 {
		sum := 0.0
		for _, m := range families["portal_http_requests_total"].GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "route" && l.GetValue() == route {
					sum += m.GetCounter().GetValue()
				}
			}
		}
		return sum
	}
	if count("/notices/:id") != 2 || count("/notices") != 1 || count("/notices/1") != 0 {
		t.Errorf("requests by route: /notices/:id %v, /notices %v, /notices/1 %v", count("/notices/:id"), count("/notices"), count("/notices/1"))
	}
	for _, name := range []string{"portal_http_request_duration_seconds", "go_sql_max_open_connections", "go_sql_in_use_connections", "go_sql_wait_count_total",
		"portal_jobs", "portal_jobs_failed", "portal_job_queue_depth", "portal_mail_outbox_backlog", "portal_uploads_in_flight"} {
		if families[name] == nil {
			t.Errorf("metric %s missing", name)
		}
	}
	// The demo data's decisions wrote mail that no worker has sent in this test.
	backlog, _ := env.Store.OutboxBacklog(t.Context())
	if got := families["portal_mail_outbox_backlog"].GetMetric()[0].GetGauge().GetValue(); backlog == 0 || got != float64(backlog) {
		t.Errorf("outbox backlog metric %v; store says %d", got, backlog)
	}

	other := webtest.New(t, func(c *web.Config) { c.Ops.MetricsAllow = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")} })
	if resp, _ := other.Client(t).Get("/metrics"); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("/metrics from an address outside the list: %d; want 404", resp.StatusCode)
	}
}
