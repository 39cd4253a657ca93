//! The right of access and to portability (ADR 0022): `POST
//! /api/v1/me/export` asks for an export of everything held about the
//! caller; `GET /api/v1/me/exports` and `GET /api/v1/me/exports/{id}` say
//! where exports stand; `GET /api/v1/me/exports/{id}/download` hands the
//! archive out, once.

use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::web::Bytes;
use actix_web::{HttpResponse, ResponseError, get, post, web};
use rr_application::AppError;
use rr_application::services::DataExportService;
use rr_application::services::data_export::ExportPage;
use rr_domain::identity::{DataExport, ExportId, ExportStatus};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};

use crate::extract::{Authenticated, AuthenticatedUngated};
use crate::problem::{ApiError, RequestProblem};

/// Items of a page unless `limit` says otherwise.
const DEFAULT_LIMIT: u64 = 20;

const NOT_FOUND: &str =
    "No such export about the caller or asked for by them (`not_found`), whether or not it exists.";

/// An export of a person's data.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "id": "0193a1f0-c2b8-7e4f-9d1a-2b3c4d5e6f70", "status": "ready", "origin": "self",
    "requestedAt": "2026-11-29T10:15:30.123456Z", "finishedAt": "2026-11-29T10:15:31.02Z",
    "expiresAt": "2026-12-06T10:15:31.02Z", "downloadedAt": null, "failure": null,
    "sizeBytes": 48213, "downloadPath": "/api/v1/me/exports/0193a1f0-c2b8-7e4f-9d1a-2b3c4d5e6f70/download"
}))]
pub struct ExportResponse {
    /// Export id.
    pub id: uuid::Uuid,
    /// `requested` (being produced: poll again), `ready` (download it),
    /// `failed` (ask again), `downloaded` (handed out; gone) or `expired`
    /// (not downloaded in time; gone).
    #[schema(example = "ready")]
    pub status: &'static str,
    /// `self` when the person asked, `staff` when a staff member did, to
    /// answer a request the person made outside the application (only the
    /// staff member may download it; the person sees it exists).
    #[schema(example = "self")]
    pub origin: &'static str,
    /// When it was asked for.
    #[serde(with = "time::serde::rfc3339")]
    pub requested_at: OffsetDateTime,
    /// When it became ready or failed.
    #[serde(with = "time::serde::rfc3339::option")]
    pub finished_at: Option<OffsetDateTime>,
    /// Until when a ready archive may be downloaded (7 days by default).
    #[serde(with = "time::serde::rfc3339::option")]
    pub expires_at: Option<OffsetDateTime>,
    /// When it was downloaded.
    #[serde(with = "time::serde::rfc3339::option")]
    pub downloaded_at: Option<OffsetDateTime>,
    /// Why it failed: `archive_too_large` or `internal_error`.
    pub failure: Option<&'static str>,
    /// Length of the archive, while it can be downloaded.
    pub size_bytes: Option<u64>,
    /// Where to download it, while it can be (ready, and asked by the caller).
    pub download_path: Option<String>,
}

impl ExportResponse {
    pub(crate) fn of(export: DataExport, caller: rr_domain::identity::UserId) -> Self {
        let downloadable =
            export.status == ExportStatus::Ready && export.may_be_downloaded_by(caller);
        let id = export.id.as_uuid();
        Self {
            id,
            status: export.status.as_str(),
            origin: export.origin.as_str(),
            requested_at: export.requested_at,
            finished_at: export.finished_at,
            expires_at: export.expires_at,
            downloaded_at: export.downloaded_at,
            failure: export.failure.map(|f| f.as_str()),
            size_bytes: downloadable
                .then(|| export.archive.as_ref().map(|a| a.content_bytes))
                .flatten(),
            download_path: downloadable.then(|| format!("/api/v1/me/exports/{id}/download")),
        }
    }
}

/// A page of exports.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ExportPageResponse {
    /// Newest first.
    pub items: Vec<ExportResponse>,
    /// Pass it as `cursor` for the next page; `null` on the last one. Opaque.
    #[schema(example = "0193a1f0c2b87e4f9d1a2b3c4d5e6f70")]
    pub next_cursor: Option<String>,
}

/// Which page of exports.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ExportPageQuery {
    /// `nextCursor` of the previous page.
    pub cursor: Option<String>,
    /// At most this many (1 to 100, default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
}

impl ExportPageQuery {
    fn parse(&self) -> Result<(Option<ExportId>, u64), RequestProblem> {
        let limit = self.limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=100).contains(&limit) {
            return Err(RequestProblem::InvalidQuery(
                "limit is between 1 and 100.".into(),
            ));
        }
        let after = match self.cursor.as_deref() {
            None => None,
            Some(raw) => Some(
                (raw.len() == 32)
                    .then(|| uuid::Uuid::try_parse(raw).ok())
                    .flatten()
                    .map(ExportId::from_uuid)
                    .ok_or_else(|| {
                        RequestProblem::InvalidQuery(
                            "cursor is not one this API gave (pass nextCursor as is).".into(),
                        )
                    })?,
            ),
        };
        Ok((after, limit))
    }
}

