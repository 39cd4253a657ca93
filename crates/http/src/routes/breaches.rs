//! `/api/v1/admin/breaches`: the register of personal data breaches (GDPR
//! Art. 33(5); ADR 0026). Administrators with two-factor authentication
//! record a breach and complete its assessment, see the 72-hour deadline to
//! notify the CNIL and whether it passed, record that notification and the
//! one to the people, attach the accounts concerned and read their addresses
//! for the notice (each read journaled). There is no deletion.

use std::collections::BTreeSet;

use actix_web::http::header;
use actix_web::{HttpResponse, ResponseError, get, post, put, web};
use rr_application::services::BreachService;
use rr_application::services::breaches::{
    AffectedContact, BreachPage, BreachView, ContactList, NewBreach, Withheld,
};
use rr_domain::compliance::{
    AuthorityNotification, AuthorityReference, BreachAssessment, BreachId, BreachText,
    DataCategory, PeopleNotification, SubjectCategory,
};
use rr_domain::identity::{AccessReason, UserId};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};

use crate::extract::Authenticated;
use crate::problem::{ApiError, RequestProblem};
use crate::validation::Fields;

/// Items of a page unless `limit` says otherwise.
const DEFAULT_LIMIT: u64 = 20;

const PROBLEM: &str = "application/problem+json";

const FORBIDDEN: &str = "Not an administrator (`forbidden`), or one without two-factor \
     authentication (`two_factor_required`).";

const NOT_FOUND: &str = "No such breach (`not_found`).";

/// A category of personal data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DataCategoryName {
    /// Names and usernames.
    Identity,
    /// Email addresses and phone numbers.
    Contact,
    /// Password hashes, tokens, second-factor secrets, recovery codes.
    Credentials,
    /// Country and region.
    Location,
    /// Resources, comments and reports.
    Content,
    /// Consultations, searches, favourites, progress, sessions, notifications.
    Activity,
    /// Data of GDPR Art. 9 (health above all) the content may reveal.
    SpecialCategories,
}

impl From<DataCategoryName> for DataCategory {
    fn from(name: DataCategoryName) -> Self {
        match name {
            DataCategoryName::Identity => Self::Identity,
            DataCategoryName::Contact => Self::Contact,
            DataCategoryName::Credentials => Self::Credentials,
            DataCategoryName::Location => Self::Location,
            DataCategoryName::Content => Self::Content,
            DataCategoryName::Activity => Self::Activity,
            DataCategoryName::SpecialCategories => Self::SpecialCategories,
        }
    }
}

/// A category of people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SubjectCategoryName {
    /// Citizens with an account.
    Citizens,
    /// Moderators and administrators.
    Staff,
    /// Visitors without an account.
    Visitors,
}

impl From<SubjectCategoryName> for SubjectCategory {
    fn from(name: SubjectCategoryName) -> Self {
        match name {
            SubjectCategoryName::Citizens => Self::Citizens,
            SubjectCategoryName::Staff => Self::Staff,
            SubjectCategoryName::Visitors => Self::Visitors,
        }
    }
}

/// What is known of a breach and was done about it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({
    "occurredAt": "2026-11-27T22:00:00Z",
    "description": "Une sauvegarde non chiffrée a été copiée sur un poste perdu.",
    "dataCategories": ["identity", "contact"], "subjectCategories": ["citizens"],
    "peopleCount": 1200, "likelyConsequences": "Hameçonnage ciblé.",
    "measuresTaken": "Poste bloqué à distance, mots de passe réinitialisés."
}))]
pub struct AssessmentRequest {
    /// When it happened, if known (RFC 3339); not after it became known.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub occurred_at: Option<OffsetDateTime>,
    /// What happened (1 to 4,000 characters). Name nobody: the register is
    /// kept for good.
    pub description: String,
    /// The categories of personal data concerned (at least one).
    pub data_categories: Vec<DataCategoryName>,
    /// The categories of people concerned (at least one).
    pub subject_categories: Vec<SubjectCategoryName>,
    /// How many people are concerned, as estimated (accounts or not).
    pub people_count: u64,
    /// Their likely consequences (1 to 4,000 characters).
    pub likely_consequences: String,
    /// The measures taken or proposed (1 to 4,000 characters).
    pub measures_taken: String,
}

