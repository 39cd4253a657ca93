//! Wiring: adapters into use cases, use cases into the HTTP application.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::HttpServer;
use actix_web::dev::{Server, ServerHandle};
use anyhow::Context;
use rr_application::ports::SystemClock;
use rr_application::services::{
    EngagementPorts, EngagementService, FeatureFlagService, NotificationService,
};
use rr_application::services::{
    HealthService, ReferenceDataService, ResourcePorts, ResourceService, WriteLimiter,
};
use rr_http::middleware::ClientRateLimit;
use rr_http::{Contract, HttpSettings, Metrics, Services, VersionInfo};
use rr_persistence::{BufferedStatistics, Database};

use crate::Settings;

/// The running server: its port, and the future that serves until stopped.
pub struct Application {
    port: u16,
    server: Server,
    database: Database,
    statistics: Arc<BufferedStatistics>,
    flusher: tokio::task::JoinHandle<()>,
    /// The hourly purge of notifications past their retention.
    purge: tokio::task::JoinHandle<()>,
    /// The export worker: production and the sweep of archives.
    exports: tokio::task::JoinHandle<()>,
    /// The periodic reading of the feature flags into memory.
    flags: tokio::task::JoinHandle<()>,
}

impl std::fmt::Debug for Application {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Application")
            .field("port", &self.port)
            .finish_non_exhaustive()
    }
}

impl Application {
    /// Connects to the database, applies migrations when configured to, and binds
    /// the listening socket. Nothing is served until [`Self::run_until_stopped`].
    ///
    /// # Errors
    /// When the database cannot be reached or migrated, or the address cannot be bound.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let database = Database::connect(&settings.database)
            .await
            .context("opening the database")?;
        if settings.database.migrate_on_start {
            database
                .migrate_up(None)
                .await
                .context("applying migrations")?;
        }
        tracing::info!(engine = database.engine().name(), "database ready");
        database.cache_comment_threads(
            Duration::from_millis(settings.comments.thread_cache_ttl_ms),
            settings.comments.thread_cache_capacity,
        );

