//! The `rr-server` binary as an operator runs it.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

fn rr_server(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_rr-server"));
    command
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default());
    command
}

/// `GET path` over a raw HTTP/1.1 connection; returns the status code and body.
fn get(port: u16, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response.split(' ').nth(1).unwrap().parse().unwrap();
    let body = response
        .split("\r\n\r\n")
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    (status, body)
}

/// Starts `serve` and waits for the line that tells where it listens.
fn serve(dir: &Path, envs: &[(&str, &str)]) -> (Child, u16) {
    let mut child = rr_server(dir)
        .envs(envs.iter().copied())
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

fn terminate(child: &mut Child) -> std::process::ExitStatus {
    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    for _ in 0..100 {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill().unwrap();
    panic!("the server did not stop within 5 s of SIGTERM");
}

#[test]
fn with_no_configuration_it_creates_its_sqlite_database_serves_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    // Port 0 only so that the test never collides with a server on 8080; every
    // other setting is the built-in default (there is no config/ directory here).
    let (mut child, port) = serve(dir.path(), &[("RR_HTTP__PORT", "0")]);

    assert!(dir.path().join("data/rr.sqlite").exists());
    assert_eq!(get(port, "/health/ready").0, 200);
    let (status, body) = get(port, "/api/v1/categories");
    assert_eq!(status, 200);
    assert_eq!(body.matches("\"slug\"").count(), 13);

    let exit = terminate(&mut child);
    assert!(exit.success(), "a graceful stop exits 0, got {exit:?}");
}

#[test]
fn production_refuses_to_start_without_a_mariadb_url() {
    let dir = tempfile::tempdir().unwrap();

    let output = rr_server(dir.path())
        .env("RR_PROFILE", "production")
        .output()
        .unwrap();

    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("RR_DATABASE__URL"), "{stderr}");
    assert!(
        !dir.path().join("data").exists(),
        "nothing is created when refusing to start"
    );
}

#[test]
fn an_unknown_setting_is_refused_with_its_name() {
    let dir = tempfile::tempdir().unwrap();

    let output = rr_server(dir.path())
        .env("RR_HTTP__PROT", "80")
        .output()
        .unwrap();

    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("prot"));
}

#[test]
fn migrate_status_up_and_down() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let output = rr_server(dir.path()).args(args).output().unwrap();
        assert!(
            output.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    };

    let states = |output: String| {
        output
            .lines()
            .map(|l| l.split_whitespace().next().unwrap_or("").to_owned())
            .collect::<Vec<_>>()
    };
    let before = states(run(&["migrate", "status"]));
    assert!(
        before.len() >= 2 && before.iter().all(|s| s == "pending"),
        "{before:?}"
    );
    run(&["migrate", "up"]);
    assert!(
        states(run(&["migrate", "status"]))
            .iter()
            .all(|s| s == "applied")
    );
    run(&["migrate", "down", "--steps", "1"]);
    let after = states(run(&["migrate", "status"]));
    assert_eq!(
        after.last().map(String::as_str),
        Some("pending"),
        "the newest is rolled back"
    );
    assert!(
        after[..after.len() - 1].iter().all(|s| s == "applied"),
        "the others stay"
    );
}

#[test]
fn openapi_prints_the_committed_contract() {
    let dir = tempfile::tempdir().unwrap();

    let output = rr_server(dir.path()).arg("openapi").output().unwrap();

    assert!(output.status.success());
    let snapshot = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/api/openapi.json");
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        std::fs::read_to_string(snapshot).unwrap()
    );
}

const PASSWORD: &str = "Tournesol-Bleu-2026!";