fn text(fields: &mut Fields, field: &'static str, raw: &str) -> Option<BreachText> {
    fields.parse(field, raw, BreachText::parse)
}

impl AssessmentRequest {
    fn parse(self, fields: &mut Fields) -> Option<BreachAssessment> {
        let description = text(fields, "description", &self.description);
        let likely_consequences = text(fields, "likelyConsequences", &self.likely_consequences);
        let measures_taken = text(fields, "measuresTaken", &self.measures_taken);
        Some(BreachAssessment {
            description: description?,
            occurred_at: self.occurred_at,
            data_categories: self
                .data_categories
                .into_iter()
                .map(DataCategory::from)
                .collect::<BTreeSet<_>>(),
            subject_categories: self
                .subject_categories
                .into_iter()
                .map(SubjectCategory::from)
                .collect::<BTreeSet<_>>(),
            people_count: self.people_count,
            likely_consequences: likely_consequences?,
            measures_taken: measures_taken?,
        })
    }

    fn try_into_assessment(self) -> Result<BreachAssessment, rr_application::AppError> {
        let mut fields = Fields::default();
        let assessment = self.parse(&mut fields);
        fields.finish()?;
        crate::validation::present(assessment)
    }
}

/// A breach to record.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({
    "knownAt": "2026-11-28T09:00:00Z", "occurredAt": "2026-11-27T22:00:00Z",
    "description": "Une sauvegarde non chiffrée a été copiée sur un poste perdu.",
    "dataCategories": ["identity", "contact"], "subjectCategories": ["citizens"],
    "peopleCount": 1200, "likelyConsequences": "Hameçonnage ciblé.",
    "measuresTaken": "Poste bloqué à distance, mots de passe réinitialisés."
}))]
pub struct NewBreachRequest {
    /// When the Ministry became aware of it (RFC 3339): the 72 hours to
    /// notify the CNIL run from here. Not in the future.
    #[serde(with = "time::serde::rfc3339")]
    pub known_at: OffsetDateTime,
    /// When it happened, if known (RFC 3339); not after `knownAt`.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub occurred_at: Option<OffsetDateTime>,
    /// What happened (1 to 4,000 characters). Name nobody: the register is
    /// kept for good.
    pub description: String,
    /// The categories of personal data concerned (at least one).
    pub data_categories: Vec<DataCategoryName>,
    /// The categories of people concerned (at least one).
    pub subject_categories: Vec<SubjectCategoryName>,
    /// How many people are concerned, as estimated (accounts or not).
    pub people_count: u64,
    /// Their likely consequences (1 to 4,000 characters).
    pub likely_consequences: String,
    /// The measures taken or proposed (1 to 4,000 characters).
    pub measures_taken: String,
}

impl NewBreachRequest {
    fn try_into_new(self) -> Result<NewBreach, rr_application::AppError> {
        let known_at = self.known_at;
        AssessmentRequest {
            occurred_at: self.occurred_at,
            description: self.description,
            data_categories: self.data_categories,
            subject_categories: self.subject_categories,
            people_count: self.people_count,
            likely_consequences: self.likely_consequences,
            measures_taken: self.measures_taken,
        }
        .try_into_assessment()
        .map(|assessment| NewBreach {
            known_at,
            assessment,
        })
    }
}

/// The notification to the CNIL.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"notifiedAt": "2026-11-29T16:00:00Z", "reference": "DN-2026-0042"}))]
pub struct AuthorityNotificationRequest {
    /// When it was sent (RFC 3339); between `knownAt` and now.
    #[serde(with = "time::serde::rfc3339")]
    pub notified_at: OffsetDateTime,
    /// The CNIL's reference (1 to 100 characters, one line).
    pub reference: String,
    /// Why it came after the 72 hours: required then (1 to 4,000 characters).
    #[serde(default)]
    pub delay_reason: Option<String>,
}

