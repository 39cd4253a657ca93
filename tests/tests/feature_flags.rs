//! Feature flags for canary delivery over the real application, on every
//! engine:
//!
//! - an administrator with two-factor authentication defines a flag,
//!   raises its rollout and targets a region; citizens and visitors get
//!   their flags from `GET /api/v1/features`, a change made through a node
//!   at once on that node; bad settings are validation problems;
//! - with three nodes on one database, a change made through one reaches a
//!   node that reads the flags every second within that second (measured),
//!   while a node that reads them hourly keeps answering from its memory;
//! - on MariaDB, with the database cut, visitors still get their flags.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

use std::net::ToSocketAddrs;
use std::num::NonZeroU64;
use std::time::{Duration, Instant};

use rr_acceptance_tests::{TcpProxy, TestApp, on_every_engine, spawn_on};
use rr_domain::identity::Role;
use rr_persistence::testing::TestDatabase;
use serde_json::{Value, json};

const BASE: &str = "/api/v1/admin/feature-flags";

// ───────────────────────────── helpers ─────────────────────────────

/// An API node: its address and a client.
struct Node {
    address: String,
    client: reqwest::Client,
}

impl Node {
    fn of(app: &TestApp) -> Self {
        Self {
            address: app.address.clone(),
            client: app.client.clone(),
        }
    }

    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.address));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// The caller's flags.
    async fn features(&self, token: Option<&str>) -> Value {
        let (status, body) = self
            .send(reqwest::Method::GET, "/api/v1/features", token, None)
            .await;
        assert_eq!(status, 200, "{body}");
        body["flags"].clone()
    }
}

async fn create(node: &Node, admin: &str, body: Value) -> (u16, Value) {
    node.send(reqwest::Method::POST, BASE, Some(admin), Some(body))
        .await
}

async fn change(node: &Node, admin: &str, key: &str, body: Value) -> (u16, Value) {
    node.send(
        reqwest::Method::PATCH,
        &format!("{BASE}/{key}"),
        Some(admin),
        Some(body),
    )
    .await
}

fn flag(key: &str, percent: f64) -> Value {
    json!({
        "key": key, "description": "Le nouvel éditeur de ressources.",
        "enabled": true, "rolloutPercent": percent
    })
}

/// Another node of the same installation: same database, keys and
/// settings but the refresh interval. Stopped with the handle.
async fn another_node(app: &TestApp, refresh_secs: u64) -> (Node, actix_web::dev::ServerHandle) {
    let mut settings = app.settings.clone();
    settings.features.refresh_secs = NonZeroU64::new(refresh_secs).unwrap();
    let node = rr_server::Application::build(settings).await.unwrap();
    let address = format!("http://127.0.0.1:{}", node.port());
    let handle = node.handle();
    tokio::spawn(node.run_until_stopped());
    (
        Node {
            address,
            client: app.client.clone(),
        },
        handle,
    )
}

// ───────────────────────────── the tests ─────────────────────────────

