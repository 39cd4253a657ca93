//! `rr-server seed` as an operator runs it: a small data set on SQLite, and on
//! MariaDB when `RR_TEST_MARIADB_URL` is set (a set but unreachable server
//! fails the test).

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use rr_persistence::testing::{TestDatabase, query};
use time::macros::format_description;

const PASSWORD: &str = "Seed-Relations-2026!";

fn rr_server(dir: &Path, envs: &[(&str, &str)]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_rr-server"));
    command
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .envs(envs.iter().copied());
    command
}

fn seed(dir: &Path, envs: &[(&str, &str)], args: &[&str]) -> Output {
    rr_server(dir, envs)
        .arg("seed")
        .args(args)
        .output()
        .unwrap()
}

/// Starts `serve` on a free port and waits for the line that tells where it listens.
fn serve(dir: &Path, envs: &[(&str, &str)]) -> (Child, u16) {
    let mut child = rr_server(dir, envs)
        .env("RR_HTTP__PORT", "0")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some((_, port)) = line.split_once("listening on http://127.0.0.1:") {
                let _ = sender.send(port.trim().parse::<u16>().unwrap());
            }
        }
    });
    let port = receiver
        .recv_timeout(Duration::from_secs(30))
        .expect("the server says where it listens");
    (child, port)
}

/// One HTTP/1.1 request over a raw connection; returns the status and body.
fn request(port: u16, head: &str, body: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "{head}\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response.split(' ').nth(1).unwrap().parse().unwrap();
    let body = response.split("\r\n\r\n").nth(1).unwrap_or_default();
    (status, body.to_owned())
}

