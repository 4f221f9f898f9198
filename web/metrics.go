package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics is the server's Prometheus registry (one per server, so tests that build many
// servers do not share counters): requests by route pattern, the database pool, the job
// queue, the mail outbox and uploads in flight (issue 13 §5).
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	uploads  prometheus.Gauge
}

func newMetrics(s *Server) *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "portal_http_requests_total",
		Help: "HTTP requests by route pattern, method and status code."}, []string{"route", "method", "code"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "portal_http_request_duration_seconds",
		Help: "HTTP request latency by route pattern and method.", Buckets: prometheus.DefBuckets}, []string{"route", "method"})
	m.uploads = prometheus.NewGauge(prometheus.GaugeOpts{Name: "portal_uploads_in_flight",
		Help: "Multipart uploads being received now."})
	m.reg.MustRegister(m.requests, m.latency, m.uploads, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if sqlDB, err := s.store.SQLDB(); err == nil {
		m.reg.MustRegister(collectors.NewDBStatsCollector(sqlDB, "portal"))
	}
	m.reg.MustRegister(&dbCollector{s: s})
	return m
}

// middleware counts every request under its route pattern (c.Path(), e.g.
// /applications/:id), so an id in the URL does not make a new series; unknown URLs are
// counted as "unmatched".
func (m *metrics) middleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		upload := req.Method == http.MethodPost && strings.HasPrefix(req.Header.Get(echo.HeaderContentType), "multipart/form-data")
		if upload {
			m.uploads.Inc()
			defer m.uploads.Dec()
		}
		start := time.Now()
		err := next(c)
		code := c.Response().Status
		if err != nil {
			if he, ok := err.(*echo.HTTPError); ok {
				code = he.Code
			} else if !c.Response().Committed {
				code = http.StatusInternalServerError
			}
		}
		route := c.Path()
		if route == "" || code == http.StatusNotFound && route == "/*" {
			route = "unmatched"
		}
		m.requests.WithLabelValues(route, req.Method, strconv.Itoa(code)).Inc()
		m.latency.WithLabelValues(route, req.Method).Observe(time.Since(start).Seconds())
		return err
	}
}

// handler serves the registry to the configured addresses only; anyone else is told
// there is no such page.
func (m *metrics) handler(ops OpsConfig) echo.HandlerFunc {
	h := promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
	return func(c echo.Context) error {
		if !ops.metricsAllowed(c.Request().RemoteAddr) {
			return echo.ErrNotFound
		}
		h.ServeHTTP(c.Response(), c.Request())
		return nil
	}
}

// dbCollector reads the queue and the outbox at scrape time.
type dbCollector struct{ s *Server }

var (
	descJobs     = prometheus.NewDesc("portal_jobs", "River jobs by state (available, scheduled, running, retryable, discarded, completed, ...).", []string{"state"}, nil)
	descFailed   = prometheus.NewDesc("portal_jobs_failed", "Jobs that failed: retryable (will retry) plus discarded (gave up, listed on /admin/jobs).", nil, nil)
	descDepth    = prometheus.NewDesc("portal_job_queue_depth", "Jobs waiting to run: available plus scheduled plus retryable.", nil, nil)
	descBacklog  = prometheus.NewDesc("portal_mail_outbox_backlog", "Mail messages written but not yet sent.", nil, nil)
	descScrapeOK = prometheus.NewDesc("portal_metrics_db_up", "1 when the scrape could read the queue and outbox from the database.", nil, nil)
)

func (d *dbCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, x := range []*prometheus.Desc{descJobs, descFailed, descDepth, descBacklog, descScrapeOK} {
		ch <- x
	}
}

func (d *dbCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	counts, err := d.s.store.JobCounts(ctx)
	backlog, err2 := d.s.store.OutboxBacklog(ctx)
	if err != nil || err2 != nil {
		ch <- prometheus.MustNewConstMetric(descScrapeOK, prometheus.GaugeValue, 0)
		return
	}
	for _, st := range []string{"available", "scheduled", "running", "retryable", "discarded", "completed", "cancelled", "pending"} {
		ch <- prometheus.MustNewConstMetric(descJobs, prometheus.GaugeValue, float64(counts[st]), st)
	}
	ch <- prometheus.MustNewConstMetric(descFailed, prometheus.GaugeValue, float64(counts["retryable"]+counts["discarded"]))
	ch <- prometheus.MustNewConstMetric(descDepth, prometheus.GaugeValue, float64(counts["available"]+counts["scheduled"]+counts["retryable"]))
	ch <- prometheus.MustNewConstMetric(descBacklog, prometheus.GaugeValue, float64(backlog))
	ch <- prometheus.MustNewConstMetric(descScrapeOK, prometheus.GaugeValue, 1)
}