async fn an_administrator_rolls_a_canary_out_to_citizens(app: TestApp) {
    let node = Node::of(&app);
    let admin = app.staff("camille.d", Role::Administrator).await.unwrap();
    let lea = app.citizen("lea").await.unwrap();
    let hugo = app.citizen("hugo").await.unwrap();

    // Citizens do not administer flags; bad settings are named.
    let (status, problem) = create(&node, &lea, flag("nouvel-editeur", 15.0)).await;
    assert_eq!((status, problem["code"].as_str()), (403, Some("forbidden")));
    let (status, problem) = create(
        &node,
        &admin,
        json!({"key": "Nouvel", "description": "x", "rolloutPercent": 150, "regions": ["77"]}),
    )
    .await;
    assert_eq!(status, 422);
    let codes: Vec<(&str, &str)> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        codes,
        [
            ("key", "invalid_flag_key"),
            ("rolloutPercent", "invalid_rollout"),
            ("regions", "invalid_region")
        ]
    );

    // The canary: defined at 0%, nobody has it.
    let (status, created) = create(&node, &admin, flag("nouvel-editeur", 0.0)).await;
    assert_eq!(status, 201, "{created}");
    for token in [Some(lea.as_str()), Some(hugo.as_str()), None] {
        assert_eq!(node.features(token).await["nouvel-editeur"], false);
    }
    // Raised to everybody: at once on this node, visitors included.
    let (status, raised) = change(
        &node,
        &admin,
        "nouvel-editeur",
        json!({"version": 0, "rolloutPercent": 100}),
    )
    .await;
    assert_eq!((status, raised["version"].as_u64()), (200, Some(1)));
    for token in [Some(lea.as_str()), Some(hugo.as_str()), None] {
        assert_eq!(node.features(token).await["nouvel-editeur"], true);
    }
    let (status, problem) = change(
        &node,
        &admin,
        "nouvel-editeur",
        json!({"version": 0, "enabled": false}),
    )
    .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (409, Some("flag_changed"))
    );

    // Targeted by region: Léa moves to Bretagne, Hugo gave no region.
    let mut regional = flag("bretagne", 100.0);
    regional["regions"] = json!(["53"]);
    assert_eq!(create(&node, &admin, regional).await.0, 201);
    let (status, _) = node
        .send(
            reqwest::Method::PATCH,
            "/api/v1/me",
            Some(&lea),
            Some(json!({"region": "53"})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(node.features(Some(&lea)).await["bretagne"], true);
    assert_eq!(node.features(Some(&hugo)).await["bretagne"], false);
    assert_eq!(node.features(None).await["bretagne"], false);

    // Deleted: off for everybody, gone from the answers.
    let (status, _) = node
        .send(
            reqwest::Method::DELETE,
            &format!("{BASE}/nouvel-editeur"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, 204);
    assert_eq!(node.features(Some(&lea)).await, json!({"bretagne": true}));
    let (status, list) = node
        .send(reqwest::Method::GET, BASE, Some(&admin), None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
}

async fn a_change_reaches_the_other_nodes_within_their_refresh_interval(app: TestApp) {
    let a = Node::of(&app);
    let admin = app.staff("camille.d", Role::Administrator).await.unwrap();
    assert_eq!(create(&a, &admin, flag("nouvel-editeur", 0.0)).await.0, 201);
    // Started after the flag exists: both read it at 0% on start-up.
    let (b, b_handle) = another_node(&app, 1).await;
    let (c, c_handle) = another_node(&app, 3_600).await;
    assert_eq!(b.features(None).await["nouvel-editeur"], false);
    assert_eq!(c.features(None).await["nouvel-editeur"], false);

    let (status, _) = change(
        &a,
        &admin,
        "nouvel-editeur",
        json!({"version": 0, "rolloutPercent": 100}),
    )
    .await;
    let changed = Instant::now();
    assert_eq!(status, 200);

    assert_eq!(a.features(None).await["nouvel-editeur"], true, "at once");
    loop {
        if b.features(None).await["nouvel-editeur"] == true {
            break;
        }
        assert!(
            changed.elapsed() < Duration::from_secs(3),
            "node B did not see the change within its interval"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    eprintln!(
        "a change through node A reached node B (refresh every second) after {:?}",
        changed.elapsed()
    );
    // Node C answers from its memory: its next read is an hour away.
    assert_eq!(c.features(None).await["nouvel-editeur"], false);
    b_handle.stop(true).await;
    c_handle.stop(true).await;
}

on_every_engine!(
    an_administrator_rolls_a_canary_out_to_citizens,
    a_change_reaches_the_other_nodes_within_their_refresh_interval,
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn visitors_get_their_flags_while_mariadb_is_down() {
    let Some(database) = TestDatabase::mariadb().await else {
        eprintln!("RR_TEST_MARIADB_URL is not set: MariaDB outage test skipped");
        return;
    };
    let mut url = url::Url::parse(database.url()).unwrap();
    let upstream = (url.host_str().unwrap(), url.port().unwrap_or(3306))
        .to_socket_addrs()
        .unwrap()
        .next()
        .unwrap();
    let proxy = TcpProxy::start(upstream).await.unwrap();
    url.set_port(Some(proxy.port())).unwrap();
    let app = spawn_on(database, url.as_str()).await.unwrap();
    let node = Node::of(&app);
    let admin = app.staff("camille.d", Role::Administrator).await.unwrap();
    assert_eq!(create(&node, &admin, flag("partout", 100.0)).await.0, 201);

    proxy.cut();

    assert_eq!(
        app.get("/health/ready").await.unwrap().status().as_u16(),
        503,
        "the database is down"
    );
    for _ in 0..20 {
        assert_eq!(node.features(None).await, json!({"partout": true}));
    }
    proxy.restore().await.unwrap();
}