/// Export my data
///
/// Asks for an export of everything the platform holds about the caller,
/// as one machine-readable JSON archive (GDPR Art. 15 and 20): profile
/// (decrypted), account, consents and their history, sessions (without
/// secrets), resources with their attachments' metadata, comments in every
/// state, reports, favourites and progress, notifications, the staff access
/// journal, the audit events about the account (rectifications included)
/// and statistics events. Always answers `202` with the export: small
/// accounts come back `ready` at once, others `requested` — poll `GET
/// /api/v1/me/exports/{id}` (`Location`) until `ready`. One export at a
/// time: another while one is requested or ready answers `409
/// export_pending`.
#[utoipa::path(
    operation_id = "request_my_export",
    tag = "My account",
    security(("bearerAuth" = [])),
    responses(
        (status = 202, description = "Recorded; ready already for a small account.", body = ExportResponse,
            headers(("Location" = String, description = "`/api/v1/me/exports/{id}`"))),
        (status = 409, description = "An export is already requested or ready (`export_pending`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/export")]
pub async fn request(
    service: web::Data<DataExportService>,
    // Access and portability are rights: never held by the privacy gate (ADR 0021).
    actor: AuthenticatedUngated,
) -> Result<HttpResponse, ApiError> {
    let export = service.request(&actor.0).await?;
    let location = format!("/api/v1/me/exports/{}", export.id);
    Ok(HttpResponse::Accepted()
        .insert_header((header::LOCATION, location))
        .json(ExportResponse::of(export, actor.0.user_id)))
}

/// My exports
///
/// The exports about the caller or asked for by them, newest first,
/// including those a staff member produced about them.
#[utoipa::path(
    operation_id = "list_my_exports",
    tag = "My account",
    security(("bearerAuth" = [])),
    params(ExportPageQuery),
    responses(
        (status = 200, description = "A page.", body = ExportPageResponse),
        (status = 400, description = "Bad query string, limit or cursor (`invalid_query`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/exports")]
pub async fn list(
    service: web::Data<DataExportService>,
    actor: Authenticated,
    query: web::Query<ExportPageQuery>,
) -> Result<HttpResponse, ApiError> {
    let (after, limit) = match query.parse() {
        Ok(parsed) => parsed,
        Err(problem) => return Ok(problem.error_response()),
    };
    let ExportPage { items, next } = service.list(&actor.0, after, limit).await?;
    Ok(HttpResponse::Ok().json(ExportPageResponse {
        items: items
            .into_iter()
            .map(|e| ExportResponse::of(e, actor.0.user_id))
            .collect(),
        next_cursor: next.map(|id| id.as_uuid().simple().to_string()),
    }))
}

/// One of my exports
///
/// Where an export stands: poll it after asking until it is `ready`.
#[utoipa::path(
    operation_id = "read_my_export",
    tag = "My account",
    security(("bearerAuth" = [])),
    params(("id" = uuid::Uuid, Path, description = "Export id.")),
    responses(
        (status = 200, description = "The export.", body = ExportResponse),
        (status = 404, description = NOT_FOUND, body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/exports/{id}")]
pub async fn read(
    service: web::Data<DataExportService>,
    actor: Authenticated,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let export = service
        .get(&actor.0, ExportId::from_uuid(id.into_inner()))
        .await?;
    Ok(HttpResponse::Ok().json(ExportResponse::of(export, actor.0.user_id)))
}

/// Headers of the download: to be saved, never sniffed, rendered or cached.
const DOWNLOAD_HEADERS: [(HeaderName, &str); 3] = [
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::CACHE_CONTROL, "no-store"),
    (
        header::CONTENT_SECURITY_POLICY,
        "sandbox; default-src 'none'; frame-ancestors 'none'",
    ),
];

/// Download my export
///
/// The archive (`application/json`, see the `ArchiveDocument` schema), once:
/// the export becomes `downloaded` and the archive is deleted when the
/// transfer ends. Save it: a second download answers `410
/// export_already_downloaded`.
#[utoipa::path(
    operation_id = "download_my_export",
    tag = "My account",
    security(("bearerAuth" = [])),
    params(("id" = uuid::Uuid, Path, description = "Export id.")),
    responses(
        (status = 200, description = "The archive.", body = crate::export_archive::ArchiveDocument,
            headers(
                ("Content-Disposition" = String, description = "`attachment; filename=\"export-<id>.json\"`"),
                ("Cache-Control" = String, description = "`no-store`"),
            )
        ),
        (status = 403, description = "A staff member asked for this export; only they may download it (`export_not_requested_by_you`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = NOT_FOUND, body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "Still being produced (`export_not_ready`), or failed (`export_failed`: ask again).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 410, description = "Already downloaded (`export_already_downloaded`) or expired (`export_expired`): ask for a new export.", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/exports/{id}/download")]
pub async fn download(
    service: web::Data<DataExportService>,
    actor: Authenticated,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let download = service
        .download(&actor.0, ExportId::from_uuid(id.into_inner()))
        .await?;
    let mut response = HttpResponse::Ok();
    response
        .insert_header((header::CONTENT_TYPE, download.media_type))
        .insert_header((
            header::CONTENT_DISPOSITION,
            HeaderValue::from_str(&format!("attachment; filename=\"{}\"", download.file_name))
                .map_err(AppError::internal)?,
        ));
    for (name, value) in DOWNLOAD_HEADERS {
        response.insert_header((name, value));
    }
    let chunks = futures_util::stream::unfold(Some(download.content), |source| async {
        let mut source = source?;
        match source.next_chunk().await {
            Ok(Some(chunk)) => Some((Ok::<_, std::io::Error>(Bytes::from(chunk)), Some(source))),
            Ok(None) => None,
            Err(err) => {
                tracing::error!(error = %err, "an export archive broke off while streaming");
                Some((Err(err), None))
            }
        }
    });
    Ok(response
        .no_chunking(download.content_bytes)
        .streaming(chunks))
}
