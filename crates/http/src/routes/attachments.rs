//! `/api/v1/resources/{id}/attachments/*`: files attached to a resource.
//!
//! An upload is the raw file as the body, streamed to the use case (never
//! held whole in memory), its name in the query string. Its `Content-Type` is
//! ignored: the use case decides the type from the bytes. A download is
//! served with that sniffed type, as an attachment, never rendered by the
//! browser in the API's origin (`nosniff`, a sandboxing policy).

use std::pin::pin;

use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::web::{self, Bytes};
use actix_web::{HttpRequest, HttpResponse, delete, get, post};
use futures_util::StreamExt as _;
use futures_util::future::{Either, select};
use rr_application::AppError;
use rr_application::ports::{AttachmentRecord, ByteSource};
use rr_application::services::AttachmentService;
use rr_application::services::attachments::NewAttachment;
use rr_domain::resource::{AttachmentId, FileName, ResourceId};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use tokio::sync::mpsc;
use utoipa::{IntoParams, ToSchema};

use crate::extract::{Authenticated, MaybeAuthenticated};
use crate::problem::ApiError;
use crate::validation::{Fields, present};

/// Where an upload's file name goes.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// The name the file is shown and downloaded under: 1 to 255 bytes,
    /// without control characters, `/`, `\` or a leading dot. Only a label:
    /// the type is decided from the content.
    #[param(example = "cours.pdf", min_length = 1, max_length = 255)]
    pub file_name: String,
}

impl UploadQuery {
    fn try_into_command(self, resource: ResourceId) -> Result<NewAttachment, AppError> {
        let mut fields = Fields::default();
        let file_name = fields.parse("fileName", &self.file_name, FileName::parse);
        fields.finish()?;
        Ok(NewAttachment {
            resource,
            file_name: present(file_name)?,
        })
    }
}

/// A file attached to a resource.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "id": "01938a6e-6b1c-7d3e-9a2f-0c4b5d6e7f80", "fileName": "cours.pdf",
    "mediaType": "application/pdf", "sizeBytes": 48213, "createdAt": "2026-11-29T10:15:30Z"
}))]
pub struct AttachmentResponse {
    /// Identifier.
    pub id: uuid::Uuid,
    /// The name it is shown and downloaded under.
    pub file_name: String,
    /// Its type, recognised from its content: `application/pdf`, `image/png`,
    /// `image/jpeg`, `image/webp` or `image/gif`.
    pub media_type: &'static str,
    /// Its length in bytes.
    pub size_bytes: u64,
    /// When it was attached.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl From<AttachmentRecord> for AttachmentResponse {
    fn from(a: AttachmentRecord) -> Self {
        Self {
            id: a.id.as_uuid(),
            file_name: a.file_name.to_string(),
            media_type: a.media_type.media_type(),
            size_bytes: a.size_bytes,
            created_at: a.created_at,
        }
    }
}

/// The attachments of a resource.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttachmentList {
    /// Oldest first.
    pub items: Vec<AttachmentResponse>,
}

/// An upload body arriving through a channel: actix's payload may not leave
/// the worker's thread, the use case's futures may.
struct ChannelSource(mpsc::Receiver<Result<Bytes, std::io::Error>>);

#[async_trait::async_trait]
impl ByteSource for ChannelSource {
    async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, std::io::Error> {
        loop {
            match self.0.recv().await {
                None => return Ok(None),
                Some(Ok(chunk)) if chunk.is_empty() => {}
                Some(Ok(chunk)) => return Ok(Some(chunk.to_vec())),
                Some(Err(err)) => return Err(err),
            }
        }
    }
}

/// Moves the request body into `sender`, chunk by chunk, until its end, an
/// error, or the receiver's loss (the use case stopped reading).
async fn pump(mut payload: web::Payload, sender: mpsc::Sender<Result<Bytes, std::io::Error>>) {
    while let Some(item) = payload.next().await {
        let item = item.map_err(|err| std::io::Error::other(err.to_string()));
        let failed = item.is_err();
        if sender.send(item).await.is_err() || failed {
            return;
        }
    }
}

