//! `POST /api/v1/reports`: a logged-in citizen reports a resource or a comment.

use actix_web::{HttpResponse, post, web};
use rr_application::ports::ReportRecord;
use rr_application::services::ModerationService;
use rr_application::services::moderation::{NewReport, ReportTarget};
use rr_domain::community::{
    CommentId, ContentKind, ContentRef, ReportGrounds, ReportReason, ReportText,
};
use rr_domain::resource::ResourceId;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

use crate::extract::Authenticated;
use crate::problem::ApiError;
use crate::validation::{Fields, present};

/// A kind of content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ContentKindName {
    /// A resource.
    Resource,
    /// A comment.
    Comment,
}

impl From<ContentKindName> for ContentKind {
    fn from(kind: ContentKindName) -> Self {
        match kind {
            ContentKindName::Resource => Self::Resource,
            ContentKindName::Comment => Self::Comment,
        }
    }
}

impl From<ContentKind> for ContentKindName {
    fn from(kind: ContentKind) -> Self {
        match kind {
            ContentKind::Resource => Self::Resource,
            ContentKind::Comment => Self::Comment,
        }
    }
}

/// Why content is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportReasonName {
    /// Unsolicited advertising, repeated messages.
    Spam,
    /// Attacks on a person.
    Harassment,
    /// Content unfit for the platform.
    InappropriateContent,
    /// Hatred of people for who they are.
    HateSpeech,
    /// Fraud, phishing.
    Scam,
    /// Misleading information.
    FalseInformation,
    /// Anything else: `text` says what.
    Other,
}

impl From<ReportReasonName> for ReportReason {
    fn from(reason: ReportReasonName) -> Self {
        match reason {
            ReportReasonName::Spam => Self::Spam,
            ReportReasonName::Harassment => Self::Harassment,
            ReportReasonName::InappropriateContent => Self::InappropriateContent,
            ReportReasonName::HateSpeech => Self::HateSpeech,
            ReportReasonName::Scam => Self::Scam,
            ReportReasonName::FalseInformation => Self::FalseInformation,
            ReportReasonName::Other => Self::Other,
        }
    }
}

impl From<ReportReason> for ReportReasonName {
    fn from(reason: ReportReason) -> Self {
        match reason {
            ReportReason::Spam => Self::Spam,
            ReportReason::Harassment => Self::Harassment,
            ReportReason::InappropriateContent => Self::InappropriateContent,
            ReportReason::HateSpeech => Self::HateSpeech,
            ReportReason::Scam => Self::Scam,
            ReportReason::FalseInformation => Self::FalseInformation,
            ReportReason::Other => Self::Other,
        }
    }
}

/// A piece of content.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ContentTarget {
    /// Its kind.
    pub kind: ContentKindName,
    /// The resource's or the comment's id.
    pub id: uuid::Uuid,
}

impl From<ContentRef> for ContentTarget {
    fn from(target: ContentRef) -> Self {
        match target {
            ContentRef::Resource(resource) => Self {
                kind: ContentKindName::Resource,
                id: resource.as_uuid(),
            },
            ContentRef::Comment { comment, .. } => Self {
                kind: ContentKindName::Comment,
                id: comment.as_uuid(),
            },
        }
    }
}

/// A report.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(example = json!({
    "target": {"kind": "comment", "id": "0193a1f0-c2b8-7e4f-9d1a-2b3c4d5e6f70"},
    "reason": "other", "text": "Publicité déguisée pour une clinique."
}))]
pub struct ReportRequest {
    /// What is reported: a resource or a comment the caller sees.
    pub target: ContentTarget,
    /// Why.
    pub reason: ReportReasonName,
    /// What is wrong, in the caller's words: 1 to 1,000 characters, without
    /// surrounding spaces; required for `other`.
    #[schema(min_length = 1, max_length = 1000)]
    pub text: Option<String>,
}

impl ReportRequest {
    fn try_into_command(self) -> Result<NewReport, rr_application::AppError> {
        let mut fields = Fields::default();
        let text = fields.parse_opt("text", self.text.as_deref(), ReportText::parse);
        fields.finish()?;
        let reason: ReportReason = self.reason.into();
        let grounds = ReportGrounds::new(reason, present(text)?).map_err(|err| {
            rr_application::AppError::invalid("text", err.code(), err.to_string())
        })?;
        let target = match self.target.kind {
            ContentKindName::Resource => {
                ReportTarget::Resource(ResourceId::from_uuid(self.target.id))
            }
            ContentKindName::Comment => ReportTarget::Comment(CommentId::from_uuid(self.target.id)),
        };
        Ok(NewReport { target, grounds })
    }
}

/// A report as stored.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReportResponse {
    /// Identifier.
    pub id: uuid::Uuid,
    /// What was reported.
    pub target: ContentTarget,
    /// Why.
    pub reason: ReportReasonName,
    /// The reporter's words.
    pub text: Option<String>,
    /// `open`, `dismissed` or `resolved`.
    #[schema(example = "open")]
    pub status: &'static str,
    /// When it was made.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When a moderator closed it.
    #[serde(with = "time::serde::rfc3339::option")]
    pub closed_at: Option<OffsetDateTime>,
}

impl From<ReportRecord> for ReportResponse {
    fn from(report: ReportRecord) -> Self {
        Self {
            id: report.id.as_uuid(),
            target: report.target.into(),
            reason: report.grounds.reason().into(),
            text: report.grounds.text().map(|t| t.as_str().to_owned()),
            status: report.status.as_str(),
            created_at: report.created_at,
            closed_at: report.closed_at,
        }
    }
}

/// Report content
///
/// Reports a published public or restricted resource, or a visible comment
/// on one, that the caller sees and did not write; once per item. When
/// enough citizens reported it, the content is hidden until a moderator
/// decides.
#[utoipa::path(
    tag = "Moderation",
    security(("bearerAuth" = [])),
    request_body = ReportRequest,
    responses(
        (status = 201, description = "Reported.", body = ReportResponse),
        (status = 403, description = "One's own content (`cannot_report_own`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such content, or you may not see it (`not_found`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "Already reported by the caller (`already_reported`), or content that is not reported (`not_reportable`: not published, private or shared, or a comment already withheld or deleted).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Bad text (`invalid_report_text`) or none for `other` (`report_text_required`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 429, description = crate::problem::WRITE_RATE_LIMITED, body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/reports")]
pub async fn create_report(
    service: web::Data<ModerationService>,
    actor: Authenticated,
    body: web::Json<ReportRequest>,
) -> Result<HttpResponse, ApiError> {
    let report = service
        .report(&actor.0, body.into_inner().try_into_command()?)
        .await?;
    Ok(HttpResponse::Created().json(ReportResponse::from(report)))
}
