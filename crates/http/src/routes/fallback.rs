//! What answers when no route matched: 405 when the path exists with other
//! methods, 404 otherwise.

use actix_router::ResourceDef;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use utoipa::openapi::OpenApi;

use crate::problem::RequestProblem;

/// Every path the API serves with its methods, built from the OpenAPI document
/// (so it cannot drift from the routes) plus the documentation pages.
#[derive(Debug)]
pub struct RouteTable {
    routes: Vec<(ResourceDef, Vec<String>)>,
}

impl RouteTable {
    /// The table of a document, with the `/docs` pages added.
    #[must_use]
    pub fn from_openapi(api: &OpenApi) -> Self {
        let mut routes: Vec<(ResourceDef, Vec<String>)> = api
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let mut methods: Vec<String> = [
                    ("GET", item.get.is_some()),
                    ("PUT", item.put.is_some()),
                    ("POST", item.post.is_some()),
                    ("DELETE", item.delete.is_some()),
                    ("OPTIONS", item.options.is_some()),
                    ("HEAD", item.head.is_some()),
                    ("PATCH", item.patch.is_some()),
                    ("TRACE", item.trace.is_some()),
                ]
                .into_iter()
                .filter(|(_, present)| *present)
                .map(|(method, _)| method.to_owned())
                .collect();
                methods.sort();
                (ResourceDef::new(path.as_str()), methods)
            })
            .collect();
        routes.push((ResourceDef::new("/docs"), vec!["GET".into()]));
        routes.push((ResourceDef::new("/docs/{tail}*"), vec!["GET".into()]));
        Self { routes }
    }

    /// Methods accepted at `path`, or `None` if no route has this path.
    #[must_use]
    pub fn allowed(&self, path: &str) -> Option<Vec<String>> {
        let mut allowed: Vec<String> = self
            .routes
            .iter()
            .filter(|(def, _)| def.is_match(path))
            .flat_map(|(_, methods)| methods.iter().cloned())
            .collect();
        allowed.sort();
        allowed.dedup();
        (!allowed.is_empty()).then_some(allowed)
    }
}

/// The default service of the application.
pub async fn not_routed(req: HttpRequest, table: web::Data<RouteTable>) -> HttpResponse {
    match table.allowed(req.path()) {
        Some(allowed) => RequestProblem::MethodNotAllowed(allowed).error_response(),
        None => RequestProblem::NotFound.error_response(),
    }
}