/// The declared body length, when there is one and it parses.
fn content_length(req: &HttpRequest) -> Option<u64> {
    req.headers()
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

const NOT_FOUND: &str = "No such resource or attachment, or you may not see it (`not_found`).";

/// Attach a file
///
/// Attaches the request body, the raw file, to a resource of the caller's.
/// PDF, PNG, JPEG, WebP and GIF are accepted, recognised from the content
/// whatever the name or the `Content-Type` say. A published public or
/// restricted resource goes back to review.
#[utoipa::path(
    operation_id = "upload_attachment",
    tag = "Resources",
    security(("bearerAuth" = [])),
    params(("id" = uuid::Uuid, Path, description = "Resource id."), UploadQuery),
    request_body(
        description = "The file itself, as raw bytes (not multipart).",
        content(("application/pdf"), ("image/png"), ("image/jpeg"), ("image/webp"), ("image/gif"), ("application/octet-stream")),
    ),
    responses(
        (status = 201, description = "The attachment.", body = AttachmentResponse),
        (status = 400, description = "No `fileName` in the query string (`invalid_query`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "Visible but not editable (`forbidden`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = NOT_FOUND, body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "The resource has its fill of files (`too_many_attachments`) or changed meanwhile (`edit_conflict`); archived or deleted ones take none (`invalid_transition`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 413, description = "The file is larger than allowed (`payload_too_large`), declared so by `Content-Length` or found so while it arrives.", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 415, description = "The content is not a PDF, PNG, JPEG, WebP or GIF (`unsupported_attachment_type`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Invalid file name (`validation_failed`, field `fileName`, code `invalid_file_name`), empty file (`empty_attachment`) or body cut short (`incomplete_body`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/resources/{id}/attachments")]
pub async fn upload(
    service: web::Data<AttachmentService>,
    actor: Authenticated,
    id: web::Path<uuid::Uuid>,
    query: web::Query<UploadQuery>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let new = query
        .into_inner()
        .try_into_command(ResourceId::from_uuid(id.into_inner()))?;
    let limit_bytes = service.max_bytes();
    if content_length(&req).is_some_and(|length| length > limit_bytes) {
        return Err(AppError::TooLarge { limit_bytes }.into());
    }
    let (sender, receiver) = mpsc::channel(4);
    let upload = pin!(service.upload(&actor.0, new, Box::new(ChannelSource(receiver))));
    let pump = pin!(pump(payload, sender));
    let attachment = match select(upload, pump).await {
        Either::Left((result, _)) => result,
        Either::Right(((), upload)) => upload.await,
    }?;
    Ok(HttpResponse::Created().json(AttachmentResponse::from(attachment)))
}

/// List a resource's attachments
///
/// The files of a resource the caller may see; visitors see those of
/// published public resources.
#[utoipa::path(
    operation_id = "list_attachments",
    tag = "Resources",
    security((), ("bearerAuth" = [])),
    params(("id" = uuid::Uuid, Path, description = "Resource id.")),
    responses(
        (status = 200, description = "Its attachments, oldest first.", body = AttachmentList),
        (status = 401, description = "A token was sent and is not valid.", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = NOT_FOUND, body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/resources/{id}/attachments")]
pub async fn list(
    service: web::Data<AttachmentService>,
    actor: MaybeAuthenticated,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let items = service
        .list(&actor.0, ResourceId::from_uuid(id.into_inner()))
        .await?;
    Ok(HttpResponse::Ok().json(AttachmentList {
        items: items.into_iter().map(Into::into).collect(),
    }))
}

/// `attachment; filename="<ASCII>"; filename*=UTF-8''<percent-encoded>`
/// (RFC 6266): the ASCII name for old clients, with anything else, quotes,
/// backslashes and percent signs replaced by `_`; the exact name for the rest.
fn content_disposition(name: &FileName) -> String {
    let ascii: String = name
        .as_str()
        .chars()
        .map(|c| {
            if (c.is_ascii_graphic() || c == ' ') && !matches!(c, '"' | '\\' | '%') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::with_capacity(name.as_str().len() * 3);
    for byte in name.as_str().bytes() {
        // RFC 8187 attr-char: sent as is; everything else percent-encoded.
        if byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// Headers of every download: not to be rendered, sniffed, or shared by caches.
const DOWNLOAD_HEADERS: [(HeaderName, &str); 4] = [
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::CACHE_CONTROL, "private, no-cache"),
    (
        header::CONTENT_SECURITY_POLICY,
        "sandbox; default-src 'none'; frame-ancestors 'none'",
    ),
    (
        HeaderName::from_static("cross-origin-resource-policy"),
        "same-origin",
    ),
];

/// Download an attachment
///
/// The file, with the type recognised from its content, as an attachment to
/// save (`Content-Disposition`), never to render in the API's origin.
#[utoipa::path(
    operation_id = "download_attachment",
    tag = "Resources",
    security((), ("bearerAuth" = [])),
    params(
        ("id" = uuid::Uuid, Path, description = "Resource id."),
        ("attachmentId" = uuid::Uuid, Path, description = "Attachment id."),
    ),
    responses(
        (status = 200, description = "The file.",
            content(("application/pdf"), ("image/png"), ("image/jpeg"), ("image/webp"), ("image/gif")),
            headers(
                ("Content-Disposition" = String, description = "`attachment; filename=\"…\"; filename*=UTF-8''…`"),
                ("X-Content-Type-Options" = String, description = "`nosniff`"),
                ("Cache-Control" = String, description = "`private, no-cache`"),
                ("Content-Security-Policy" = String, description = "`sandbox; default-src 'none'; frame-ancestors 'none'`"),
            )
        ),
        (status = 401, description = "A token was sent and is not valid.", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = NOT_FOUND, body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/resources/{id}/attachments/{attachmentId}")]
pub async fn download(
    service: web::Data<AttachmentService>,
    actor: MaybeAuthenticated,
    path: web::Path<(uuid::Uuid, uuid::Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (resource, attachment) = path.into_inner();
    let download = service
        .download(
            &actor.0,
            ResourceId::from_uuid(resource),
            AttachmentId::from_uuid(attachment),
        )
        .await?;
    let attachment = download.attachment;
    let mut response = HttpResponse::Ok();
    response
        .insert_header((header::CONTENT_TYPE, attachment.media_type.media_type()))
        .insert_header((
            header::CONTENT_DISPOSITION,
            HeaderValue::from_str(&content_disposition(&attachment.file_name))
                .map_err(AppError::internal)?,
        ));
    for (name, value) in DOWNLOAD_HEADERS {
        response.insert_header((name, value));
    }
    let chunks = futures_util::stream::unfold(Some(download.content.content), |source| async {
        let mut source = source?;
        match source.next_chunk().await {
            Ok(Some(chunk)) => Some((Ok(Bytes::from(chunk)), Some(source))),
            Ok(None) => None,
            Err(err) => Some((Err(err), None)),
        }
    });
    Ok(response
        .no_chunking(download.content.size_bytes)
        .streaming(chunks))
}

/// Remove an attachment
///
/// Removes a file from a resource of the caller's. A published public or
/// restricted resource goes back to review.
#[utoipa::path(
    operation_id = "remove_attachment",
    tag = "Resources",
    security(("bearerAuth" = [])),
    params(
        ("id" = uuid::Uuid, Path, description = "Resource id."),
        ("attachmentId" = uuid::Uuid, Path, description = "Attachment id."),
    ),
    responses(
        (status = 204, description = "Removed."),
        (status = 403, description = "Visible but not editable (`forbidden`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = NOT_FOUND, body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "Changed meanwhile (`edit_conflict`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[delete("/resources/{id}/attachments/{attachmentId}")]
pub async fn remove(
    service: web::Data<AttachmentService>,
    actor: Authenticated,
    path: web::Path<(uuid::Uuid, uuid::Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (resource, attachment) = path.into_inner();
    service
        .remove(
            &actor.0,
            ResourceId::from_uuid(resource),
            AttachmentId::from_uuid(attachment),
        )
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_name_is_given_twice() {
        let name = FileName::parse("cours.pdf").unwrap();
        assert_eq!(
            content_disposition(&name),
            "attachment; filename=\"cours.pdf\"; filename*=UTF-8''cours.pdf"
        );
    }

    #[test]
    fn other_characters_are_replaced_in_ascii_and_encoded_in_utf8() {
        let name = FileName::parse("Fiche \"n°3\" 100% été;x.pdf").unwrap();
        assert_eq!(
            content_disposition(&name),
            "attachment; filename=\"Fiche _n_3_ 100_ _t_;x.pdf\"; \
             filename*=UTF-8''Fiche%20%22n%C2%B03%22%20100%25%20%C3%A9t%C3%A9%3Bx.pdf"
        );
        assert!(HeaderValue::from_str(&content_disposition(&name)).is_ok());
    }
}
