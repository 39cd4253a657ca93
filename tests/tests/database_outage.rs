//! MariaDB goes away under a running server, then comes back: readiness turns
//! 503 within a second, no request hangs, what is kept in memory is still
//! answered, and everything recovers without a restart. The outage is a TCP
//! relay the test cuts, so the shared MariaDB server keeps serving the other
//! tests.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

use std::net::ToSocketAddrs;
use std::time::{Duration, Instant};

use rr_acceptance_tests::{TcpProxy, TestApp, spawn_on};
use rr_persistence::testing::TestDatabase;

async fn status(app: &TestApp, path: &str) -> (u16, Duration) {
    let started = Instant::now();
    let response = app
        .get(path)
        .await
        .expect("the server answers, even when the database does not");
    (response.status().as_u16(), started.elapsed())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readiness_follows_a_mariadb_outage_and_recovers_without_restart() {
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
    assert_eq!(status(&app, "/health/ready").await.0, 200);
    assert_eq!(status(&app, "/api/v1/categories").await.0, 200);

    proxy.cut();

    let (code, elapsed) = status(&app, "/health/ready").await;
    assert_eq!(code, 503);
    assert!(
        elapsed < Duration::from_secs(1),
        "readiness took {elapsed:?} to notice the outage"
    );
    // The catalogue's first page, never asked for before: a database read.
    let (code, elapsed) = status(&app, "/api/v1/resources").await;
    assert_eq!(code, 503, "an API call during the outage is a 503 problem");
    assert!(
        elapsed < Duration::from_secs(4),
        "an API call hung for {elapsed:?}"
    );
    assert_eq!(
        status(&app, "/api/v1/categories").await.0,
        200,
        "the categories read before the outage are still answered from memory"
    );
    assert_eq!(
        status(&app, "/health/live").await.0,
        200,
        "liveness ignores the database"
    );

    proxy.restore().await.unwrap();

    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if status(&app, "/health/ready").await.0 == 200 {
            break;
        }
        assert!(Instant::now() < deadline, "readiness did not recover");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(status(&app, "/api/v1/resources").await.0, 200);
}
