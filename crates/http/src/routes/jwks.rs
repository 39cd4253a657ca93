//! `GET /.well-known/jwks.json`: the public keys access tokens are signed with.

use actix_web::http::header::{CacheControl, CacheDirective};
use actix_web::{HttpResponse, get, web};
use rr_application::services::IdentityService;
use serde::Serialize;
use utoipa::ToSchema;

/// One Ed25519 public key (RFC 8037).
#[derive(Debug, Serialize, ToSchema)]
pub struct Jwk {
    /// `OKP`.
    pub kty: &'static str,
    /// `Ed25519`.
    pub crv: &'static str,
    /// Key id, as in the tokens' `kid`.
    pub kid: String,
    /// Public key, base64url.
    pub x: String,
    /// `EdDSA`.
    pub alg: &'static str,
    /// `sig`.
    #[serde(rename = "use")]
    pub usage: &'static str,
}

/// A JSON Web Key Set.
#[derive(Debug, Serialize, ToSchema)]
pub struct Jwks {
    /// The keys, current and recent.
    pub keys: Vec<Jwk>,
}

/// Token signing keys
///
/// The public keys access tokens may be signed with (JWKS), for services that
/// verify tokens themselves.
#[utoipa::path(tag = "Authentication", responses((status = 200, description = "The key set.", body = Jwks)))]
#[get("/.well-known/jwks.json")]
pub async fn jwks(identity: web::Data<IdentityService>) -> HttpResponse {
    let keys = identity
        .access_tokens()
        .public_keys()
        .into_iter()
        .map(|k| Jwk {
            kty: "OKP",
            crv: "Ed25519",
            kid: k.key_id,
            x: k.x,
            alg: "EdDSA",
            usage: "sig",
        })
        .collect();
    HttpResponse::Ok()
        .insert_header(CacheControl(vec![
            CacheDirective::Public,
            CacheDirective::MaxAge(300),
        ]))
        .json(Jwks { keys })
}
