//! HTTP adapter: the actix-web application, its routes and DTOs, the RFC 9457
//! problem responses and the OpenAPI 3.1 document.
//!
//! Outer ring of the hexagon. It depends on `rr-application` (the use cases it
//! calls) and `rr-domain` (the types they return); never on another adapter.
//! Handlers parse, call one use case and map the result; authorisation belongs
//! to the use cases.
//!
//! Entry points: [`build`] (the application, for `HttpServer` and for tests),
//! [`openapi`] (the document), [`Services`], [`HttpSettings`], and [`problem`],
//! the one file that maps errors to responses.

mod app;
pub mod export_archive;
pub mod extract;
pub mod metrics;
pub mod middleware;
mod openapi;
pub mod problem;
pub mod routes;
mod settings;
pub mod validation;

pub use app::{Contract, Services, build, openapi};
pub use export_archive::JsonArchiveFormat;
pub use metrics::Metrics;
pub use routes::version::VersionInfo;
pub use settings::HttpSettings;
