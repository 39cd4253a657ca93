//! The accounts a breach concerns, and their addresses for the Art. 34
//! notice.

use std::collections::BTreeSet;

use rr_domain::compliance::BreachId;
use rr_domain::identity::{
    AccessId, AccessReason, AuthenticatedActor, Email, PersonalField, UserId, Username,
};

use super::{BreachService, BreachView, MAX_ATTACHED};
use crate::ports::{Attached, StaffAccess, fields};
use crate::{AppError, FieldViolation};

/// Accounts read at once.
const PAGE: u64 = 500;

/// Why an account's address is not in the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Withheld {
    /// The reader may not read this account's personal data (an
    /// administrator's, for an administrator; one's own): someone above
    /// them tells it.
    Role,
    /// It cannot be opened (its key is gone or the data is corrupt).
    Unreadable,
}

/// One account concerned, as the notice needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AffectedContact {
    /// The account.
    pub id: UserId,
    /// Its username.
    pub username: Username,
    /// Its address, unless withheld.
    pub email: Result<Email, Withheld>,
}

/// The accounts of a breach with their addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactList {
    /// The breach.
    pub breach: BreachId,
    /// Every account attached, by id.
    pub contacts: Vec<AffectedContact>,
}

impl BreachService {
    /// Attaches `accounts` (1 to [`MAX_ATTACHED`], duplicates ignored) to
    /// breach `id`; those already attached stay. Audited as
    /// `breach_accounts_attached` with how many were added.
    ///
    /// # Errors
    /// [`AppError::Forbidden`] below an administrator with two-factor
    /// authentication; [`AppError::NotFound`] for the breach;
    /// [`AppError::Invalid`] `no_account` (empty list), `too_many_accounts`,
    /// `unknown_account` (naming the ids that are no account; then nothing
    /// is attached).
    pub async fn attach(
        &self,
        actor: &AuthenticatedActor,
        id: BreachId,
        accounts: Vec<UserId>,
    ) -> Result<BreachView, AppError> {
        let accounts: Vec<UserId> = accounts
            .into_iter()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        self.load(actor, id).await?;
        if accounts.is_empty() {
            return Err(AppError::invalid(
                "userIds",
                "no_account",
                "Donnez au moins un identifiant de compte.",
            ));
        }
        if accounts.len() > MAX_ATTACHED {
            return Err(AppError::invalid(
                "userIds",
                "too_many_accounts",
                format!("Au plus {MAX_ATTACHED} comptes par appel."),
            ));
        }
        let now = self.ports.clock.now();
        match self
            .ports
            .breaches
            .attach(id, &accounts, actor.user_id, now)
            .await?
        {
            Attached::Added(added) => {
                self.audit(
                    actor,
                    "breach_accounts_attached",
                    id,
                    &format!("added={added}"),
                )
                .await?;
            }
            Attached::Unknown(unknown) => {
                return Err(AppError::Invalid(vec![FieldViolation::new(
                    "userIds",
                    "unknown_account",
                    format!(
                        "Aucun compte n'a ces identifiants : {}.",
                        unknown
                            .iter()
                            .map(|u| u.as_uuid().to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )]));
            }
        }
        Ok(self.view(self.load(actor, id).await?))
    }

    /// The accounts attached to breach `id` with their address, to tell them
    /// (Art. 34). Each address read is journaled with `reason` in the staff
    /// access journal before anything is returned (the person sees it), and
    /// the list is audited as `breach_contacts_read` with how many were read.
    /// An address the reader may not read (ADR 0019) or that cannot be
    /// opened is withheld, and not journaled.
    ///
    /// # Errors
    /// As [`Self::attach`] for the actor and the breach;
    /// [`AppError::Unavailable`] when the journal cannot be written (then
    /// nothing is shown).
    pub async fn contacts(
        &self,
        actor: &AuthenticatedActor,
        id: BreachId,
        reason: AccessReason,
    ) -> Result<ContactList, AppError> {
        self.load(actor, id).await?;
        let mut contacts = Vec::new();
        let mut after = None;
        loop {
            let page = self.ports.breaches.affected(id, after, PAGE).await?;
            for &account in &page {
                let Some(user) = self.ports.users.find(account).await? else {
                    continue;
                };
                let email = if actor.may_read_personal_data_of(user.id, user.role) {
                    self.ports
                        .cipher
                        .open(&user.data_key, user.id, fields::EMAIL, &user.email)
                        .ok()
                        .and_then(|bytes| String::from_utf8(bytes).ok())
                        .and_then(|raw| Email::parse(&raw).ok())
                        .ok_or(Withheld::Unreadable)
                } else {
                    Err(Withheld::Role)
                };
                if email.is_ok() {
                    self.ports
                        .journal
                        .record(&StaffAccess {
                            id: AccessId::generate(),
                            at: self.ports.clock.now(),
                            staff: actor.user_id,
                            staff_role: actor.role,
                            subject: user.id,
                            reason: reason.clone(),
                            fields: vec![PersonalField::Email],
                        })
                        .await?;
                }
                contacts.push(AffectedContact {
                    id: user.id,
                    username: user.username,
                    email,
                });
            }
            after = page.last().copied();
            if (page.len() as u64) < PAGE {
                break;
            }
        }
        let read = contacts.iter().filter(|c| c.email.is_ok()).count();
        self.audit(actor, "breach_contacts_read", id, &format!("read={read}"))
            .await?;
        Ok(ContactList {
            breach: id,
            contacts,
        })
    }
}
