//! Black-box acceptance tests of Ressources Relationnelles: the real
//! application, started on port 0 against a fresh SQLite or MariaDB database,
//! driven over real HTTP.
//!
//! Entry points: [`spawn_app`], [`TestApp`], [`Engine`], and [`TcpProxy`] to cut
//! the database connection under a running server.

mod proxy;

use std::path::Path;

use anyhow::Context;
use rr_application::services::identity::StaffAccount;
use rr_domain::credentials::Password;
use rr_domain::identity::{CountryCode, Email, PersonName, Role, Username};
use rr_persistence::testing::TestDatabase;
use rr_server::{Application, Profile, settings};

pub use proxy::TcpProxy;

/// The password of the accounts [`TestApp::citizen`] creates.
pub const PASSWORD: &str = "Tournesol-Bleu-2026!";

/// The TOTP code of the base32 `secret`, `ahead` steps of 30 s from now.
///
/// # Panics
/// When `secret` is not base32.
#[must_use]
#[allow(clippy::expect_used)] // the secret comes from the server under test: a bad one should fail the test loudly
pub fn totp_code(secret: &str, ahead: u64) -> String {
    let secret = data_encoding::BASE32_NOPAD
        .decode(secret.as_bytes())
        .expect("a base32 TOTP secret");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    totp_rs::Builder::new()
        .with_secret(secret)
        .build_noncompliant()
        .generate(now + 30 * ahead)
        .to_string()
}

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
    /// The settings the application runs with.
    pub settings: settings::Settings,
    handle: actix_web::dev::ServerHandle,
    database: TestDatabase,
    workdir: tempfile::TempDir,
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

    /// `POST` JSON to a path, with an optional bearer token.
    ///
    /// # Errors
    /// When the request fails at the transport level.
    pub async fn post(
        &self,
        path: &str,
        body: &serde_json::Value,
        token: Option<&str>,
    ) -> anyhow::Result<reqwest::Response> {
        let mut request = self
            .client
            .post(format!("{}{path}", self.address))
            .json(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.with_context(|| format!("POST {path}"))
    }

    /// `GET` a path with a bearer token.
    ///
    /// # Errors
    /// When the request fails at the transport level.
    pub async fn get_with(&self, path: &str, token: &str) -> anyhow::Result<reqwest::Response> {
        self.client
            .get(format!("{}{path}", self.address))
            .bearer_auth(token)
            .send()
            .await
            .with_context(|| format!("GET {path}"))
    }

    /// The token of the last link mailed to `to` (`…?jeton=<token>`), read
    /// from the `.eml` files of the outbox directory.
    ///
    /// # Errors
    /// When the outbox cannot be read.
    pub fn last_mailed_token(&self, to: &str) -> anyhow::Result<Option<String>> {
        let mut messages: Vec<(std::time::SystemTime, String)> = Vec::new();
        let dir = self.workdir.path().join("outbox");
        if !dir.exists() {
            return Ok(None);
        }
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            let modified = std::fs::metadata(&path)?.modified()?;
            messages.push((
                modified,
                decode_quoted_printable(&std::fs::read_to_string(&path)?),
            ));
        }
        messages.sort_by_key(|(modified, _)| *modified);
        Ok(messages
            .iter()
            .rev()
            .filter(|(_, text)| text.lines().any(|line| line == format!("To: {to}")))
            .find_map(|(_, text)| {
                let rest = text.split("jeton=").nth(1)?;
                Some(
                    rest.chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                        .collect(),
                )
            }))
    }

    /// Registers `username` (email `<username>@exemple.fr`, password
    /// [`PASSWORD`]), verifies the address through the mailed link and logs
    /// in; returns the access token.
    ///
    /// # Errors
    /// When a step does not answer as it should.
    pub async fn citizen(&self, username: &str) -> anyhow::Result<String> {
        let email = format!("{username}@exemple.fr");
        let body = serde_json::json!({
            "email": email, "username": username, "firstName": "Léa", "lastName": "Martin", "country": "FR",
            "password": PASSWORD, "acceptedPolicyVersion": "2026-11", "ageDeclaration": true
        });
        anyhow::ensure!(
            self.post("/api/v1/auth/register", &body, None)
                .await?
                .status()
                == 202,
            "registration"
        );
        let token = self
            .last_mailed_token(&email)?
            .context("no verification link")?;
        let verified = self
            .post(
                "/api/v1/auth/verify-email",
                &serde_json::json!({ "token": token }),
                None,
            )
            .await?;
        anyhow::ensure!(verified.status() == 204, "verification");
        let login = serde_json::json!({"email": email, "password": PASSWORD});
        let tokens: serde_json::Value = self
            .post("/api/v1/auth/login", &login, None)
            .await?
            .json()
            .await?;
        tokens["accessToken"]
            .as_str()
            .map(ToOwned::to_owned)
            .context("no access token")
    }

    /// A staff member `username` of `role` (email `<username>@exemple.fr`,
    /// password [`PASSWORD`]), created as `rr-server admin create-user`
    /// does, who enrols two-factor authentication and logs in with it over
    /// HTTP; returns the access token.
    ///
    /// # Errors
    /// When a step does not answer as it should.
    pub async fn staff(&self, username: &str, role: Role) -> anyhow::Result<String> {
        let database = rr_persistence::Database::connect(&self.settings.database).await?;
        let identity = rr_server::wiring::identity(&self.settings, &database)?;
        let email = format!("{username}@exemple.fr");
        identity
            .bootstrap_account(
                StaffAccount {
                    email: Email::parse(&email)?,
                    username: Username::parse(username)?,
                    first_name: PersonName::parse("Camille")?,
                    last_name: PersonName::parse("Durand")?,
                    country: CountryCode::parse("FR")?,
                    role,
                },
                &Password::new(PASSWORD),
            )
            .await?;
        database.close().await?;

        let login = serde_json::json!({"email": email, "password": PASSWORD});
        let tokens: serde_json::Value = self
            .post("/api/v1/auth/login", &login, None)
            .await?
            .json()
            .await?;
        let first = tokens["accessToken"].as_str().context("no access token")?;
        let enrolment: serde_json::Value = self
            .post(
                "/api/v1/me/two-factor/totp",
                &serde_json::json!({}),
                Some(first),
            )
            .await?
            .json()
            .await?;
        let secret = enrolment["secret"].as_str().context("no TOTP secret")?;
        let confirmed = self
            .post(
                "/api/v1/me/two-factor/totp/confirm",
                &serde_json::json!({ "code": totp_code(secret, 0) }),
                Some(first),
            )
            .await?;
        anyhow::ensure!(confirmed.status() == 200, "two-factor confirmation");
        let challenge: serde_json::Value = self
            .post("/api/v1/auth/login", &login, None)
            .await?
            .json()
            .await?;
        // The next step's code: the confirmation used this step's.
        let second = serde_json::json!({
            "challenge": challenge["challenge"], "code": totp_code(secret, 1)
        });
        let tokens: serde_json::Value = self
            .post("/api/v1/auth/login/second-factor", &second, None)
            .await?
            .json()
            .await?;
        tokens["accessToken"]
            .as_str()
            .map(ToOwned::to_owned)
            .context("no access token after the second factor")
    }

    /// Where the application keeps the content of attachments.
    #[must_use]
    pub fn blob_dir(&self) -> std::path::PathBuf {
        self.settings.storage.blob_dir.clone()
    }

    /// Where the application keeps its development keys.
    #[must_use]
    pub fn keys_dir(&self) -> std::path::PathBuf {
        self.workdir.path().join("keys")
    }

    /// The database's URL.
    #[must_use]
    pub fn database_url(&self) -> &str {
        self.database.url()
    }

    /// Stops the server, letting in-flight requests finish.
    pub async fn stop(&self) {
        self.handle.stop(true).await;
    }

    /// Stops the server and hands back its database, working directory and
    /// settings, to start another application on them.
    pub async fn shut_down(self) -> (TestDatabase, tempfile::TempDir, settings::Settings) {
        self.handle.stop(true).await;
        (self.database, self.workdir, self.settings)
    }
}

