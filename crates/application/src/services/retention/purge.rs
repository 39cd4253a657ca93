//! The nightly purge, and its dry run.

use rr_domain::compliance::{RetentionCategory, Span, start_of};
use rr_domain::identity::UserId;
use rr_domain::subject_rights::{ContentChoice, ErasureAuthority, ErasureReason};
use time::OffsetDateTime;

use super::RetentionService;
use super::mail::inactivity_warning;
use crate::AppError;
use crate::ports::{AuditEvent, Expiring, Inactivity, fields};

/// Rows deleted by one statement.
const BATCH: u64 = 1_000;
/// Accounts read at once.
const ACCOUNTS: u64 = 200;
/// Why the platform erases an inactive account, in the audit log.
const INACTIVE: &str = "inactive_account";

/// Whether the purge changes anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PurgeMode {
    /// Counts what would go, changes nothing, sends nothing.
    DryRun,
    /// Does it.
    Apply,
}

/// One thing the purge does, in the order it does them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PurgeAction {
    /// Deletes the reservations of erased citizens' usernames that have
    /// ended, so the names are free in the data as they already are in the
    /// rules. First: an erasure deletes the ended ones too, and would
    /// otherwise take this line's count.
    ReleaseUsernames,
    /// Erases the accounts inactive for the whole period and warned long
    /// enough ago.
    EraseInactiveAccounts,
    /// Warns by mail the accounts whose erasure is one notice away.
    WarnInactiveAccounts,
    /// Deletes sessions ended long enough ago, with their spent tokens.
    DeleteEndedSessions,
    /// Deletes single-use links expired long enough ago.
    DeleteOneTimeTokens,
    /// Deletes old entries of the staff access journal.
    DeleteStaffAccesses,
    /// Deletes old notifications.
    DeleteNotifications,
    /// Deletes the records of data exports closed and old.
    DeleteExportRecords,
    /// Counts old consultations and searches into the aggregates, then
    /// deletes them.
    AggregateStatistics,
    /// Deletes the oldest entries of the audit log.
    DeleteAuditEntries,
}

impl PurgeAction {
    /// Every action, in order.
    pub const ALL: [Self; 10] = [
        Self::ReleaseUsernames,
        Self::EraseInactiveAccounts,
        Self::WarnInactiveAccounts,
        Self::DeleteEndedSessions,
        Self::DeleteOneTimeTokens,
        Self::DeleteStaffAccesses,
        Self::DeleteNotifications,
        Self::DeleteExportRecords,
        Self::AggregateStatistics,
        Self::DeleteAuditEntries,
    ];

    /// Stable machine name, as the audit log and the command print it.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::EraseInactiveAccounts => "inactive_accounts_erased",
            Self::WarnInactiveAccounts => "inactive_accounts_warned",
            Self::DeleteEndedSessions => "ended_sessions_deleted",
            Self::DeleteOneTimeTokens => "expired_links_deleted",
            Self::DeleteStaffAccesses => "staff_accesses_deleted",
            Self::DeleteNotifications => "notifications_deleted",
            Self::DeleteExportRecords => "export_records_deleted",
            Self::AggregateStatistics => "statistics_events_aggregated",
            Self::DeleteAuditEntries => "audit_entries_deleted",
            Self::ReleaseUsernames => "usernames_released",
        }
    }

    /// The period it applies.
    #[must_use]
    pub const fn category(self) -> RetentionCategory {
        match self {
            Self::EraseInactiveAccounts => RetentionCategory::InactiveAccounts,
            Self::WarnInactiveAccounts => RetentionCategory::InactivityNotice,
            Self::DeleteEndedSessions | Self::DeleteOneTimeTokens => {
                RetentionCategory::EndedSessions
            }
            Self::DeleteStaffAccesses => RetentionCategory::StaffAccessJournal,
            Self::DeleteNotifications => RetentionCategory::Notifications,
            Self::DeleteExportRecords => RetentionCategory::ExportRecords,
            Self::AggregateStatistics => RetentionCategory::StatisticsEvents,
            Self::DeleteAuditEntries => RetentionCategory::AuditLog,
            Self::ReleaseUsernames => RetentionCategory::UsernameReservations,
        }
    }
}