impl AuthorityNotificationRequest {
    fn try_into_notification(self) -> Result<AuthorityNotification, rr_application::AppError> {
        let mut fields = Fields::default();
        let reference = fields.parse("reference", &self.reference, AuthorityReference::parse);
        let delay_reason = fields.parse_opt(
            "delayReason",
            self.delay_reason.as_deref(),
            BreachText::parse,
        );
        fields.finish()?;
        Ok(AuthorityNotification {
            at: self.notified_at,
            reference: crate::validation::present(reference)?,
            delay_reason: crate::validation::present(delay_reason)?,
        })
    }
}

/// The communication to the people concerned.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"notifiedAt": "2026-11-30T10:00:00Z", "means": "Courriel à chaque compte concerné."}))]
pub struct PeopleNotificationRequest {
    /// When it was sent (RFC 3339); between `knownAt` and now.
    #[serde(with = "time::serde::rfc3339")]
    pub notified_at: OffsetDateTime,
    /// How, and what it said (1 to 4,000 characters).
    pub means: String,
}

impl PeopleNotificationRequest {
    fn try_into_notification(self) -> Result<PeopleNotification, rr_application::AppError> {
        let mut fields = Fields::default();
        let means = fields.parse("means", &self.means, BreachText::parse);
        fields.finish()?;
        Ok(PeopleNotification {
            at: self.notified_at,
            means: crate::validation::present(means)?,
        })
    }
}

/// Accounts to attach.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"userIds": ["0193a1ef-0000-7000-8000-000000000001"]}))]
pub struct AttachRequest {
    /// Account ids (1 to 1,000; those already attached stay).
    pub user_ids: Vec<uuid::Uuid>,
}

/// The notification to the CNIL, as recorded.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuthorityNotificationResponse {
    /// When it was sent.
    #[serde(with = "time::serde::rfc3339")]
    pub notified_at: OffsetDateTime,
    /// The CNIL's reference.
    pub reference: String,
    /// Why it came late, when it did.
    pub delay_reason: Option<String>,
}

/// The communication to the people, as recorded.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PeopleNotificationResponse {
    /// When it was sent.
    #[serde(with = "time::serde::rfc3339")]
    pub notified_at: OffsetDateTime,
    /// How, and what it said.
    pub means: String,
}

/// A breach of the register.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BreachResponse {
    /// Identifier.
    pub id: uuid::Uuid,
    /// When the Ministry became aware of it.
    #[serde(with = "time::serde::rfc3339")]
    pub known_at: OffsetDateTime,
    /// When it happened, if known.
    #[serde(with = "time::serde::rfc3339::option")]
    pub occurred_at: Option<OffsetDateTime>,
    /// What happened.
    pub description: String,
    /// The categories of personal data concerned.
    #[schema(example = json!(["identity", "contact"]))]
    pub data_categories: Vec<&'static str>,
    /// The categories of people concerned.
    #[schema(example = json!(["citizens"]))]
    pub subject_categories: Vec<&'static str>,
    /// How many people are concerned, as estimated.
    pub people_count: u64,
    /// Their likely consequences.
    pub likely_consequences: String,
    /// The measures taken or proposed.
    pub measures_taken: String,
    /// The deadline to notify the CNIL: `knownAt` + 72 hours (GDPR Art. 33(1)).
    #[serde(with = "time::serde::rfc3339")]
    pub notification_deadline: OffsetDateTime,
    /// The deadline passed and the CNIL is not notified.
    pub overdue: bool,
    /// The notification to the CNIL, once recorded.
    pub authority_notification: Option<AuthorityNotificationResponse>,
    /// The communication to the people, once recorded.
    pub people_notification: Option<PeopleNotificationResponse>,
    /// Accounts attached.
    pub affected_accounts: u64,
    /// The administrator who recorded it; `null` once that account is gone.
    pub recorded_by: Option<uuid::Uuid>,
    /// When it was recorded.
    #[serde(with = "time::serde::rfc3339")]
    pub recorded_at: OffsetDateTime,
    /// When it last changed.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl From<BreachView> for BreachResponse {
    fn from(view: BreachView) -> Self {
        let breach = view.breach;
        let deadline = breach.notification_deadline();
        let assessment = breach.assessment;
        Self {
            id: breach.id.as_uuid(),
            known_at: breach.known_at,
            occurred_at: assessment.occurred_at,
            description: assessment.description.as_str().to_owned(),
            data_categories: assessment
                .data_categories
                .iter()
                .map(|c| c.as_str())
                .collect(),
            subject_categories: assessment
                .subject_categories
                .iter()
                .map(|c| c.as_str())
                .collect(),
            people_count: assessment.people_count,
            likely_consequences: assessment.likely_consequences.as_str().to_owned(),
            measures_taken: assessment.measures_taken.as_str().to_owned(),
            notification_deadline: deadline,
            overdue: view.overdue,
            authority_notification: breach.authority_notification.map(|n| {
                AuthorityNotificationResponse {
                    notified_at: n.at,
                    reference: n.reference.as_str().to_owned(),
                    delay_reason: n.delay_reason.map(|r| r.as_str().to_owned()),
                }
            }),
            people_notification: breach
                .people_notification
                .map(|n| PeopleNotificationResponse {
                    notified_at: n.at,
                    means: n.means.as_str().to_owned(),
                }),
            affected_accounts: view.affected_accounts,
            recorded_by: breach.recorded_by.map(|id| id.as_uuid()),
            recorded_at: breach.recorded_at,
            updated_at: breach.updated_at,
        }
    }
}

