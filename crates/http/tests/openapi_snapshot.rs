//! The committed contract `docs/api/openapi.json` must match the code. When a
//! change to the API is intended, regenerate it with
//! `UPDATE_OPENAPI_SNAPSHOT=1 cargo test -p rr-http --test openapi_snapshot`
//! and review the diff with the front-end teams.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

use std::path::Path;

#[test]
fn the_committed_openapi_document_matches_the_code() {
    let snapshot = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/api/openapi.json");
    let generated = format!("{}\n", rr_http::openapi().to_pretty_json().unwrap());
    if std::env::var_os("UPDATE_OPENAPI_SNAPSHOT").is_some() {
        std::fs::write(&snapshot, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&snapshot).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/api/openapi.json is out of date: run `UPDATE_OPENAPI_SNAPSHOT=1 cargo test -p rr-http --test openapi_snapshot` and review the diff"
    );
}
