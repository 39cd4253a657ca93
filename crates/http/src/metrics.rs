//! Prometheus metrics of the HTTP adapter, in a registry of its own (no global state).

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGaugeVec, Opts, Registry, TextEncoder,
};
use rr_application::ports::PoolStatus;

/// Request counters, latency histograms and database pool gauges.
#[derive(Debug, Clone)]
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    pool: IntGaugeVec,
}

/// Label used for requests that matched no route, to keep cardinality bounded.
pub const UNMATCHED_ROUTE: &str = "unmatched";

impl Metrics {
    /// A fresh registry with every metric registered.
    ///
    /// # Errors
    /// When two metrics share a name (a bug caught by the first test).
    pub fn new() -> Result<Self, prometheus::Error> {
        let registry = Registry::new_custom(Some("rr".into()), None)?;
        let labels = &["method", "route", "status"];
        let requests = IntCounterVec::new(
            Opts::new(
                "http_requests_total",
                "HTTP requests answered, by route pattern and status.",
            ),
            labels,
        )?;
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "http_request_duration_seconds",
                "Time to answer an HTTP request, by route pattern and status.",
            )
            .buckets(vec![
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
            ]),
            labels,
        )?;
        let pool = IntGaugeVec::new(
            Opts::new(
                "db_pool_connections",
                "Database pool connections, by state (open, idle, max).",
            ),
            &["state"],
        )?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(latency.clone()))?;
        registry.register(Box::new(pool.clone()))?;
        Ok(Self {
            registry,
            requests,
            latency,
            pool,
        })
    }

    /// Counts one answered request.
    pub fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let status = status.to_string();
        let labels = [method, route, status.as_str()];
        self.requests.with_label_values(&labels).inc();
        self.latency.with_label_values(&labels).observe(seconds);
    }

    /// The text exposition format, with the pool gauges as of now.
    ///
    /// # Errors
    /// When encoding fails (never for the metric types used here).
    pub fn render(&self, pool: PoolStatus) -> Result<String, prometheus::Error> {
        self.pool
            .with_label_values(&["open"])
            .set(i64::from(pool.open));
        self.pool
            .with_label_values(&["idle"])
            .set(i64::from(pool.idle));
        self.pool
            .with_label_values(&["max"])
            .set(i64::from(pool.max));
        let mut buffer = Vec::new();
        TextEncoder::new().encode(&self.registry.gather(), &mut buffer)?;
        String::from_utf8(buffer).map_err(|e| prometheus::Error::Msg(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_requests_by_route_and_status_and_the_pool() {
        let metrics = Metrics::new().unwrap();
        metrics.observe("GET", "/api/v1/categories", 200, 0.003);
        metrics.observe("GET", "/api/v1/categories", 200, 0.004);

        let text = metrics
            .render(PoolStatus {
                open: 3,
                idle: 2,
                max: 10,
            })
            .unwrap();

        assert!(text.contains(
            r#"rr_http_requests_total{method="GET",route="/api/v1/categories",status="200"} 2"#
        ));
        assert!(text.contains("rr_http_request_duration_seconds_bucket"));
        assert!(text.contains(r#"rr_db_pool_connections{state="idle"} 2"#));
        assert!(text.contains(r#"rr_db_pool_connections{state="max"} 10"#));
    }
}