/// Undoes quoted-printable (soft line breaks and `=XX` escapes), enough to read our mail.
fn decode_quoted_printable(text: &str) -> String {
    let joined = text.replace("=\r\n", "").replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'='
            && i + 2 < bytes.len()
            && let Ok(byte) = u8::from_str_radix(&joined[i + 1..i + 3], 16)
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The test profile's settings, on the database at `url`, with keys and mail
/// under `workdir`.
///
/// # Errors
/// When the shipped test configuration does not load.
pub fn test_settings(url: &str, workdir: &Path) -> anyhow::Result<settings::Settings> {
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("../config");
    let mut settings = settings::load(Profile::Test, &config)?;
    settings.database = rr_persistence::testing::test_settings(url);
    settings.security.development_keys_dir = workdir.join("keys");
    settings.mail.directory = workdir.join("outbox");
    settings.storage.blob_dir = workdir.join("blobs");
    settings.exports.archive_dir = workdir.join("exports");
    // Tests log in far more often than a person: the per-address budget is not under test here.
    settings.http.auth_requests_per_minute = 100_000;
    settings.http.auth_burst = 10_000;
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
    let workdir = tempfile::tempdir()?;
    let settings = test_settings(url, workdir.path())?;
    spawn_with(database, settings, workdir).await
}

/// Starts the application with these settings.
///
/// # Errors
/// When the application cannot start.
pub async fn spawn_with(
    database: TestDatabase,
    settings: settings::Settings,
    workdir: tempfile::TempDir,
) -> anyhow::Result<TestApp> {
    let application = Application::build(settings.clone()).await?;
    let address = format!("http://127.0.0.1:{}", application.port());
    let handle = application.handle();
    tokio::spawn(application.run_until_stopped());
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(5))
        .build()?;
    Ok(TestApp {
        address,
        client,
        settings,
        handle,
        database,
        workdir,
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
