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
/// and the ids sort like the creation instants (`strictly` increasing ones
/// when no two rows can share a millisecond).
fn ids_carry_creation_instants(url: &str, table: &str, mariadb: bool, strictly: bool) {
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
        assert!(
            created_ms > previous || (!strictly && created_ms == previous),
            "{table}: ids sort like instants"
        );
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
    let output = seed(path, envs, &SEED_ARGS);
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
    ids_carry_creation_instants(url, "resources", mariadb, true);
    assert_every_resource_is_searchable(url, mariadb);
    ids_carry_creation_instants(url, "users", mariadb, true);
    assert_discussions_are_consistent(url, path, &stdout);
    ids_carry_creation_instants(url, "comments", mariadb, false);
    ids_carry_creation_instants(url, "reports", mariadb, false);

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
    assert_eq!(
        count("SELECT COUNT(*) FROM comments"),
        2_600,
        "5 per appended resource"
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM reports"),
        60,
        "none for 100 comments"
    );
    assert_eq!(
        count(
            "SELECT COUNT(*) FROM comments c JOIN resources r ON r.id = c.resource_id \
             JOIN users u ON u.id = c.author_id \
             WHERE r.state <> 'published' OR u.status <> 'active' OR c.created_at <= r.published_at"
        ),
        0,
        "the appended comments follow the same rules"
    );
}

/// The arguments of the consistent data set: 50 accounts, 500 resources,
/// so 2,500 comments with two hot threads of 150 and more, and 60 reports.
const SEED_ARGS: [&str; 16] = [
    "--users",
    "50",
    "--resources",
    "500",
    "--random-seed",
    "7",
    "--accounts-file",
    "accounts.txt",
    "--reports",
    "60",
    "--hot-threads",
    "2",
    "--hot-thread-comments",
    "150",
    "--hot-threads-file",
    "hot.txt",
];