/// A page of the register, newest first.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BreachPageResponse {
    /// The breaches.
    pub items: Vec<BreachResponse>,
    /// Pass it as `cursor` for the next page; absent on the last. Opaque.
    pub next_cursor: Option<String>,
}

impl From<BreachPage> for BreachPageResponse {
    fn from(page: BreachPage) -> Self {
        Self {
            items: page.items.into_iter().map(Into::into).collect(),
            next_cursor: page.next.map(|id| id.as_uuid().simple().to_string()),
        }
    }
}

/// An account concerned, as the notice needs it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AffectedAccountResponse {
    /// The account.
    pub id: uuid::Uuid,
    /// Its username.
    pub username: String,
    /// Its email address, unless withheld.
    pub email: Option<String>,
    /// Why the address is not given: `role` (you may not read this account's
    /// data: someone above you can), `unreadable` (its key is gone).
    #[schema(example = json!(null))]
    pub withheld: Option<&'static str>,
}

impl From<AffectedContact> for AffectedAccountResponse {
    fn from(contact: AffectedContact) -> Self {
        let (email, withheld) = match contact.email {
            Ok(email) => (Some(email.as_str().to_owned()), None),
            Err(Withheld::Role) => (None, Some("role")),
            Err(Withheld::Unreadable) => (None, Some("unreadable")),
        };
        Self {
            id: contact.id.as_uuid(),
            username: contact.username.to_string(),
            email,
            withheld,
        }
    }
}

/// The accounts of a breach, for the Art. 34 notice.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AffectedAccountsResponse {
    /// The breach.
    pub breach_id: uuid::Uuid,
    /// Every account attached, by id.
    pub accounts: Vec<AffectedAccountResponse>,
}

impl From<ContactList> for AffectedAccountsResponse {
    fn from(contacts: ContactList) -> Self {
        Self {
            breach_id: contacts.breach.as_uuid(),
            accounts: contacts.contacts.into_iter().map(Into::into).collect(),
        }
    }
}

fn breach_id(id: uuid::Uuid) -> BreachId {
    BreachId::from_uuid(id)
}

