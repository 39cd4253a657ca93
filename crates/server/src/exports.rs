//! The export worker every API node runs: produces the exports waiting to be
//! produced, and sweeps the archives past their time (ADR 0022).

use std::time::Duration;

use rr_application::services::DataExportService;

/// How often each node removes the archives past their end.
const SWEEP_EVERY: Duration = Duration::from_secs(600);

/// Looks for exports to produce every `poll`, and sweeps expired archives
/// every [`SWEEP_EVERY`], from the start. Claims keep two nodes from
/// producing one export; removing what another node removed is harmless. A
/// failure is logged and retried at the next round.
pub(crate) fn spawn_worker(
    service: DataExportService,
    poll: Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut produce = tokio::time::interval(poll);
        produce.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut sweep = tokio::time::interval(SWEEP_EVERY);
        sweep.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = produce.tick() => match service.run_pending().await {
                    Ok(0) => {}
                    Ok(finished) => tracing::info!(finished, "exports produced"),
                    Err(err) => tracing::warn!(error = %err, "export production failed; retried next round"),
                },
                _ = sweep.tick() => match service.expire_due().await {
                    Ok(report) if report.archives_removed == 0 => {}
                    Ok(report) => tracing::info!(removed = report.archives_removed, "export archives removed"),
                    Err(err) => tracing::warn!(error = %err, "export sweep failed; retried next round"),
                },
            }
        }
    })
}