        let statistics = database.statistics(settings.statistics.buffer_capacity);
        let flusher = statistics.spawn_flusher(Duration::from_millis(
            settings.statistics.flush_interval_ms.max(1),
        ));
        let statistics = Arc::new(statistics);
        // One budget table for every service that writes for an account.
        let write_limits = Arc::new(WriteLimiter::new(
            &settings.limits.writes.policy(),
            Arc::new(SystemClock),
        ));
        let notifications = crate::wiring::notifications(&settings, &database)?;
        let purge = spawn_notification_purge(notifications.clone());
        let data_exports = crate::wiring::data_exports(&settings, &database)?;
        let exports =
            crate::exports::spawn_worker(data_exports.clone(), settings.exports.poll_interval());
        let resources = ResourceService::new(ResourcePorts {
            resources: database.resources(),
            catalogue: database.catalogue(),
            statistics: statistics.clone(),
            users: database.users(),
            reference_data: database.reference_data(),
            audit: database.audit_log(),
            clock: Arc::new(SystemClock),
            write_limits: write_limits.clone(),
            moderation_log: database.moderation_log(),
            notifier: crate::wiring::notifier(&notifications),
        })
        .with_visitor_pages(
            Duration::from_millis(settings.resources.visitor_pages_ttl_ms),
            settings.resources.visitor_pages_capacity,
        );
        let moderation = crate::wiring::moderation(
            &settings,
            &database,
            resources.clone(),
            crate::wiring::notifier(&notifications),
            write_limits.clone(),
        );
        // One identity service: the privacy use cases refresh its caches.
        let identity = crate::wiring::identity(&settings, &database)?;
        // One attachment service: erasure removes content under its lock.
        let attachments = crate::wiring::attachments(&settings, &database)?;
        let erasure = crate::wiring::erasure(
            &settings,
            &database,
            identity.clone(),
            attachments.clone(),
            data_exports.clone(),
        )?;
        let privacy = crate::wiring::privacy(&database, identity.clone());
        let subject_requests = crate::wiring::subject_requests(
            &settings,
            &database,
            erasure.clone(),
            data_exports.clone(),
            identity.clone(),
            privacy.clone(),
        )?;
        // Read once before serving, then every `features.refresh_secs`: the
        // requests are answered from memory (ADR 0028).
        let feature_flags = crate::wiring::feature_flags(&database);
        match feature_flags.refresh().await {
            Ok(count) => tracing::info!(count, "feature flags read"),
            Err(err) => {
                tracing::warn!(error = %err, "feature flags not read: every flag is off until the next refresh");
            }
        }
        let flags = spawn_flag_refresh(feature_flags.clone(), settings.features.refresh_interval());
        let services = Services {
            reference_data: ReferenceDataService::new(database.reference_data()).with_memory(
                Duration::from_millis(settings.resources.reference_data_ttl_ms),
                Arc::new(SystemClock),
            ),
            health: HealthService::new(database.health()),
            attachments,
            privacy,
            identity,
            resources: resources.clone(),
            engagement: EngagementService::new(EngagementPorts {
                resources: database.resources(),
                users: database.users(),
                engagement: database.engagement(),
                clock: Arc::new(SystemClock),
            }),
            comments: crate::wiring::comments(
                &settings,
                &database,
                crate::wiring::notifier(&notifications),
                write_limits.clone(),
            )?,
            notifications,
            moderation,
            statistics: crate::wiring::statistics(&settings, &database)?,
            accounts: crate::wiring::accounts(&settings, &database)?,
            data_exports,
            erasure,
            subject_requests,
            processing_register: crate::wiring::processing_register(&settings)?,
            breaches: crate::wiring::breaches(&settings, &database)?,
            feature_flags,
            auth_rate_limit: ClientRateLimit::new(
                settings.http.auth_requests_per_minute,
                settings.http.auth_burst,
                settings.http.trust_forwarded_for,
            ),
            metrics: Metrics::new().context("registering metrics")?,
            version: VersionInfo {
                name: "rr-server".into(),
                version: env!("CARGO_PKG_VERSION").into(),
                api_version: "v1".into(),
            },
        };
        let contract = Contract::new().context("serialising the OpenAPI document")?;
        let listener = TcpListener::bind((settings.http.host.as_str(), settings.http.port))
            .with_context(|| format!("binding {}:{}", settings.http.host, settings.http.port))?;
        let address = listener.local_addr().context("reading the bound address")?;
        let server = serve(listener, services, contract, settings.http)?;
        tracing::info!("listening on http://{address}");
        Ok(Self {
            port: address.port(),
            server,
            database,
            statistics,
            flusher,
            purge,
            exports,
            flags,
        })
    }

    /// The bound port (useful when the configuration asked for port 0).
    #[must_use]
    pub fn port(&self) -> u16 {
        self.port
    }

    /// A handle to stop the server gracefully from elsewhere (tests).
    #[must_use]
    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// Serves until a signal or [`ServerHandle::stop`]. On SIGTERM (and on a
    /// graceful `stop`) in-flight requests finish within the configured shutdown
    /// timeout; SIGINT and SIGQUIT stop at once. Then the statistics counted
    /// since their last write are written, and the pool closes.
    ///
    /// # Errors
    /// When the server fails while running.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let served = self.server.await.context("serving HTTP");
        self.flusher.abort();
        self.purge.abort();
        self.exports.abort();
        self.flags.abort();
        self.statistics.flush_logged().await;
        served?;
        tracing::info!("server stopped; closing the database pool");
        self.database
            .close()
            .await
            .context("closing the database pool")
    }
}

/// How often each node purges the notifications past their retention.
const NOTIFICATION_PURGE_EVERY: Duration = Duration::from_secs(3600);

/// Purges expired notifications at start and then every
/// [`NOTIFICATION_PURGE_EVERY`]. Every node runs it; deleting what another
/// node already deleted is harmless. A failure is logged and retried at the
/// next round.
fn spawn_notification_purge(service: NotificationService) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(NOTIFICATION_PURGE_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            match service.purge_expired().await {
                Ok(0) => {}
                Ok(purged) => tracing::info!(purged, "expired notifications purged"),
                Err(err) => {
                    tracing::warn!(error = %err, "notification purge failed; retried next round")
                }
            }
        }
    })
}

/// Reads the feature flags into memory every `every`, after the read at
/// start-up. A failure is logged and the flags read last stay in force
/// until a later read succeeds.
fn spawn_flag_refresh(service: FeatureFlagService, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        // The first tick is immediate: the start-up read just happened.
        ticks.tick().await;
        loop {
            ticks.tick().await;
            if let Err(err) = service.refresh().await {
                tracing::warn!(error = %err, "feature flags not read; the last ones read stay in force");
            }
        }
    })
}

fn serve(
    listener: TcpListener,
    services: Services,
    contract: Contract,
    http: HttpSettings,
) -> anyhow::Result<Server> {
    let settings = http.clone();
    let mut server = HttpServer::new(move || rr_http::build(&services, &settings, &contract));
    if http.workers > 0 {
        server = server.workers(http.workers);
    }
    Ok(server
        .shutdown_timeout(http.shutdown_timeout_secs)
        .client_request_timeout(Duration::from_secs(10))
        .listen(listener)
        .context("listening")?
        .run())
}