/// The comments and reports of the data set of [`SEED_ARGS`] at `url`, seeded
/// in `dir` (which holds the hot threads file) with `stdout` as its summary.
fn assert_discussions_are_consistent(url: &str, dir: &Path, stdout: &str) {
    let count = |sql: &str| scalar(url, sql);
    assert_eq!(
        count("SELECT COUNT(*) FROM comments"),
        2_500,
        "5 per resource"
    );
    assert_eq!(count("SELECT COUNT(*) FROM reports"), 60);
    // MariaDB loads without foreign key checks: the references must hold by construction.
    for orphans in [
        "comments c WHERE NOT EXISTS (SELECT 1 FROM resources r WHERE r.id = c.resource_id) \
         OR NOT EXISTS (SELECT 1 FROM users u WHERE u.id = c.author_id) \
         OR (c.parent_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM comments p WHERE p.id = c.parent_id))",
        "comments c WHERE NOT EXISTS (SELECT 1 FROM comments t WHERE t.id = c.root_id \
         AND t.depth = 0 AND t.resource_id = c.resource_id)",
        "reports p WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = p.reporter_id) \
         OR NOT EXISTS (SELECT 1 FROM resources r WHERE r.id = p.resource_id) \
         OR (p.closed_by IS NOT NULL AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = p.closed_by))",
        "reports p WHERE p.target_kind = 'comment' AND NOT EXISTS \
         (SELECT 1 FROM comments c WHERE c.id = p.target_id AND c.resource_id = p.resource_id)",
    ] {
        assert_eq!(
            count(&format!("SELECT COUNT(*) FROM {orphans}")),
            0,
            "{orphans}"
        );
    }
    for inconsistent in [
        // Threads: a reply is one level below its parent, on the same
        // resource, in the same thread, after it; five levels at most.
        "comments c JOIN comments p ON p.id = c.parent_id WHERE p.resource_id <> c.resource_id \
         OR c.depth <> p.depth + 1 OR c.root_id <> p.root_id OR c.created_at <= p.created_at",
        "comments WHERE depth > 5 OR (depth = 0 AND (parent_id IS NOT NULL OR root_id <> id)) \
         OR (depth > 0 AND parent_id IS NULL)",
        // States: tombstones keep no text, hidden comments have a reason.
        "comments WHERE (state = 'deleted' AND body IS NOT NULL) OR (state <> 'deleted' AND body IS NULL)",
        "comments WHERE (state = 'hidden' AND state_reason IS NULL) \
         OR (state <> 'hidden' AND state_reason IS NOT NULL) OR state = 'held'",
        "comments WHERE updated_at < created_at OR edited_at <= created_at OR edited_at > updated_at",
        // Only a visible comment takes replies: a state change comes after them.
        "comments p JOIN comments c ON c.parent_id = p.id WHERE p.state <> 'visible' \
         AND p.updated_at <= c.created_at",
        // On resources their authors could see, published then; by active
        // accounts that existed; as moderators only by staff.
        "comments c JOIN resources r ON r.id = c.resource_id WHERE r.state <> 'published' \
         OR r.visibility NOT IN ('public', 'restricted') OR c.created_at <= r.published_at",
        "comments c JOIN users u ON u.id = c.author_id WHERE u.status <> 'active' \
         OR u.created_at >= c.created_at OR (c.as_moderator AND u.role = 'citizen')",
        // Reports: by active citizens other than the author, on what they saw then.
        "reports p JOIN users u ON u.id = p.reporter_id WHERE u.status <> 'active' \
         OR u.role <> 'citizen' OR u.created_at >= p.created_at",
        "reports p JOIN comments c ON c.id = p.target_id WHERE p.target_kind = 'comment' \
         AND (c.author_id = p.reporter_id OR p.created_at <= c.created_at \
         OR (c.state <> 'visible' AND p.created_at >= c.updated_at))",
        "reports p JOIN resources r ON r.id = p.target_id WHERE p.target_kind = 'resource' \
         AND (r.author_id = p.reporter_id OR r.state <> 'published' \
         OR r.visibility NOT IN ('public', 'restricted') OR p.created_at <= r.published_at)",
        // A hidden comment's reports were resolved when it was hidden; no other is.
        "reports p JOIN comments c ON c.id = p.target_id WHERE p.target_kind = 'comment' \
         AND ((c.state = 'hidden' AND (p.status <> 'resolved' OR p.closed_at <> c.updated_at)) \
         OR (c.state <> 'hidden' AND p.status = 'resolved'))",
        "reports WHERE (reason = 'other' AND text IS NULL) OR closed_at < created_at \
         OR (status = 'open' AND (closed_by IS NOT NULL OR note IS NOT NULL))",
    ] {
        assert_eq!(
            count(&format!("SELECT COUNT(*) FROM {inconsistent}")),
            0,
            "{inconsistent}"
        );
    }
    assert_eq!(
        count(
            "SELECT COUNT(*) FROM (SELECT reporter_id FROM reports \
             GROUP BY reporter_id, target_kind, target_id HAVING COUNT(*) > 1) d"
        ),
        0,
        "a citizen reports an item once"
    );
    assert_eq!(
        count(
            "SELECT COUNT(*) FROM (SELECT target_id FROM reports WHERE status = 'open' \
             GROUP BY target_kind, target_id HAVING COUNT(*) >= 3) d"
        ),
        0,
        "no item reached the hold threshold"
    );
    let top_level = count("SELECT COUNT(*) FROM comments WHERE depth = 0");
    assert!(
        (1_400..=1_650).contains(&top_level),
        "about 60 %: {top_level}"
    );
    assert!(count("SELECT MAX(depth) FROM comments") >= 3);
    assert!(count("SELECT COUNT(*) FROM comments WHERE state = 'deleted'") > 0);
    assert!(count("SELECT COUNT(*) FROM comments WHERE state = 'hidden'") > 0);
    assert!(count("SELECT COUNT(*) FROM comments WHERE edited_at IS NOT NULL") > 0);
    let staff = count("SELECT COUNT(*) FROM users WHERE role <> 'citizen' AND status = 'active'");
    let as_moderator = count("SELECT COUNT(*) FROM comments WHERE as_moderator");
    assert!(
        (staff > 0) == (as_moderator > 0),
        "staff speak as moderators when there are any: {staff} staff, {as_moderator} comments"
    );
    let open = count("SELECT COUNT(*) FROM reports WHERE status = 'open'");
    assert!(open > 30, "most reports are open: {open}");
    assert!(count("SELECT COUNT(*) FROM reports WHERE status = 'dismissed'") > 0);
    assert!(count("SELECT COUNT(DISTINCT reason) FROM reports") >= 5);
    assert!(count("SELECT COUNT(*) FROM reports WHERE target_kind = 'resource'") > 0);

    // The hot threads: two of at least 150 comments, the busiest first in
    // the file and the summary, on published public resources.
    assert_eq!(
        count(
            "SELECT COUNT(*) FROM (SELECT resource_id FROM comments \
             GROUP BY resource_id HAVING COUNT(*) >= 150) d"
        ),
        2
    );
    let hot = std::fs::read_to_string(dir.join("hot.txt")).unwrap();
    let lines: Vec<Vec<&str>> = hot.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(lines.len(), 10, "{hot}");
    let mut previous = i64::MAX;
    for line in &lines {
        let (id, comments, top_level): (&str, i64, i64) =
            (line[0], line[1].parse().unwrap(), line[2].parse().unwrap());
        assert!(comments <= previous, "busiest first: {hot}");
        previous = comments;
        let hex = id.replace('-', "");
        assert_eq!(
            count(&format!(
                "SELECT COUNT(*) FROM comments WHERE HEX(resource_id) = UPPER('{hex}')"
            )),
            comments
        );
        assert_eq!(
            count(&format!(
                "SELECT COUNT(*) FROM comments WHERE depth = 0 AND HEX(resource_id) = UPPER('{hex}')"
            )),
            top_level
        );
    }
    let (busiest, second) = (lines[0][0], lines[1][1].parse::<i64>().unwrap());
    assert!(second >= 150, "both hot threads: {hot}");
    assert_eq!(
        count(&format!(
            "SELECT COUNT(*) FROM resources WHERE HEX(id) = UPPER('{}') \
             AND visibility = 'public' AND state = 'published'",
            busiest.replace('-', "")
        )),
        1
    );
    assert!(
        stdout.contains(&format!(
            "busiest comment threads (resource id: comments, top-level):\n  {busiest}: "
        )),
        "{stdout}"
    );
}