/// Record a breach
///
/// Records a personal data breach as soon as it is known. The answer gives
/// the deadline to notify the CNIL (72 hours after `knownAt`). Audited
/// without its texts.
#[utoipa::path(
    operation_id = "record_breach",
    tag = "Data protection",
    security(("bearerAuth" = [])),
    request_body = NewBreachRequest,
    responses(
        (status = 201, description = "Recorded; `Location` names it.", body = BreachResponse),
        (status = 403, description = FORBIDDEN, body = crate::problem::ProblemDetails, content_type = PROBLEM),
        (status = 422, description = "A text blank or too long (`invalid_breach_text`), an instant in the future (`instant_in_future`), the breach after it became known (`occurred_after_known`), no category (`category_required`).", body = crate::problem::ProblemDetails, content_type = PROBLEM),
    )
)]
#[post("/breaches")]
pub async fn record(
    service: web::Data<BreachService>,
    actor: Authenticated,
    body: web::Json<NewBreachRequest>,
) -> Result<HttpResponse, ApiError> {
    let new = body.into_inner().try_into_new()?;
    let view = service.record(&actor.0, new).await?;
    let location = format!("/api/v1/admin/breaches/{}", view.breach.id.as_uuid());
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .json(BreachResponse::from(view)))
}

/// Which page of the register.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct BreachQuery {
    /// At most this many (1 to 100, default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
    /// `nextCursor` of the previous page.
    pub cursor: Option<String>,
}

/// The breach register
///
/// Every breach, notified or not, newest first, each with its deadline and
/// whether it passed without the CNIL notified (`overdue`).
#[utoipa::path(
    operation_id = "list_breaches",
    tag = "Data protection",
    security(("bearerAuth" = [])),
    params(BreachQuery),
    responses(
        (status = 200, description = "A page.", body = BreachPageResponse),
        (status = 400, description = "Bad query string, limit or cursor (`invalid_query`).", body = crate::problem::ProblemDetails, content_type = PROBLEM),
        (status = 403, description = FORBIDDEN, body = crate::problem::ProblemDetails, content_type = PROBLEM),
    )
)]
#[get("/breaches")]
pub async fn list(
    service: web::Data<BreachService>,
    actor: Authenticated,
    query: web::Query<BreachQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=100).contains(&limit) {
        return Ok(
            RequestProblem::InvalidQuery("`limit`: a number from 1 to 100.".into())
                .error_response(),
        );
    }
    let after = match query.cursor.as_deref().map(uuid::Uuid::parse_str) {
        None => None,
        Some(Ok(id)) => Some(breach_id(id)),
        Some(Err(_)) => {
            return Ok(RequestProblem::InvalidQuery(
                "`cursor`: not one this API gave (pass nextCursor as is).".into(),
            )
            .error_response());
        }
    };
    let page = service.list(&actor.0, after, limit).await?;
    Ok(HttpResponse::Ok().json(BreachPageResponse::from(page)))
}

/// A breach
///
/// One breach, with its deadline, notifications and how many accounts it
/// concerns.
#[utoipa::path(
    operation_id = "read_breach",
    tag = "Data protection",
    security(("bearerAuth" = [])),
    params(("id" = uuid::Uuid, Path, description = "Breach id.")),
    responses(
        (status = 200, description = "The breach.", body = BreachResponse),
        (status = 403, description = FORBIDDEN, body = crate::problem::ProblemDetails, content_type = PROBLEM),
        (status = 404, description = NOT_FOUND, body = crate::problem::ProblemDetails, content_type = PROBLEM),
    )
)]
#[get("/breaches/{id}")]
pub async fn read(
    service: web::Data<BreachService>,
    actor: Authenticated,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let view = service.read(&actor.0, breach_id(id.into_inner())).await?;
    Ok(HttpResponse::Ok().json(BreachResponse::from(view)))
}