/// `admin create-user` with the password on standard input.
fn create_user(
    dir: &Path,
    envs: &[(&str, &str)],
    email: &str,
    username: &str,
    role: &str,
) -> std::process::Output {
    let mut child = rr_server(dir)
        .envs(envs.iter().copied())
        .args([
            "admin",
            "create-user",
            "--role",
            role,
            "--email",
            email,
            "--username",
            username,
        ])
        .args([
            "--first-name",
            "Camille",
            "--last-name",
            "Durand",
            "--password-stdin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{PASSWORD}\n").as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// `POST path` with a JSON body over a raw connection; returns status and body.
fn post_json(port: u16, path: &str, body: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response.split(' ').nth(1).unwrap().parse().unwrap();
    (
        status,
        response
            .split("\r\n\r\n")
            .nth(1)
            .unwrap_or_default()
            .to_owned(),
    )
}

fn get_with_token(port: u16, path: &str, token: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response.split(' ').nth(1).unwrap().parse().unwrap();
    (
        status,
        response
            .split("\r\n\r\n")
            .nth(1)
            .unwrap_or_default()
            .to_owned(),
    )
}

/// Logs in and reads `/api/v1/me` against a server started with `envs`.
fn me_after_login(dir: &Path, envs: &[(&str, &str)], email: &str) -> String {
    let mut all = vec![("RR_HTTP__PORT", "0")];
    all.extend_from_slice(envs);
    let (mut child, port) = serve(dir, &all);
    let (status, body) = post_json(
        port,
        "/api/v1/auth/login",
        &format!(r#"{{"email":"{email}","password":"{PASSWORD}"}}"#),
    );
    assert_eq!(status, 200, "{body}");
    let token = body
        .split("\"accessToken\":\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let (status, me) = get_with_token(port, "/api/v1/me", &token);
    terminate(&mut child);
    assert_eq!(status, 200, "{me}");
    me
}

#[test]
fn admin_create_user_bootstraps_a_super_administrator_from_standard_input() {
    let dir = tempfile::tempdir().unwrap();

    let output = create_user(
        dir.path(),
        &[],
        "root@exemple.fr",
        "root",
        "super-administrator",
    );

    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("(super-administrator)"));
    let me = me_after_login(dir.path(), &[], "root@exemple.fr");
    assert!(me.contains(r#""role":"super_administrator""#), "{me}");

    let weak = create_user(dir.path(), &[], "other@exemple.fr", "other", "citizen");
    assert!(
        weak.status.success(),
        "a second account with the same strong password is fine"
    );
    let taken = create_user(dir.path(), &[], "root@exemple.fr", "root2", "citizen");
    assert!(!taken.status.success());
    assert!(String::from_utf8_lossy(&taken.stderr).contains("email_taken"));
}

#[test]
fn keys_rotate_rewraps_every_data_key_and_the_old_master_key_can_then_go() {
    use base64::Engine as _;

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path();
    // Development keys (dev-1) are generated by the first command.
    assert!(
        create_user(path, &[], "lea@exemple.fr", "lea", "citizen")
            .status
            .success()
    );
    let k2 = base64::engine::general_purpose::STANDARD.encode([42_u8; 32]);
    let keys = |masters: &str, current: &str| {
        format!(
            "{{ master_keys = [{masters}], current_master_key = \"{current}\", \
             blind_index_key_file = \"data/keys/blind-index.key\", current_jwt_key = \"dev-1\", \
             jwt_signing_keys = [{{ id = \"dev-1\", file = \"data/keys/jwt-dev-1.pem\" }}], \
             jwt_issuer = \"ressources-relationnelles\", jwt_audience = \"ressources-relationnelles-api\" }}"
        )
    };
    let dev1 = r#"{ id = "dev-1", file = "data/keys/master-dev-1.key" }"#;
    let k2_inline = format!(r#"{{ id = "k2", value = "{k2}" }}"#);
    let both = keys(&format!("{dev1}, {k2_inline}"), "k2");
    let only_k2 = keys(&k2_inline, "k2");

    // Both keys configured, k2 current: old data stays readable, new data goes under k2.
    assert!(
        me_after_login(path, &[("RR_SECURITY__KEYS", &both)], "lea@exemple.fr")
            .contains("lea@exemple.fr")
    );
    assert!(
        create_user(
            path,
            &[("RR_SECURITY__KEYS", &both)],
            "tom@exemple.fr",
            "tom",
            "citizen"
        )
        .status
        .success()
    );

    let rotate = rr_server(path)
        .env("RR_SECURITY__KEYS", &both)
        .args(["keys", "rotate"])
        .output()
        .unwrap();
    assert!(
        rotate.status.success(),
        "{}",
        String::from_utf8_lossy(&rotate.stderr)
    );
    assert!(
        String::from_utf8_lossy(&rotate.stdout).starts_with("1 data keys re-wrapped"),
        "only lea's was under dev-1"
    );
    let again = rr_server(path)
        .env("RR_SECURITY__KEYS", &both)
        .args(["keys", "rotate"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&again.stdout).starts_with("0 data keys re-wrapped"));

    // dev-1 removed: everyone's data is still readable.
    for email in ["lea@exemple.fr", "tom@exemple.fr"] {
        assert!(me_after_login(path, &[("RR_SECURITY__KEYS", &only_k2)], email).contains(email));
    }
}

#[test]
fn audit_verify_detects_a_tampered_entry() {
    let dir = tempfile::tempdir().unwrap();
    assert!(
        create_user(dir.path(), &[], "lea@exemple.fr", "lea", "citizen")
            .status
            .success()
    );
    assert!(
        create_user(dir.path(), &[], "tom@exemple.fr", "tom", "citizen")
            .status
            .success()
    );

    let intact = rr_server(dir.path())
        .args(["audit", "verify"])
        .output()
        .unwrap();
    assert!(intact.status.success());
    assert!(String::from_utf8_lossy(&intact.stdout).contains("intact: 2 entries"));

    let url = format!("sqlite://{}", dir.path().join("data/rr.sqlite").display());
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let changed = runtime
        .block_on(rr_persistence::testing::execute(
            &url,
            "UPDATE audit_log SET detail = 'role=citizen (edited)' WHERE sequence = 1",
        ))
        .unwrap();
    assert_eq!(changed, 1);

    let tampered = rr_server(dir.path())
        .args(["audit", "verify"])
        .output()
        .unwrap();
    assert!(!tampered.status.success());
    assert!(String::from_utf8_lossy(&tampered.stderr).contains("breaks at entry 1"));
}