/// What the seed wrote of comments and reports, for comparing engines.
fn discussions(url: &str) -> Vec<Vec<String>> {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let mut rows = runtime
        .block_on(query(
            url,
            "SELECT id, resource_id, parent_id, root_id, depth, author_id, body, \
             CASE WHEN as_moderator THEN 1 ELSE 0 END, state, state_reason, version \
             FROM comments ORDER BY id",
        ))
        .unwrap();
    rows.extend(
        runtime
            .block_on(query(
                url,
                "SELECT id, reporter_id, target_kind, target_id, resource_id, reason, text, \
                 status, closed_by, note FROM reports ORDER BY id",
            ))
            .unwrap(),
    );
    rows
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
fn the_same_seed_writes_the_same_discussions_on_both_engines() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let Some(database) = runtime.block_on(TestDatabase::mariadb()) else {
        return;
    };
    drop(runtime);
    let url = database.url().to_owned();
    let (sqlite_dir, mariadb_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    assert!(seed(sqlite_dir.path(), &[], &SEED_ARGS).status.success());
    let mariadb = seed(
        mariadb_dir.path(),
        &[("RR_DATABASE__URL", &url)],
        &SEED_ARGS,
    );
    assert!(
        mariadb.status.success(),
        "{}",
        String::from_utf8_lossy(&mariadb.stderr)
    );
    let sqlite_url = format!(
        "sqlite://{}",
        sqlite_dir.path().join("data/rr.sqlite").display()
    );
    let on_sqlite = discussions(&sqlite_url);
    assert_eq!(on_sqlite.len(), 2_560);
    assert_eq!(on_sqlite, discussions(&url));
    for dir in [&sqlite_dir, &mariadb_dir] {
        let hot = std::fs::read_to_string(dir.path().join("hot.txt")).unwrap();
        assert_eq!(
            hot,
            std::fs::read_to_string(sqlite_dir.path().join("hot.txt")).unwrap()
        );
    }
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

    // With a threshold of one report, any open report would have held its item.
    let held = seed(
        dir.path(),
        &[("RR_MODERATION__REPORT_THRESHOLD", "1")],
        &["--users", "5", "--resources", "5", "--reports", "1"],
    );
    assert!(!held.status.success());
    let stderr = String::from_utf8_lossy(&held.stderr);
    assert!(stderr.contains("--reports 0"), "{stderr}");
}
