//! Black-box acceptance tests of Ressources Relationnelles: the real
//! application, started on port 0 against a fresh SQLite or MariaDB database,
//! driven over real HTTP.
//!
//! Entry points: [`spawn_app`], [`TestApp`], [`Engine`], and [`TcpProxy`] to cut
//! the database connection under a running server.

mod proxy;

use std::path::Path;

use anyhow::Context;
use rr_persistence::testing::TestDatabase;
use rr_server::{Application, Profile, settings};

pub use proxy::TcpProxy;

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// A fresh SQLite file.
    Sqlite,
    /// A fresh MariaDB database (needs `RR_TEST_MARIADB_URL`).
    MariaDb,
}

/// A running application and a client for it.
#[derive(Debug)]
pub struct TestApp {
    /// `http://127.0.0.1:<port>`.
    pub address: String,
    /// Client with a short timeout: a hanging request fails the test.
    pub client: reqwest::Client,
    handle: actix_web::dev::ServerHandle,
    _database: TestDatabase,
}

impl TestApp {
    /// `GET` a path of the application.
    ///
    /// # Errors
    /// When the request fails at the transport level.
    pub async fn get(&self, path: &str) -> anyhow::Result<reqwest::Response> {
        self.client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .with_context(|| format!("GET {path}"))
    }

    /// Stops the server, letting in-flight requests finish.
    pub async fn stop(&self) {
        self.handle.stop(true).await;
    }
}

/// The test profile's settings, on `database` (optionally reached through `port`
/// instead of its own, for [`TcpProxy`]).
fn test_settings(url: &str) -> anyhow::Result<settings::Settings> {
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("../config");
    let mut settings = settings::load(Profile::Test, &config)?;
    settings.database = rr_persistence::testing::test_settings(url);
    Ok(settings)
}

/// Starts the application on a fresh database of `engine`, or returns `None`
/// for MariaDB when `RR_TEST_MARIADB_URL` is unset.
///
/// # Errors
/// When the application cannot start.
pub async fn spawn_app(engine: Engine) -> anyhow::Result<Option<TestApp>> {
    let database = match engine {
        Engine::Sqlite => TestDatabase::sqlite(),
        Engine::MariaDb => match TestDatabase::mariadb().await {
            Some(database) => database,
            None => return Ok(None),
        },
    };
    let url = database.url().to_owned();
    spawn_on(database, &url).await.map(Some)
}

/// Starts the application on `database`, connecting through `url` (which may
/// point at a proxy in front of it).
///
/// # Errors
/// When the application cannot start.
pub async fn spawn_on(database: TestDatabase, url: &str) -> anyhow::Result<TestApp> {
    let application = Application::build(test_settings(url)?).await?;
    let address = format!("http://127.0.0.1:{}", application.port());
    let handle = application.handle();
    tokio::spawn(application.run_until_stopped());
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(5))
        .build()?;
    Ok(TestApp {
        address,
        client,
        handle,
        _database: database,
    })
}

/// Declares, for each listed `async fn(TestApp)`, one test per engine.
#[macro_export]
macro_rules! on_every_engine {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let app = rr_acceptance_tests::spawn_app(rr_acceptance_tests::Engine::Sqlite)
                        .await
                        .expect("the application starts")
                        .expect("SQLite is always available");
                    super::$name(app).await;
                }
            )+
        }
        mod mariadb {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    match rr_acceptance_tests::spawn_app(rr_acceptance_tests::Engine::MariaDb)
                        .await
                        .expect("the application starts")
                    {
                        Some(app) => super::$name(app).await,
                        None => eprintln!("RR_TEST_MARIADB_URL is not set: MariaDB case skipped"),
                    }
                }
            )+
        }
    };
}
