//! The dependency rule of the hexagon (DESIGN.md §2), checked on `cargo metadata`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

use std::collections::BTreeSet;
use std::process::Command;

use serde_json::Value;

const OURS: [&str; 9] = [
    "rr-domain",
    "rr-application",
    "rr-persistence",
    "rr-security",
    "rr-http",
    "rr-mail",
    "rr-server",
    "rr-migrations",
    "rr-acceptance-tests",
];
const ADAPTERS: [&str; 4] = ["rr-persistence", "rr-security", "rr-http", "rr-mail"];
const FRAMEWORKS: [&str; 9] = [
    "sea-orm",
    "sea-orm-migration",
    "sqlx",
    "actix-web",
    "utoipa",
    "tokio",
    "anyhow",
    "serde_json",
    "async-trait",
];

/// Every package's normal (non-dev) dependency names, from `cargo metadata`.
fn dependencies() -> Vec<(String, BTreeSet<String>)> {
    let output = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: Value = serde_json::from_slice(&output.stdout).unwrap();
    metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|package| {
            let deps = package["dependencies"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|dep| dep["kind"].is_null())
                .map(|dep| dep["name"].as_str().unwrap().to_owned())
                .collect();
            (package["name"].as_str().unwrap().to_owned(), deps)
        })
        .collect()
}

fn deps_of(name: &str) -> BTreeSet<String> {
    dependencies()
        .into_iter()
        .find(|(package, _)| package == name)
        .unwrap_or_else(|| panic!("{name} is not in the workspace"))
        .1
}

#[test]
fn the_workspace_has_the_crates_of_the_design() {
    let names: BTreeSet<String> = dependencies().into_iter().map(|(name, _)| name).collect();
    for crate_name in OURS {
        assert!(names.contains(crate_name), "{crate_name} is missing");
    }
}

#[test]
fn the_domain_depends_on_no_crate_of_ours_and_no_framework() {
    let deps = deps_of("rr-domain");
    for forbidden in OURS.iter().chain(FRAMEWORKS.iter()) {
        assert!(
            !deps.contains(*forbidden),
            "rr-domain depends on {forbidden}"
        );
    }
    let allowed: BTreeSet<&str> = ["thiserror", "uuid", "time", "serde"].into();
    for dep in &deps {
        assert!(
            allowed.contains(dep.as_str()),
            "rr-domain may not depend on {dep}"
        );
    }
}

#[test]
fn the_application_depends_on_the_domain_only() {
    let deps = deps_of("rr-application");
    for ours in OURS {
        if ours != "rr-domain" {
            assert!(!deps.contains(ours), "rr-application depends on {ours}");
        }
    }
    for framework in [
        "sea-orm",
        "sqlx",
        "actix-web",
        "utoipa",
        "tokio",
        "anyhow",
        "serde",
        "serde_json",
    ] {
        assert!(
            !deps.contains(framework),
            "rr-application depends on {framework}"
        );
    }
}

#[test]
fn no_adapter_depends_on_another_adapter_or_on_the_server() {
    for adapter in ADAPTERS {
        let deps = deps_of(adapter);
        for other in ADAPTERS.iter().chain(["rr-server"].iter()) {
            assert!(
                adapter == *other || !deps.contains(*other),
                "{adapter} depends on {other}"
            );
        }
    }
}

#[test]
fn only_the_persistence_adapter_knows_the_migrations_and_the_orm() {
    for (package, deps) in dependencies() {
        if package != "rr-persistence" && package != "rr-migrations" {
            assert!(!deps.contains("sea-orm"), "{package} depends on sea-orm");
            assert!(
                !deps.contains("rr-migrations"),
                "{package} depends on rr-migrations"
            );
        }
    }
}
