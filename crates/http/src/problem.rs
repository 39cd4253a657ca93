//! Every error response of the API, in one place: RFC 9457 `application/problem+json`
//! bodies with a stable machine `code`.
//!
//! Application errors arrive as [`ApiError`], a newtype (the orphan rule forbids
//! implementing actix's `ResponseError` on `AppError` here). Errors found by the
//! HTTP layer itself (no such route, bad JSON, body too large, …) are the
//! variants of [`RequestProblem`]. Both end in [`ProblemDetails`]; a 5xx cause is
//! logged, never sent.

use actix_web::error::{JsonPayloadError, PathError, PayloadError, QueryPayloadError};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use rr_application::AppError;
use serde::Serialize;
use utoipa::ToSchema;

/// Media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// OpenAPI description of the 429 a write limited per account answers
/// (comments, reports, resource creation): use it in `#[utoipa::path]`.
pub const WRITE_RATE_LIMITED: &str = "This account wrote too much of this kind lately \
     (`write_rate_limited`); retry after `Retry-After` seconds.";

/// An RFC 9457 problem: what went wrong, for people (`title`, `detail`) and for
/// programs (`status`, `code`, `errors`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "type": "urn:rr:problem:validation_failed",
    "title": "The request is invalid",
    "status": 422,
    "detail": "The body does not match the expected schema.",
    "code": "validation_failed",
    "errors": [{"field": "nickname", "code": "unknown_field", "message": "This field is not accepted."}]
}))]
pub struct ProblemDetails {
    /// URI naming the kind of problem: `urn:rr:problem:<code>`.
    #[serde(rename = "type")]
    pub problem_type: String,
    /// Short summary of the kind of problem, the same for every occurrence.
    pub title: String,
    /// HTTP status code.
    #[schema(minimum = 400, maximum = 599)]
    pub status: u16,
    /// What went wrong this time, in plain language. Never internal details.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Stable machine code: clients branch on this, never on the text.
    pub code: String,
    /// For validation failures: one entry per faulty field.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// One faulty field of a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    /// The field's name as sent (camelCase), or empty when the body as a whole is at fault.
    pub field: String,
    /// Stable machine code: `unknown_field`, `missing_field` or `invalid_value` for
    /// the body's shape, or a rule's code (`invalid_email`, `password_too_short`, …).
    pub code: String,
    /// Explanation for people.
    pub message: String,
}

impl ProblemDetails {
    fn new(status: StatusCode, code: &str, title: &str, detail: Option<String>) -> Self {
        Self {
            problem_type: format!("urn:rr:problem:{code}"),
            title: title.to_owned(),
            status: status.as_u16(),
            detail,
            code: code.to_owned(),
            errors: Vec::new(),
        }
    }

    /// The problem as a response with the `application/problem+json` media type.
    #[must_use]
    pub fn into_response(self) -> HttpResponse {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = HttpResponse::build(status);
        response.insert_header((header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON)));
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response.insert_header((header::RETRY_AFTER, HeaderValue::from_static("5")));
        }
        response.json(self)
    }
}

/// An application error on its way to becoming a problem response.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct ApiError(#[from] pub AppError);

