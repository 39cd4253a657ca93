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

/// Client generators name one function per `operationId`: two operations
/// sharing one would collide.
#[test]
fn every_operation_has_its_own_id() {
    let document = serde_json::to_value(rr_http::openapi()).unwrap();
    let mut seen = std::collections::BTreeMap::new();
    for (path, operations) in document["paths"].as_object().unwrap() {
        for (method, operation) in operations.as_object().unwrap() {
            if let Some(id) = operation.get("operationId").and_then(|id| id.as_str())
                && let Some(other) = seen.insert(id.to_owned(), format!("{method} {path}"))
            {
                panic!("operationId {id} is used by {other} and by {method} {path}");
            }
        }
    }
    assert!(seen.len() > 40, "{} operations", seen.len());
}