/// Reassess a breach
///
/// Replaces what is known of the breach as the investigation goes (GDPR
/// Art. 33(4)). `knownAt` never changes.
#[utoipa::path(
    operation_id = "reassess_breach",
    tag = "Data protection",
    security(("bearerAuth" = [])),
    params(("id" = uuid::Uuid, Path, description = "Breach id.")),
    request_body = AssessmentRequest,
    responses(
        (status = 200, description = "The breach, reassessed.", body = BreachResponse),
        (status = 403, description = FORBIDDEN, body = crate::problem::ProblemDetails, content_type = PROBLEM),
        (status = 404, description = NOT_FOUND, body = crate::problem::ProblemDetails, content_type = PROBLEM),
        (status = 409, description = "Changed meanwhile by someone else (`breach_changed`): read it again.", body = crate::problem::ProblemDetails, content_type = PROBLEM),
        (status = 422, description = "As when recording.", body = crate::problem::ProblemDetails, content_type = PROBLEM),
    )
)]
#[put("/breaches/{id}/assessment")]
pub async fn reassess(
    service: web::Data<BreachService>,
    actor: Authenticated,
    id: web::Path<uuid::Uuid>,
    body: web::Json<AssessmentRequest>,
) -> Result<HttpResponse, ApiError> {
    let assessment = body.into_inner().try_into_assessment()?;
    let view = service
        .reassess(&actor.0, breach_id(id.into_inner()), assessment)
        .await?;
    Ok(HttpResponse::Ok().json(BreachResponse::from(view)))
}

/// Record the notification to the CNIL
///
/// Once per breach. After the 72 hours, `delayReason` gives the reasons for
/// the delay (GDPR Art. 33(1)).
#[utoipa::path(
    operation_id = "notify_breach_authority",
    tag = "Data protection",
    security(("bearerAuth" = [])),
    params(("id" = uuid::Uuid, Path, description = "Breach id.")),
    request_body = AuthorityNotificationRequest,
    responses(
        (status = 200, description = "The breach, notified.", body = BreachResponse),
        (status = 403, description = FORBIDDEN, body = crate::problem::ProblemDetails, content_type = PROBLEM),
        (status = 404, description = NOT_FOUND, body = crate::problem::ProblemDetails, content_type = PROBLEM),
        (status = 409, description = "Already recorded (`authority_already_notified`), or changed meanwhile (`breach_changed`).", body = crate::problem::ProblemDetails, content_type = PROBLEM),
        (status = 422, description = "`notifiedAt` in the future (`instant_in_future`) or before `knownAt` (`notified_before_known`); late without `delayReason` (`delay_reason_required`); a bad reference (`invalid_authority_reference`).", body = crate::problem::ProblemDetails, content_type = PROBLEM),
    )
)]
#[post("/breaches/{id}/authority-notification")]
pub async fn notify_authority(
    service: web::Data<BreachService>,
    actor: Authenticated,
    id: web::Path<uuid::Uuid>,
    body: web::Json<AuthorityNotificationRequest>,
) -> Result<HttpResponse, ApiError> {
    let notification = body.into_inner().try_into_notification()?;
    let view = service
        .notify_authority(&actor.0, breach_id(id.into_inner()), notification)
        .await?;
    Ok(HttpResponse::Ok().json(BreachResponse::from(view)))
}

/// Record the communication to the people
///
/// Once per breach (GDPR Art. 34): when and how they were told.
#[utoipa::path(
    operation_id = "notify_breach_people",
    tag = "Data protection",
    security(("bearerAuth" = [])),
    params(("id" = uuid::Uuid, Path, description = "Breach id.")),
    request_body = PeopleNotificationRequest,
    responses(
        (status = 200, description = "The breach, with the communication.", body = BreachResponse),
        (status = 403, description = FORBIDDEN, body = crate::problem::ProblemDetails, content_type = PROBLEM),
        (status = 404, description = NOT_FOUND, body = crate::problem::ProblemDetails, content_type = PROBLEM),
        (status = 409, description = "Already recorded (`people_already_notified`), or changed meanwhile (`breach_changed`).", body = crate::problem::ProblemDetails, content_type = PROBLEM),
        (status = 422, description = "`notifiedAt` in the future (`instant_in_future`) or before `knownAt` (`notified_before_known`); `means` blank or too long (`invalid_breach_text`).", body = crate::problem::ProblemDetails, content_type = PROBLEM),
    )
)]
#[post("/breaches/{id}/people-notification")]
pub async fn notify_people(
    service: web::Data<BreachService>,
    actor: Authenticated,
    id: web::Path<uuid::Uuid>,
    body: web::Json<PeopleNotificationRequest>,
) -> Result<HttpResponse, ApiError> {
    let notification = body.into_inner().try_into_notification()?;
    let view = service
        .notify_people(&actor.0, breach_id(id.into_inner()), notification)
        .await?;
    Ok(HttpResponse::Ok().json(BreachResponse::from(view)))
}