impl ApiError {
    fn status(&self) -> StatusCode {
        match self.0 {
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::InvalidToken => StatusCode::BAD_REQUEST,
            AppError::TooManyAttempts { .. } | AppError::WriteRateLimited { .. } => {
                StatusCode::TOO_MANY_REQUESTS
            }
            AppError::ConflictWith(_) | AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Gone(_) => StatusCode::GONE,
            AppError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedContent(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The problem body, without logging.
    #[must_use]
    pub fn problem(&self) -> ProblemDetails {
        let (title, detail): (&str, String) = match &self.0 {
            AppError::Invalid(_) => (
                "The request is invalid",
                "Some fields break the rules; see errors.".into(),
            ),
            AppError::Unauthenticated("invalid_credentials") => (
                "Invalid credentials",
                "The email address or the password is wrong.".into(),
            ),
            AppError::Unauthenticated("invalid_second_factor") => (
                "Invalid second factor",
                "The code is wrong or expired. Sign in again.".into(),
            ),
            AppError::Unauthenticated("invalid_refresh_token") => (
                "Invalid refresh token",
                "This refresh token is unknown, spent or expired. Log in again.".into(),
            ),
            AppError::Unauthenticated(_) => (
                "Authentication required",
                "Send a valid access token in the Authorization header (Bearer).".into(),
            ),
            AppError::Forbidden("email_not_verified") => (
                "Email address not verified",
                "Confirm your email address with the link sent to you.".into(),
            ),
            AppError::Forbidden("account_suspended") => (
                "Account suspended",
                "This account is suspended. The reason was sent to its email address.".into(),
            ),
            AppError::Forbidden("two_factor_required") => (
                "Two-factor authentication required",
                "Staff accounts must enable two-factor authentication first.".into(),
            ),
            AppError::Forbidden("second_factor_required") => (
                "Second factor required",
                "Two-factor authentication is on: send a current code or a recovery code.".into(),
            ),
            AppError::Forbidden("staff_account") => (
                "Staff account",
                "A staff account is not erased: a super-administrator demotes it first.".into(),
            ),
            AppError::Forbidden("consent_required") => (
                "Privacy policy to accept",
                "A new version of the privacy policy is in force. Read it \
                 (GET /api/v1/privacy/policy) and accept it (PUT /api/v1/me/consents) \
                 before writing; reading stays open."
                    .into(),
            ),
            AppError::Forbidden("account_restricted") => (
                "Account restricted",
                "You restricted the processing of this account: it is frozen until you lift \
                 the restriction (DELETE /api/v1/me/restriction)."
                    .into(),
            ),
            AppError::Forbidden(_) => ("Forbidden", "You may not do this.".into()),
            AppError::NotFound => (
                "Not found",
                "Nothing exists at this address, or you may not see it.".into(),
            ),
            AppError::InvalidToken => (
                "Invalid or expired link",
                "This link or code is unknown, already used or expired. Ask for a new one.".into(),
            ),
            AppError::TooManyAttempts { retry_after_secs } => (
                "Too many attempts",
                format!("Wait {retry_after_secs} seconds before trying again."),
            ),
            AppError::WriteRateLimited { retry_after_secs } => (
                "Too many writes",
                format!(
                    "This account has posted too much of this kind lately. \
                     Wait {retry_after_secs} seconds before trying again."
                ),
            ),
            AppError::ConflictWith("username_taken") => (
                "Username taken",
                "Another account uses this username. Choose another.".into(),
            ),
            AppError::ConflictWith("policy_version_exists") => (
                "Policy version taken",
                "A version of the privacy policy with this identifier was published already. \
                 Published versions never change: choose a new identifier."
                    .into(),
            ),
            AppError::ConflictWith("export_pending") => (
                "An export is already under way",
                "You already have an export being produced or waiting to be downloaded. \
                 Download it (or let it expire) before asking for another."
                    .into(),
            ),
            AppError::ConflictWith("export_not_ready") => (
                "Export not ready",
                "The archive is still being produced. Poll the export until its status is ready."
                    .into(),
            ),
            AppError::ConflictWith("export_failed") => (
                "Export failed",
                "This export could not be produced. Ask for a new one.".into(),
            ),
            AppError::ConflictWith("flag_changed") => (
                "Flag changed meanwhile",
                "The flag changed since the version you sent. Read it again and apply your \
                 change to its current version."
                    .into(),
            ),
            AppError::ConflictWith("flag_exists") => (
                "Flag key taken",
                "A flag has this key already. Change that one, or choose another key.".into(),
            ),
            AppError::Gone("export_already_downloaded") => (
                "Export already downloaded",
                "An archive is handed out once and has been downloaded. Ask for a new export."
                    .into(),
            ),
            AppError::Gone("export_expired") => (
                "Export expired",
                "The archive was not downloaded in time and has been deleted. Ask for a new export."
                    .into(),
            ),
            AppError::Gone(_) => ("Gone", "This no longer exists.".into()),
            AppError::ConflictWith(_) | AppError::Conflict(_) => (
                "Conflict with the current state",
                "The request conflicts with the current state of the resource.".into(),
            ),
            AppError::TooLarge { limit_bytes } => (
                "The content is too large",
                format!("The content may not exceed {limit_bytes} bytes."),
            ),
            AppError::UnsupportedContent(_) => (
                "Unsupported content type",
                "This type of content is not accepted here.".into(),
            ),
            AppError::Unavailable(_) => (
                "Service temporarily unavailable",
                "A service the platform depends on does not answer. Retry in a few seconds.".into(),
            ),
            AppError::Internal(_) => (
                "Internal error",
                "An unexpected error occurred. It has been logged with the request id.".into(),
            ),
        };
        let mut problem = ProblemDetails::new(self.status(), self.0.code(), title, Some(detail));
        if let AppError::Invalid(violations) = &self.0 {
            problem.errors = violations
                .iter()
                .map(|v| FieldError {
                    field: v.field.to_owned(),
                    code: v.code.to_owned(),
                    message: v.message.clone(),
                })
                .collect();
        }
        problem
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status()
    }

    fn error_response(&self) -> HttpResponse {
        if self.status().is_server_error() {
            tracing::error!(code = self.0.code(), error = %error_chain(&self.0), "request failed");
        }
        let mut response = self.problem().into_response();
        if let AppError::TooManyAttempts { retry_after_secs }
        | AppError::WriteRateLimited { retry_after_secs } = self.0
            && let Ok(value) = HeaderValue::from_str(&retry_after_secs.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        if matches!(self.0, AppError::Unauthenticated(_)) {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

/// `a: b: c` — the error and its sources, for logs only.
fn error_chain(err: &dyn std::error::Error) -> String {
    let mut chain = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        chain.push_str(": ");
        chain.push_str(&cause.to_string());
        source = cause.source();
    }
    chain
}

/// Problems the HTTP layer finds before any use case runs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestProblem {
    /// No route has this path.
    #[error("not found")]
    NotFound,
    /// The path exists, not with this method. Carries the methods it accepts.
    #[error("method not allowed")]
    MethodNotAllowed(Vec<String>),
    /// The body is not well-formed JSON.
    #[error("malformed JSON")]
    MalformedJson(String),
    /// The JSON is well-formed but does not fit the expected shape.
    #[error("invalid body")]
    InvalidBody(Vec<FieldError>),
    /// The body is larger than the configured limit.
    #[error("body too large")]
    PayloadTooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// The body is not of a media type the route accepts.
    #[error("unsupported media type")]
    UnsupportedMediaType,
    /// A path parameter cannot be parsed.
    #[error("invalid path parameter")]
    InvalidPath,
    /// The query string cannot be parsed.
    #[error("invalid query")]
    InvalidQuery(String),
    /// The request took longer than the configured limit.
    #[error("request timed out")]
    Timeout,
    /// The client address sent too many requests; retry after this many seconds.
    #[error("too many requests")]
    TooManyRequests {
        /// Seconds to wait.
        retry_after: u64,
    },
    /// An error response that no mapping produced (a safety net): only the status is kept.
    #[error("unmapped error")]
    Other(StatusCode),
}

impl RequestProblem {
    /// The problem body.
    #[must_use]
    pub fn problem(&self) -> ProblemDetails {
        use StatusCode as S;
        match self {
            Self::NotFound => ProblemDetails::new(
                S::NOT_FOUND,
                "not_found",
                "Not found",
                Some("Nothing exists at this address, or you may not see it.".into()),
            ),
            Self::MethodNotAllowed(allowed) => ProblemDetails::new(
                S::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "Method not allowed",
                Some(format!("This address accepts: {}.", allowed.join(", "))),
            ),
            Self::MalformedJson(why) => ProblemDetails::new(
                S::BAD_REQUEST,
                "malformed_json",
                "The request body is not valid JSON",
                Some(why.clone()),
            ),
            Self::InvalidBody(errors) => {
                let mut problem = ProblemDetails::new(
                    S::UNPROCESSABLE_ENTITY,
                    "validation_failed",
                    "The request is invalid",
                    Some("The body does not match the expected schema.".into()),
                );
                problem.errors.clone_from(errors);
                problem
            }
            Self::PayloadTooLarge { limit } => ProblemDetails::new(
                S::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "The request body is too large",
                Some(format!("The body may not exceed {limit} bytes.")),
            ),
            Self::UnsupportedMediaType => ProblemDetails::new(
                S::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Unsupported media type",
                Some("Send the body as application/json.".into()),
            ),
            Self::InvalidPath => ProblemDetails::new(
                S::NOT_FOUND,
                "not_found",
                "Not found",
                Some("Nothing exists at this address, or you may not see it.".into()),
            ),
            Self::InvalidQuery(why) => ProblemDetails::new(
                S::BAD_REQUEST,
                "invalid_query",
                "The query string is invalid",
                Some(why.clone()),
            ),
            Self::Timeout => ProblemDetails::new(
                S::SERVICE_UNAVAILABLE,
                "request_timeout",
                "The request took too long",
                Some("The server gave up on this request. Retry in a few seconds.".into()),
            ),
            Self::TooManyRequests { retry_after } => ProblemDetails::new(
                S::TOO_MANY_REQUESTS,
                "too_many_requests",
                "Too many requests",
                Some(format!(
                    "Too many requests from your address. Retry in {retry_after} seconds."
                )),
            ),
            Self::Other(status) => {
                let status = if status.is_client_error() || status.is_server_error() {
                    *status
                } else {
                    S::INTERNAL_SERVER_ERROR
                };
                let code = match status {
                    S::NOT_FOUND => "not_found",
                    S::METHOD_NOT_ALLOWED => "method_not_allowed",
                    S::PAYLOAD_TOO_LARGE => "payload_too_large",
                    S::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
                    S::REQUEST_TIMEOUT => "request_timeout",
                    s if s.is_server_error() => "internal_error",
                    _ => "bad_request",
                };
                ProblemDetails::new(
                    status,
                    code,
                    status.canonical_reason().unwrap_or("Error"),
                    None,
                )
            }
        }
    }
}

impl ResponseError for RequestProblem {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.problem().status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = self.problem().into_response();
        if let Self::TooManyRequests { retry_after } = self
            && let Ok(value) = HeaderValue::from_str(&retry_after.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        if let Self::MethodNotAllowed(allowed) = self
            && let Ok(value) = HeaderValue::from_str(&allowed.join(", "))
        {
            response.headers_mut().insert(header::ALLOW, value);
        }
        response
    }
}

/// Classifies a JSON body error. Installed as the `JsonConfig` error handler.
pub fn json_error(err: JsonPayloadError, limit: usize) -> RequestProblem {
    match err {
        JsonPayloadError::Overflow { .. } | JsonPayloadError::OverflowKnownLength { .. } => {
            RequestProblem::PayloadTooLarge { limit }
        }
        JsonPayloadError::ContentType => RequestProblem::UnsupportedMediaType,
        JsonPayloadError::Deserialize(err) if err.is_data() => {
            RequestProblem::InvalidBody(vec![field_error(&err)])
        }
        JsonPayloadError::Deserialize(err) => RequestProblem::MalformedJson(format!(
            "The body is not well-formed JSON (line {}, column {}).",
            err.line(),
            err.column()
        )),
        JsonPayloadError::Payload(PayloadError::Overflow) => {
            RequestProblem::PayloadTooLarge { limit }
        }
        _ => RequestProblem::MalformedJson("The body could not be read.".into()),
    }
}

/// Names the field serde complained about, from its message: serde_json reports
/// ``unknown field `x` `` and ``missing field `x` `` but gives no path.
fn field_error(err: &serde_json::Error) -> FieldError {
    let message = err.to_string();
    let quoted = message.split('`').nth(1).unwrap_or_default().to_owned();
    let (field, code, text) = if message.starts_with("unknown field") {
        (
            quoted,
            "unknown_field",
            "This field is not accepted.".to_owned(),
        )
    } else if message.starts_with("missing field") {
        (
            quoted,
            "missing_field",
            "This field is required.".to_owned(),
        )
    } else {
        let reason = message.split(" at line ").next().unwrap_or_default();
        (
            String::new(),
            "invalid_value",
            format!("A value has the wrong type or format: {reason}."),
        )
    };
    FieldError {
        field,
        code: code.to_owned(),
        message: text,
    }
}

/// Classifies a query string error. Installed as the `QueryConfig` error handler.
#[must_use]
pub fn query_error(err: &QueryPayloadError) -> RequestProblem {
    RequestProblem::InvalidQuery(format!("The query string could not be read: {err}."))
}

/// A path parameter that does not parse names nothing that exists.
#[must_use]
pub fn path_error(_err: &PathError) -> RequestProblem {
    RequestProblem::InvalidPath
}

#[cfg(test)]
mod tests {
    use actix_web::body::to_bytes;

    use super::*;

    async fn body(response: HttpResponse) -> serde_json::Value {
        serde_json::from_slice(&to_bytes(response.into_body()).await.unwrap()).unwrap()
    }

    #[actix_web::test]
    async fn an_internal_error_hides_its_cause() {
        let err = ApiError(AppError::Internal(
            "SELECT * FROM secret_table failed".into(),
        ));
        let response = err.error_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(
            response.headers().get(header::CONTENT_TYPE).unwrap(),
            PROBLEM_JSON
        );
        let json = body(response).await;
        assert_eq!(json["code"], "internal_error");
        assert!(!json.to_string().contains("secret_table"));
    }

    #[actix_web::test]
    async fn an_unavailable_database_is_503_with_retry_after() {
        let response = ApiError(AppError::Unavailable("refused".into())).error_response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers().get(header::RETRY_AFTER).unwrap(), "5");
        assert_eq!(body(response).await["code"], "service_unavailable");
    }

    #[actix_web::test]
    async fn a_write_rate_limit_is_429_with_retry_after_and_its_own_code() {
        let response = ApiError(AppError::WriteRateLimited {
            retry_after_secs: 12,
        })
        .error_response();
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(response.headers().get(header::RETRY_AFTER).unwrap(), "12");
        assert_eq!(body(response).await["code"], "write_rate_limited");
    }

    #[actix_web::test]
    async fn method_not_allowed_lists_the_allowed_methods() {
        let response = RequestProblem::MethodNotAllowed(vec!["GET".into()]).error_response();
        assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(response.headers().get(header::ALLOW).unwrap(), "GET");
    }

    #[test]
    fn every_problem_type_names_its_code() {
        let problem = RequestProblem::PayloadTooLarge { limit: 10 }.problem();
        assert_eq!(problem.problem_type, "urn:rr:problem:payload_too_large");
        assert_eq!(problem.status, 413);
    }

    fn json_err(body: &str) -> RequestProblem {
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Dto {
            name: String,
        }
        let err = serde_json::from_str::<Dto>(body).unwrap_err();
        json_error(JsonPayloadError::Deserialize(err), 100)
    }

    #[test]
    fn an_unknown_field_is_422_and_named() {
        let RequestProblem::InvalidBody(errors) = json_err(r#"{"name":"a","role":"admin"}"#) else {
            panic!("expected an invalid body");
        };
        assert_eq!(errors[0].field, "role");
        assert_eq!(errors[0].code, "unknown_field");
    }

    #[test]
    fn a_missing_field_is_422_and_named() {
        let RequestProblem::InvalidBody(errors) = json_err("{}") else {
            panic!("expected an invalid body");
        };
        assert_eq!(
            (errors[0].field.as_str(), errors[0].code.as_str()),
            ("name", "missing_field")
        );
    }

    #[test]
    fn broken_json_is_400() {
        assert_eq!(json_err(r#"{"name": "#).problem().status, 400);
    }

    #[test]
    fn an_oversized_body_is_413() {
        let problem = json_error(JsonPayloadError::Overflow { limit: 100 }, 100).problem();
        assert_eq!(
            (problem.status, problem.code.as_str()),
            (413, "payload_too_large")
        );
    }

    #[test]
    fn an_unmapped_error_keeps_a_meaningful_code() {
        assert_eq!(
            RequestProblem::Other(StatusCode::NOT_FOUND).problem().code,
            "not_found"
        );
        assert_eq!(
            RequestProblem::Other(StatusCode::IM_A_TEAPOT)
                .problem()
                .code,
            "bad_request"
        );
        assert_eq!(
            RequestProblem::Other(StatusCode::BAD_GATEWAY)
                .problem()
                .code,
            "internal_error"
        );
    }

    #[test]
    fn a_stray_success_status_never_becomes_a_successful_problem() {
        assert_eq!(RequestProblem::Other(StatusCode::OK).problem().status, 500);
    }
}
