//! `rr-server gdpr` as an operator runs it: the register printed with the
//! shipped configuration is `docs/rgpd/register.md`; a dry run of the purge
//! prints every action and changes nothing, and the purge itself runs on a
//! fresh database.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

use std::path::Path;
use std::process::{Command, Output};

fn gdpr(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rr-server"))
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .arg("gdpr")
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn the_register_printed_with_the_shipped_configuration_is_the_one_in_docs() {
    let dir = tempfile::tempdir().unwrap();

    let output = gdpr(dir.path(), &["register"]);

    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let kept = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/rgpd/register.md"),
    )
    .unwrap();
    assert!(
        String::from_utf8(output.stdout).unwrap() == kept,
        "docs/rgpd/register.md is not the register of the shipped configuration: \
         rr-server gdpr register > docs/rgpd/register.md, and review the diff"
    );
}

#[test]
fn a_dry_run_prints_every_action_then_the_purge_runs() {
    let dir = tempfile::tempdir().unwrap();

    let dry = gdpr(dir.path(), &["purge", "--dry-run"]);

    assert!(
        dry.status.success(),
        "{}",
        String::from_utf8_lossy(&dry.stderr)
    );
    let text = String::from_utf8(dry.stdout).unwrap();
    assert!(text.starts_with("retention purge, dry run at "), "{text}");
    assert!(text.contains("nothing changed"));
    for action in [
        "inactive_accounts_erased",
        "inactive_accounts_warned",
        "ended_sessions_deleted",
        "expired_links_deleted",
        "staff_accesses_deleted",
        "notifications_deleted",
        "export_records_deleted",
        "statistics_events_aggregated",
        "audit_entries_deleted",
        "usernames_released",
    ] {
        let line = text.lines().find(|l| l.contains(action)).unwrap();
        assert!(line.split_whitespace().nth(1) == Some("0"), "{line}");
    }
    assert!(
        text.contains("(3 ans)") && text.contains("(25 mois)"),
        "{text}"
    );

    let run = gdpr(dir.path(), &["purge"]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(
        String::from_utf8(run.stdout)
            .unwrap()
            .starts_with("retention purge at ")
    );
}
