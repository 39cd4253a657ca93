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

    assert!(run(&["migrate", "status"]).starts_with("pending"));
    run(&["migrate", "up"]);
    assert!(run(&["migrate", "status"]).starts_with("applied"));
    run(&["migrate", "down", "--steps", "1"]);
    assert!(run(&["migrate", "status"]).starts_with("pending"));
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
