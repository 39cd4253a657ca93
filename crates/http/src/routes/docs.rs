//! The OpenAPI document and the interactive documentation, both served by the
//! binary itself so they work with no network.

use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::DefaultHeaders;
use actix_web::web::{self, Bytes};
use actix_web::{HttpResponse, get};
use utoipa_swagger_ui::{Config, SwaggerUi};

/// The OpenAPI document, serialised once at start-up.
#[derive(Debug, Clone)]
pub struct OpenApiJson(pub Bytes);

/// OpenAPI document
///
/// This API's OpenAPI 3.1 contract.
#[utoipa::path(
    tag = "Operations",
    responses((status = 200, description = "The OpenAPI 3.1 document.", body = Object, content_type = "application/json"))
)]
#[get("/api-docs/openapi.json")]
pub async fn openapi_json(document: web::Data<OpenApiJson>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(document.0.clone())
}

/// Content security policy of the documentation pages: everything from this
/// origin, nothing from anywhere else. Swagger UI needs inline styles and `data:` images.
const DOCS_CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; \
                        script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// `/docs/`: Swagger UI, its assets embedded in the binary (the `vendored` feature).
pub fn scope() -> actix_web::Scope<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let config = Config::new(["/api-docs/openapi.json"])
        .validator_url("none")
        .try_it_out_enabled(true)
        .display_request_duration(true);
    web::scope("/docs")
        .wrap(DefaultHeaders::new().add((
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(DOCS_CSP),
        )))
        .service(web::resource("").get(|| async {
            HttpResponse::PermanentRedirect()
                .insert_header((header::LOCATION, "/docs/"))
                .finish()
        }))
        .service(SwaggerUi::new("/{_:.*}").config(config))
}