/// What one action did, or would do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PurgeLine {
    /// The action.
    pub action: PurgeAction,
    /// What is older than this goes: for accounts, the last activity; for
    /// statistics, midnight of the first day kept.
    pub before: OffsetDateTime,
    /// The period applied.
    pub span: Span,
    /// How many went (would go, in a dry run).
    pub count: u64,
    /// How many could not: a mail refused, an erasure that failed. Always 0
    /// in a dry run.
    pub failed: u64,
}

/// What a purge did, or would do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurgeReport {
    /// When it ran.
    pub at: OffsetDateTime,
    /// Dry run or not.
    pub mode: PurgeMode,
    /// One line per action, in [`PurgeAction::ALL`] order.
    pub lines: Vec<PurgeLine>,
}

impl PurgeReport {
    /// The line of `action`.
    #[must_use]
    pub fn line(&self, action: PurgeAction) -> Option<&PurgeLine> {
        self.lines.iter().find(|line| line.action == action)
    }

    /// Everything that failed.
    #[must_use]
    pub fn failures(&self) -> u64 {
        self.lines.iter().map(|line| line.failed).sum()
    }

    /// `action=count` words, for the audit log.
    fn describe(&self) -> String {
        self.lines
            .iter()
            .map(|line| format!("{}={}", line.action.as_str(), line.count))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// The cut-offs of one run.
struct Cutoffs {
    /// Citizens inactive since before this are erased…
    erase_inactive: OffsetDateTime,
    /// …once warned before this.
    erase_warned: OffsetDateTime,
    /// Citizens inactive since before this are warned.
    warn_inactive: OffsetDateTime,
}

impl RetentionService {
    /// Applies every retention period at once, or with
    /// [`PurgeMode::DryRun`] counts what would go and changes nothing.
    /// Idempotent: run again, it finds nothing more (unless time passed or a
    /// mail or an erasure failed, which the next run retries). Meant to run
    /// every night on one node; two runs at once do no harm (each warning is
    /// claimed before its mail is sent).
    ///
    /// In order: erases the citizens inactive for
    /// [`RetentionPeriods::inactive_accounts`] and warned at least
    /// [`RetentionPeriods::inactivity_notice`] ago (through the erasure use
    /// case, keeping their published content anonymised, as if they had
    /// chosen it); warns by mail, once, those whose erasure is one notice
    /// away; deletes ended sessions and expired links, the staff access
    /// journal, notifications and closed export records past their periods;
    /// counts the
    /// consultations and searches of the months past theirs into the
    /// statistics' aggregates and deletes them; deletes the oldest audit
    /// entries (recording first, in the chain, where it now starts); and
    /// records what it did in the audit log, if it did anything.
    ///
    /// [`RetentionPeriods::inactive_accounts`]: rr_domain::compliance::RetentionPeriods::inactive_accounts
    /// [`RetentionPeriods::inactivity_notice`]: rr_domain::compliance::RetentionPeriods::inactivity_notice
    ///
    /// # Errors
    /// [`AppError::Unavailable`] when the database is; what was done before
    /// stays done and the next run goes on. A mail or an erasure that fails
    /// is counted in [`PurgeLine::failed`], not an error.
    pub async fn purge(&self, mode: PurgeMode) -> Result<PurgeReport, AppError> {
        let now = self.ports.clock.now();
        let periods = &self.policy.periods;
        let inactive = periods.inactive_accounts.before(now);
        let cutoffs = Cutoffs {
            erase_inactive: inactive,
            erase_warned: periods.inactivity_notice.before(now),
            warn_inactive: periods.inactivity_notice.after(inactive),
        };
        let mut lines = Vec::with_capacity(PurgeAction::ALL.len());
        for action in PurgeAction::ALL {
            let span = periods.of(action.category());
            let before = match action {
                PurgeAction::EraseInactiveAccounts => cutoffs.erase_inactive,
                PurgeAction::WarnInactiveAccounts => cutoffs.warn_inactive,
                PurgeAction::AggregateStatistics => {
                    start_of(periods.statistics_kept_from(now.date()))
                }
                // A reservation's end was set by the erasure, its period
                // from then: what ended by now goes.
                PurgeAction::ReleaseUsernames => now,
                _ => span.before(now),
            };
            let (count, failed) = match mode {
                PurgeMode::DryRun => (self.count(action, before, &cutoffs).await?, 0),
                PurgeMode::Apply => self.apply(action, before, &cutoffs, now).await?,
            };
            lines.push(PurgeLine {
                action,
                before,
                span,
                count,
                failed,
            });
        }
        let report = PurgeReport {
            at: now,
            mode,
            lines,
        };
        if mode == PurgeMode::Apply && report.lines.iter().any(|line| line.count > 0) {
            self.ports
                .audit
                .append(
                    AuditEvent {
                        action: "retention_purged",
                        actor: None,
                        subject: None,
                        detail: report.describe(),
                    },
                    now,
                )
                .await?;
        }
        Ok(report)
    }

    /// What `action` would remove.
    async fn count(
        &self,
        action: PurgeAction,
        before: OffsetDateTime,
        cutoffs: &Cutoffs,
    ) -> Result<u64, AppError> {
        let store = &self.ports.store;
        Ok(match action {
            PurgeAction::EraseInactiveAccounts => {
                store
                    .count_inactive(Inactivity::ToErase {
                        inactive_before: cutoffs.erase_inactive,
                        warned_before: cutoffs.erase_warned,
                    })
                    .await?
            }
            PurgeAction::WarnInactiveAccounts => {
                store
                    .count_inactive(Inactivity::ToWarn {
                        inactive_before: before,
                    })
                    .await?
            }
            PurgeAction::AggregateStatistics => {
                store.statistics_events_before(before.date()).await?
            }
            PurgeAction::DeleteAuditEntries => store
                .audit_prefix(before)
                .await?
                .map_or(0, |prefix| prefix.entries),
            other => store.count_expired(expiring(other), before).await?,
        })
    }

    /// Does `action`: how many went, how many failed.
    async fn apply(
        &self,
        action: PurgeAction,
        before: OffsetDateTime,
        cutoffs: &Cutoffs,
        now: OffsetDateTime,
    ) -> Result<(u64, u64), AppError> {
        let store = &self.ports.store;
        match action {
            PurgeAction::EraseInactiveAccounts => self.erase_inactive(cutoffs).await,
            PurgeAction::WarnInactiveAccounts => self.warn_inactive(before, now).await,
            PurgeAction::DeleteNotifications => {
                Ok((self.notifications.purge_sent_before(before).await?, 0))
            }
            PurgeAction::DeleteExportRecords => {
                Ok((self.ports.exports.delete_closed_before(before).await?, 0))
            }
            PurgeAction::AggregateStatistics => {
                Ok((store.roll_up_statistics(before.date()).await?, 0))
            }
            PurgeAction::DeleteAuditEntries => {
                let Some(prefix) = store.audit_prefix(before).await? else {
                    return Ok((0, 0));
                };
                // Recorded in the chain first: the verification checks that
                // where the chain now starts was written in it.
                self.ports
                    .audit
                    .append(
                        AuditEvent {
                            action: "audit_log_purged",
                            actor: None,
                            subject: None,
                            detail: format!("{} entries={}", prefix.describe(), prefix.entries),
                        },
                        now,
                    )
                    .await?;
                Ok((store.drop_audit_prefix(&prefix, now).await?, 0))
            }
            other => {
                let what = expiring(other);
                let mut deleted = 0_u64;
                loop {
                    let batch = store.delete_expired(what, before, BATCH).await?;
                    deleted = deleted.saturating_add(batch);
                    if batch < BATCH {
                        return Ok((deleted, 0));
                    }
                }
            }
        }
    }

    async fn erase_inactive(&self, cutoffs: &Cutoffs) -> Result<(u64, u64), AppError> {
        let stage = Inactivity::ToErase {
            inactive_before: cutoffs.erase_inactive,
            warned_before: cutoffs.erase_warned,
        };
        let reason = ErasureReason::parse(INACTIVE).map_err(AppError::internal)?;
        let (mut erased, mut failed) = (0_u64, 0_u64);
        let mut after: Option<UserId> = None;
        loop {
            let page = self.ports.store.inactive(stage, after, ACCOUNTS).await?;
            for &id in &page {
                let authority = ErasureAuthority::System {
                    reason: reason.clone(),
                };
                match self
                    .erasure
                    .erase(id, authority, ContentChoice::Anonymise)
                    .await
                {
                    Ok(_) => erased += 1,
                    Err(AppError::NotFound) => {}
                    Err(err @ (AppError::Unavailable(_) | AppError::Conflict(_))) => {
                        return Err(err);
                    }
                    Err(err) => {
                        tracing::warn!(account = %id.as_uuid(), error = %err, code = err.code(),
                            "an inactive account could not be erased; retried next run");
                        failed += 1;
                    }
                }
            }
            after = page.last().copied();
            if (page.len() as u64) < ACCOUNTS {
                return Ok((erased, failed));
            }
        }
    }

    async fn warn_inactive(
        &self,
        inactive_before: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<(u64, u64), AppError> {
        let stage = Inactivity::ToWarn { inactive_before };
        let periods = &self.policy.periods;
        let erased_from = periods.inactivity_notice.after(now).date();
        let (mut warned, mut failed) = (0_u64, 0_u64);
        let mut after: Option<UserId> = None;
        loop {
            let page = self.ports.store.inactive(stage, after, ACCOUNTS).await?;
            for &id in &page {
                if !self
                    .ports
                    .store
                    .mark_warned(id, now, inactive_before)
                    .await?
                {
                    continue;
                }
                match self.send_warning(id, erased_from).await {
                    Ok(true) => warned += 1,
                    Ok(false) => {}
                    Err(err) => {
                        tracing::warn!(account = %id.as_uuid(), error = %err,
                            "an inactivity warning could not be sent; retried next run");
                        self.ports.store.unmark_warned(id, now).await?;
                        failed += 1;
                    }
                }
            }
            after = page.last().copied();
            if (page.len() as u64) < ACCOUNTS {
                return Ok((warned, failed));
            }
        }
    }

    /// Mails the warning to `id`; `false` when the account is gone.
    async fn send_warning(&self, id: UserId, erased_from: time::Date) -> Result<bool, AppError> {
        let Some(user) = self.ports.users.find(id).await? else {
            return Ok(false);
        };
        let address = self
            .ports
            .cipher
            .open(&user.data_key, user.id, fields::EMAIL, &user.email)
            .map_err(AppError::internal)?;
        let email = String::from_utf8(address)
            .map_err(AppError::internal)
            .and_then(|raw| rr_domain::identity::Email::parse(&raw).map_err(AppError::internal))?;
        self.ports
            .mailer
            .send(inactivity_warning(
                email,
                self.policy.periods.inactive_accounts,
                erased_from,
                &self.policy.frontend_url,
            ))
            .await
            .map_err(AppError::internal)?;
        Ok(true)
    }
}

/// The kind of rows a deleting action removes.
const fn expiring(action: PurgeAction) -> Expiring {
    match action {
        PurgeAction::DeleteOneTimeTokens => Expiring::OneTimeTokens,
        PurgeAction::DeleteStaffAccesses => Expiring::StaffAccesses,
        PurgeAction::DeleteNotifications => Expiring::Notifications,
        PurgeAction::DeleteExportRecords => Expiring::ExportRecords,
        PurgeAction::ReleaseUsernames => Expiring::UsernameReservations,
        _ => Expiring::EndedSessions,
    }
}