/// Logs in through the real API and reads the account back.
fn log_in(dir: &Path, envs: &[(&str, &str)], email: &str) -> String {
    let (mut child, port) = serve(dir, envs);
    let (status, body) = request(
        port,
        "POST /api/v1/auth/login HTTP/1.1",
        &format!(r#"{{"email":"{email}","password":"{PASSWORD}"}}"#),
    );
    let me = (status == 200).then(|| {
        let token = body
            .split("\"accessToken\":\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        request(
            port,
            &format!("GET /api/v1/me HTTP/1.1\r\nAuthorization: Bearer {token}"),
            "",
        )
    });
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(status, 200, "login of a seeded account: {body}");
    let (status, me) = me.unwrap();
    assert_eq!(status, 200, "{me}");
    me
}

fn scalar(url: &str, sql: &str) -> i64 {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let rows = runtime.block_on(query(url, sql)).unwrap();
    rows[0][0].parse().unwrap()
}

/// Every id of `table` carries its `created_at` as its UUIDv7 timestamp,
/// and the ids sort like the creation instants.
fn ids_carry_creation_instants(url: &str, table: &str, mariadb: bool) {
    let created = if mariadb {
        "CAST(created_at AS CHAR)"
    } else {
        "created_at"
    };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let rows = runtime
        .block_on(query(
            url,
            &format!("SELECT HEX(SUBSTR(id, 1, 6)), {created} FROM {table} ORDER BY id"),
        ))
        .unwrap();
    let mut previous = i64::MIN;
    for row in rows {
        let id_ms = i64::from_str_radix(&row[0], 16).unwrap();
        let (seconds, fraction) = row[1].split_once('.').unwrap_or((&row[1], ""));
        let at = time::PrimitiveDateTime::parse(
            seconds,
            format_description!("[year]-[month]-[day] [hour]:[minute]:[second]"),
        )
        .unwrap()
        .assume_utc();
        let micros: i64 = format!("{fraction:0<6}")[..6].parse().unwrap();
        let created_ms = at.unix_timestamp() * 1_000 + micros / 1_000;
        assert_eq!(id_ms, created_ms, "{table}: {row:?}");
        assert_eq!(micros % 1_000, 0, "whole milliseconds: {row:?}");
        assert!(created_ms > previous, "{table}: ids sort like instants");
        previous = created_ms;
    }
}

/// The full-text index finds a word in exactly the resources whose texts hold it.
fn assert_every_resource_is_searchable(url: &str, mariadb: bool) {
    let holding = scalar(
        url,
        "SELECT COUNT(*) FROM resources WHERE title LIKE '%dialogue%' \
         OR summary LIKE '%dialogue%' OR body LIKE '%dialogue%'",
    );
    let found = if mariadb {
        scalar(
            url,
            "SELECT COUNT(*) FROM resources \
             WHERE MATCH (title, summary, body) AGAINST ('dialogue' IN BOOLEAN MODE)",
        )
    } else {
        scalar(
            url,
            "SELECT COUNT(*) FROM resource_search WHERE resource_search MATCH 'dialogue'",
        )
    };
    assert!(holding > 0);
    assert_eq!(found, holding, "every resource is in the full-text index");
}

/// Seeds 50 accounts and 500 resources on the database of `envs` (at `url`)
/// and checks what was written, that a seeded citizen logs in, that a second
/// run refuses and that `--append` adds.
fn seeds_a_consistent_data_set(envs: &[(&str, &str)], url: Option<&str>, mariadb: bool) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path();
    let output = seed(
        path,
        envs,
        &[
            "--users",
            "50",
            "--resources",
            "500",
            "--random-seed",
            "7",
            "--accounts-file",
            "accounts.txt",
        ],
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains(&format!("password of every seeded account: {PASSWORD}")));
    let sqlite_url = format!("sqlite://{}", path.join("data/rr.sqlite").display());
    let url = url.unwrap_or(&sqlite_url);
    let count = |sql: &str| scalar(url, sql);

    assert_eq!(count("SELECT COUNT(*) FROM users"), 50);
    assert_eq!(count("SELECT COUNT(*) FROM resources"), 500);
    assert_eq!(count("SELECT COUNT(*) FROM favourites"), 250);
    let relation_rows = count("SELECT COUNT(*) FROM resource_relation_types");
    assert!((500..=1_500).contains(&relation_rows), "{relation_rows}");
    let events = count("SELECT COUNT(*) FROM consultation_events");
    assert!(
        (400..=600).contains(&events),
        "one view in 20 of 10,000: {events}"
    );
    assert_eq!(
        count(
            "SELECT COUNT(*) FROM resources r WHERE r.favourite_count <> \
             (SELECT COUNT(*) FROM favourites f WHERE f.resource_id = r.id)"
        ),
        0,
        "favourite counts match the favourites"
    );
    assert!(count("SELECT MAX(view_count) FROM resources") > 100);
    for (column, kinds) in [("category_id", 13), ("resource_type_id", 8)] {
        assert_eq!(
            count(&format!("SELECT COUNT(DISTINCT {column}) FROM resources")),
            kinds
        );
    }
    assert_eq!(
        count("SELECT COUNT(DISTINCT relation_type_id) FROM resource_relation_types"),
        6
    );
    for inconsistent in [
        "state = 'published' AND published_at IS NULL",
        "state = 'deleted' AND deleted_at IS NULL",
        "state <> 'deleted' AND deleted_at IS NOT NULL",
        "state IN ('rejected', 'suspended') AND state_reason IS NULL",
        "state NOT IN ('rejected', 'suspended') AND state_reason IS NOT NULL",
        "visibility IN ('private', 'shared') AND state IN ('pending_review', 'rejected')",
        "updated_at < created_at OR published_at < created_at",
        "visibility = 'shared' AND NOT EXISTS \
         (SELECT 1 FROM resource_shares s WHERE s.resource_id = resources.id)",
        "(visibility NOT IN ('public', 'restricted') OR state <> 'published') \
         AND (favourite_count > 0 OR view_count > 0)",
    ] {
        assert_eq!(
            count(&format!(
                "SELECT COUNT(*) FROM resources WHERE {inconsistent}"
            )),
            0,
            "{inconsistent}"
        );
    }
    // MariaDB loads without foreign key checks: the references must hold by construction.
    for orphans in [
        "resources r WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = r.author_id) \
         OR NOT EXISTS (SELECT 1 FROM categories c WHERE c.id = r.category_id) \
         OR NOT EXISTS (SELECT 1 FROM resource_types t WHERE t.id = r.resource_type_id)",
        "resource_relation_types x WHERE NOT EXISTS (SELECT 1 FROM resources r WHERE r.id = x.resource_id) \
         OR NOT EXISTS (SELECT 1 FROM relation_types t WHERE t.id = x.relation_type_id)",
        "resource_shares s WHERE NOT EXISTS (SELECT 1 FROM resources r WHERE r.id = s.resource_id) \
         OR NOT EXISTS (SELECT 1 FROM users u WHERE u.id = s.user_id)",
        "favourites f WHERE NOT EXISTS (SELECT 1 FROM resources r WHERE r.id = f.resource_id) \
         OR NOT EXISTS (SELECT 1 FROM users u WHERE u.id = f.user_id)",
        "consultation_events e WHERE NOT EXISTS (SELECT 1 FROM resources r WHERE r.id = e.resource_id) \
         OR (e.viewer_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = e.viewer_id))",
    ] {
        assert_eq!(
            count(&format!("SELECT COUNT(*) FROM {orphans}")),
            0,
            "{orphans}"
        );
    }
    assert_eq!(
        count(
            "SELECT COUNT(*) FROM consultation_events e JOIN users u ON u.id = e.viewer_id \
             WHERE u.statistics_objection"
        ),
        0,
        "no event names a citizen who objected to statistics"
    );
    let published = count("SELECT COUNT(*) FROM resources WHERE state = 'published'");
    assert!((380..=470).contains(&published), "about 85 %: {published}");
    let public = count("SELECT COUNT(*) FROM resources WHERE visibility = 'public'");
    assert!((300..=400).contains(&public), "about 70 %: {public}");
    assert_eq!(
        count("SELECT COUNT(*) FROM users WHERE email_verified_at IS NULL"),
        0
    );
    ids_carry_creation_instants(url, "resources", mariadb);
    assert_every_resource_is_searchable(url, mariadb);
    ids_carry_creation_instants(url, "users", mariadb);

    let accounts = std::fs::read_to_string(path.join("accounts.txt")).unwrap();
    let email = accounts.lines().next().unwrap();
    assert!(email.ends_with("@exemple.test"), "{email}");
    let me = log_in(path, envs, email);
    assert!(
        me.contains(email),
        "the profile opens with the real keys: {me}"
    );

    let again = seed(path, envs, &["--users", "5", "--resources", "5"]);
    assert!(!again.status.success());
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(stderr.contains("already holds 500 resources"), "{stderr}");
    assert!(stderr.contains("--append"), "{stderr}");
    assert_eq!(count("SELECT COUNT(*) FROM users"), 50, "nothing written");

    let appended = seed(
        path,
        envs,
        &["--users", "10", "--resources", "20", "--append"],
    );
    assert!(
        appended.status.success(),
        "{}",
        String::from_utf8_lossy(&appended.stderr)
    );
    assert_eq!(count("SELECT COUNT(*) FROM users"), 60);
    assert_eq!(count("SELECT COUNT(*) FROM resources"), 520);
    assert_every_resource_is_searchable(url, mariadb);
}

#[test]
fn seed_writes_a_consistent_data_set_on_sqlite() {
    seeds_a_consistent_data_set(&[], None, false);
}

#[test]
fn seed_writes_a_consistent_data_set_on_mariadb() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let Some(database) = runtime.block_on(TestDatabase::mariadb()) else {
        return;
    };
    drop(runtime);
    let url = database.url().to_owned();
    seeds_a_consistent_data_set(&[("RR_DATABASE__URL", &url)], Some(&url), true);
}

#[test]
fn seed_refuses_the_production_profile_and_bad_sizes() {
    let dir = tempfile::tempdir().unwrap();
    let production = seed(dir.path(), &[("RR_PROFILE", "production")], &[]);
    assert!(!production.status.success());
    assert!(String::from_utf8_lossy(&production.stderr).contains("production profile"));

    let zero = seed(dir.path(), &[], &["--users", "0"]);
    assert!(!zero.status.success());
    assert!(String::from_utf8_lossy(&zero.stderr).contains("--users"));
    assert!(
        !dir.path().join("data").exists(),
        "nothing is created when refusing"
    );
}