/// Attach accounts to a breach
///
/// The accounts the breach concerns, by id: all of them, or none when one
/// is no account. Those already attached stay.
#[utoipa::path(
    operation_id = "attach_breach_accounts",
    tag = "Data protection",
    security(("bearerAuth" = [])),
    params(("id" = uuid::Uuid, Path, description = "Breach id.")),
    request_body = AttachRequest,
    responses(
        (status = 200, description = "The breach, with its count of accounts.", body = BreachResponse),
        (status = 403, description = FORBIDDEN, body = crate::problem::ProblemDetails, content_type = PROBLEM),
        (status = 404, description = NOT_FOUND, body = crate::problem::ProblemDetails, content_type = PROBLEM),
        (status = 422, description = "No id (`no_account`), more than 1,000 (`too_many_accounts`), or ids that are no account (`unknown_account`, naming them): nothing attached.", body = crate::problem::ProblemDetails, content_type = PROBLEM),
    )
)]
#[post("/breaches/{id}/affected-accounts")]
pub async fn attach(
    service: web::Data<BreachService>,
    actor: Authenticated,
    id: web::Path<uuid::Uuid>,
    body: web::Json<AttachRequest>,
) -> Result<HttpResponse, ApiError> {
    let accounts = body
        .into_inner()
        .user_ids
        .into_iter()
        .map(UserId::from_uuid)
        .collect();
    let view = service
        .attach(&actor.0, breach_id(id.into_inner()), accounts)
        .await?;
    Ok(HttpResponse::Ok().json(BreachResponse::from(view)))
}

/// Why the addresses are read.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ContactsQuery {
    /// Required: why you read these addresses (1 to 200 characters, one
    /// line). Each person will read it in their access log; never write
    /// personal data here.
    #[param(example = "Violation 2026-11 : information des personnes (art. 34)")]
    pub reason: Option<String>,
}

/// The accounts of a breach, with their addresses
///
/// Every account attached, by id, with its username and email address to
/// tell them of the breach (GDPR Art. 34). Each address read is written to
/// the staff access journal with `reason` before the list is sent (the
/// person sees it at `GET /api/v1/me/access-log`); an address you may not
/// read, or that cannot be opened, is withheld and says why. Not cached.
#[utoipa::path(
    operation_id = "read_breach_accounts",
    tag = "Data protection",
    security(("bearerAuth" = [])),
    params(("id" = uuid::Uuid, Path, description = "Breach id."), ContactsQuery),
    responses(
        (status = 200, description = "The accounts.", body = AffectedAccountsResponse),
        (status = 400, description = "`reason` missing or not 1 to 200 characters on one line (`invalid_query`).", body = crate::problem::ProblemDetails, content_type = PROBLEM),
        (status = 403, description = FORBIDDEN, body = crate::problem::ProblemDetails, content_type = PROBLEM),
        (status = 404, description = NOT_FOUND, body = crate::problem::ProblemDetails, content_type = PROBLEM),
    )
)]
#[get("/breaches/{id}/affected-accounts")]
pub async fn affected_accounts(
    service: web::Data<BreachService>,
    actor: Authenticated,
    id: web::Path<uuid::Uuid>,
    query: web::Query<ContactsQuery>,
) -> Result<HttpResponse, ApiError> {
    let reason = match query.reason.as_deref().map(AccessReason::parse) {
        Some(Ok(reason)) => reason,
        _ => {
            return Ok(RequestProblem::InvalidQuery(
                "`reason`: required, 1 to 200 characters on one line; each person will see it."
                    .into(),
            )
            .error_response());
        }
    };
    let contacts = service
        .contacts(&actor.0, breach_id(id.into_inner()), reason)
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(AffectedAccountsResponse::from(contacts)))
}
