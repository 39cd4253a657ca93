//! [`AccessTokens`] as `EdDSA` (Ed25519) JSON Web Tokens.
//!
//! Issued tokens carry `kid` in the header and `iss`, `aud`, `sub` (user id),
//! `sid` (session id), `role`, `iat`, `nbf` (= `iat`) and `exp` as claims.
//! Verification accepts `EdDSA` only, finds the key by `kid` among the
//! configured ones (current and older, for rotation), requires every claim and
//! checks `iss`, `aud`, `exp` and `nbf` with no leeway.

use std::collections::HashMap;
use std::fmt;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rr_application::ports::{AccessClaims, AccessTokens, PublicSigningKey, TokenError};
use rr_domain::identity::{Role, SessionId, UserId};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::keys::{JwtSigningKey, KeyError, KeyMaterial};

/// The claims as written in the token.
#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    iss: String,
    aud: String,
    sub: Uuid,
    sid: Uuid,
    role: String,
    iat: i64,
    nbf: i64,
    exp: i64,
}

/// Why issuing refused the claims it was given.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct Unsignable(&'static str);

/// Issuer, audience and lifetime of access tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenSettings {
    /// `iss` written and required.
    pub issuer: String,
    /// `aud` written and required.
    pub audience: String,
    /// What [`AccessTokens::lifetime`] reports; the callers set `exp` from it.
    pub lifetime: Duration,
}

/// [`AccessTokens`] with Ed25519 signatures (`alg: EdDSA`).
#[derive(Clone)]
pub struct JwtAccessTokens {
    settings: TokenSettings,
    current_kid: String,
    signing: EncodingKey,
    verifying: HashMap<String, DecodingKey>,
    public_keys: Vec<PublicSigningKey>,
    validation: Validation,
}

impl JwtAccessTokens {
    /// Tokens signed with the key whose id is `current`, verified with any of `keys`.
    ///
    /// # Errors
    /// [`KeyError::Settings`] if `current` is not among `keys`, an id repeats,
    /// or issuer or audience is empty; [`KeyError::Pem`] if a key cannot be encoded.
    pub fn new(
        keys: &[JwtSigningKey],
        current: &str,
        settings: TokenSettings,
    ) -> Result<Self, KeyError> {
        if settings.issuer.is_empty() || settings.audience.is_empty() {
            return Err(KeyError::Settings(
                "the access-token issuer and audience must not be empty".into(),
            ));
        }
        let mut verifying = HashMap::with_capacity(keys.len());
        let mut public_keys = Vec::with_capacity(keys.len());
        let mut signing = None;
        for key in keys {
            let public = key.public_key();
            if verifying
                .insert(key.id().to_owned(), DecodingKey::from_ed_der(&public))
                .is_some()
            {
                return Err(KeyError::Settings(format!(
                    "JWT signing key id {:?} appears twice",
                    key.id()
                )));
            }
            public_keys.push(PublicSigningKey {
                key_id: key.id().to_owned(),
                x: URL_SAFE_NO_PAD.encode(public),
            });
            if key.id() == current {
                signing = Some(EncodingKey::from_ed_der(&key.pkcs8_der()?));
            }
        }
        let signing = signing.ok_or_else(|| {
            KeyError::Settings(format!(
                "the current JWT signing key {current:?} is not among the configured ones"
            ))
        })?;

        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.leeway = 0;
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.validate_aud = true;
        validation.set_issuer(&[&settings.issuer]);
        validation.set_audience(&[&settings.audience]);
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);

        Ok(Self {
            settings,
            current_kid: current.to_owned(),
            signing,
            verifying,
            public_keys,
            validation,
        })
    }

    /// Tokens with the signing keys, issuer, audience and lifetime of `material`.
    ///
    /// # Errors
    /// As [`JwtAccessTokens::new`].
    pub fn from_material(material: &KeyMaterial) -> Result<Self, KeyError> {
        Self::new(
            material.jwt_keys(),
            material.current_jwt_key(),
            TokenSettings {
                issuer: material.jwt_issuer().to_owned(),
                audience: material.jwt_audience().to_owned(),
                lifetime: material.access_token_ttl(),
            },
        )
    }
}

impl fmt::Debug for JwtAccessTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwtAccessTokens")
            .field("settings", &self.settings)
            .field("current_kid", &self.current_kid)
            .field("public_keys", &self.public_keys)
            .finish_non_exhaustive()
    }
}

impl AccessTokens for JwtAccessTokens {
    fn issue(&self, claims: &AccessClaims) -> Result<String, TokenError> {
        let iat = claims.issued_at.unix_timestamp();
        let exp = claims.expires_at.unix_timestamp();
        if exp <= iat || iat < 0 {
            return Err(TokenError::Internal(Box::new(Unsignable(
                "an access token must expire after it is issued",
            ))));
        }
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(self.current_kid.clone());
        let body = Claims {
            iss: self.settings.issuer.clone(),
            aud: self.settings.audience.clone(),
            sub: claims.user_id.as_uuid(),
            sid: claims.session_id.as_uuid(),
            role: claims.role.as_str().to_owned(),
            iat,
            nbf: iat,
            exp,
        };
        jsonwebtoken::encode(&header, &body, &self.signing)
            .map_err(|e| TokenError::Internal(Box::new(e)))
    }

    fn verify(&self, token: &str) -> Result<AccessClaims, TokenError> {
        let header = jsonwebtoken::decode_header(token)
            .map_err(|_| TokenError::Invalid("malformed token"))?;
        if header.alg != Algorithm::EdDSA {
            return Err(TokenError::Invalid("algorithm not allowed"));
        }
        let kid = header
            .kid
            .ok_or(TokenError::Invalid("no key id in the header"))?;
        let key = self
            .verifying
            .get(&kid)
            .ok_or(TokenError::Invalid("unknown signing key"))?;
        let claims = jsonwebtoken::decode::<Claims>(token, key, &self.validation)
            .map_err(|e| TokenError::Invalid(reason(e.kind())))?
            .claims;

        // The library lets a token live through its `exp` second; RFC 7519 does not.
        let now = OffsetDateTime::now_utc().unix_timestamp();
        if claims.exp <= now {
            return Err(TokenError::Invalid("expired"));
        }
        let role = Role::parse(&claims.role).ok_or(TokenError::Invalid("unknown role"))?;
        let timestamp = |seconds| {
            OffsetDateTime::from_unix_timestamp(seconds)
                .map_err(|_| TokenError::Invalid("timestamp out of range"))
        };
        Ok(AccessClaims {
            user_id: UserId::from_uuid(claims.sub),
            session_id: SessionId::from_uuid(claims.sid),
            role,
            issued_at: timestamp(claims.iat)?,
            expires_at: timestamp(claims.exp)?,
        })
    }

    fn public_keys(&self) -> Vec<PublicSigningKey> {
        self.public_keys.clone()
    }

    fn lifetime(&self) -> Duration {
        self.settings.lifetime
    }
}

/// A short, fixed reason for the logs; the client learns only "invalid".
fn reason(kind: &ErrorKind) -> &'static str {
    match kind {
        ErrorKind::ExpiredSignature => "expired",
        ErrorKind::ImmatureSignature => "not yet valid",
        ErrorKind::InvalidIssuer => "wrong issuer",
        ErrorKind::InvalidAudience => "wrong audience",
        ErrorKind::InvalidSignature => "bad signature",
        ErrorKind::InvalidAlgorithm | ErrorKind::InvalidKeyFormat => "algorithm not allowed",
        ErrorKind::MissingRequiredClaim(_) => "missing claim",
        _ => "malformed token",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::Duration as Span;

    const ISSUER: &str = "https://rr.example";
    const AUDIENCE: &str = "rr-api";

    fn settings(issuer: &str, audience: &str) -> TokenSettings {
        TokenSettings {
            issuer: issuer.into(),
            audience: audience.into(),
            lifetime: Duration::from_mins(15),
        }
    }

    fn tokens(keys: &[JwtSigningKey], current: &str) -> JwtAccessTokens {
        JwtAccessTokens::new(keys, current, settings(ISSUER, AUDIENCE)).unwrap()
    }

    fn now() -> OffsetDateTime {
        OffsetDateTime::now_utc().replace_nanosecond(0).unwrap()
    }

    fn claims_at(issued_at: OffsetDateTime, lifetime: Span) -> AccessClaims {
        AccessClaims {
            user_id: UserId::generate(),
            session_id: SessionId::generate(),
            role: Role::Moderator,
            issued_at,
            expires_at: issued_at + lifetime,
        }
    }

    fn fresh_claims() -> AccessClaims {
        claims_at(now(), Span::minutes(15))
    }

    fn parts(token: &str) -> Vec<String> {
        token.split('.').map(str::to_owned).collect()
    }

    fn json_part(part: &str) -> serde_json::Value {
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
    }

    fn encode_part(value: &serde_json::Value) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).unwrap())
    }

    fn assert_invalid(result: Result<AccessClaims, TokenError>, expected: &str) {
        match result {
            Err(TokenError::Invalid(reason)) => assert_eq!(reason, expected),
            other => panic!("expected Invalid({expected:?}), got {other:?}"),
        }
    }

    #[test]
    fn a_token_signs_and_verifies_with_its_claims() {
        let tokens = tokens(&[JwtSigningKey::generate("k1")], "k1");
        let claims = fresh_claims();

        let token = tokens.issue(&claims).unwrap();

        assert_eq!(tokens.verify(&token).unwrap(), claims);
        let header = json_part(&parts(&token)[0]);
        assert_eq!(header["alg"], "EdDSA");
        assert_eq!(header["kid"], "k1");
        let body = json_part(&parts(&token)[1]);
        assert_eq!(body["iss"], ISSUER);
        assert_eq!(body["aud"], AUDIENCE);
        assert_eq!(body["sub"], claims.user_id.as_uuid().to_string());
        assert_eq!(body["sid"], claims.session_id.as_uuid().to_string());
        assert_eq!(body["role"], "moderator");
        assert_eq!(body["nbf"], body["iat"]);
        assert_eq!(body["exp"], claims.expires_at.unix_timestamp());
    }

    #[test]
    fn an_unsigned_token_is_refused() {
        let tokens = tokens(&[JwtSigningKey::generate("k1")], "k1");
        let token = tokens.issue(&fresh_claims()).unwrap();
        let p = parts(&token);
        let header = serde_json::json!({"alg": "none", "typ": "JWT", "kid": "k1"});

        for forged in [
            format!("{}.{}.", encode_part(&header), p[1]),
            format!("{}.{}.{}", encode_part(&header), p[1], p[2]),
        ] {
            assert_invalid(tokens.verify(&forged), "malformed token");
        }
        // The same token, left intact, passes: the refusal is the header's doing.
        assert!(tokens.verify(&token).is_ok());
    }

    #[test]
    fn an_hs256_token_keyed_with_the_public_key_is_refused() {
        let key = JwtSigningKey::generate("k1");
        let tokens = tokens(std::slice::from_ref(&key), "k1");
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some("k1".into());
        let body = json_part(&parts(&tokens.issue(&fresh_claims()).unwrap())[1]);
        let public = key.public_key();
        let x = URL_SAFE_NO_PAD.encode(public);

        for secret in [public.as_slice(), x.as_bytes()] {
            let forged =
                jsonwebtoken::encode(&header, &body, &EncodingKey::from_secret(secret).unwrap())
                    .unwrap();
            assert_invalid(tokens.verify(&forged), "algorithm not allowed");
        }
    }

    #[test]
    fn an_unknown_or_missing_kid_is_refused() {
        let k1 = JwtSigningKey::generate("k1");
        let k2 = JwtSigningKey::generate("k2");
        let verifier = tokens(std::slice::from_ref(&k1), "k1");
        let token = tokens(&[k1.clone(), k2], "k2")
            .issue(&fresh_claims())
            .unwrap();
        assert_invalid(verifier.verify(&token), "unknown signing key");

        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = None;
        let body = json_part(&parts(&verifier.issue(&fresh_claims()).unwrap())[1]);
        let no_kid = jsonwebtoken::encode(
            &header,
            &body,
            &EncodingKey::from_ed_der(&k1.pkcs8_der().unwrap()),
        )
        .unwrap();
        assert_invalid(verifier.verify(&no_kid), "no key id in the header");
    }

    #[test]
    fn another_audience_or_issuer_is_refused() {
        let key = JwtSigningKey::generate("k1");
        let verifier = tokens(std::slice::from_ref(&key), "k1");
        let other_audience =
            JwtAccessTokens::new(std::slice::from_ref(&key), "k1", settings(ISSUER, "other"))
                .unwrap();
        let other_issuer = JwtAccessTokens::new(
            std::slice::from_ref(&key),
            "k1",
            settings("other", AUDIENCE),
        )
        .unwrap();

        assert_invalid(
            verifier.verify(&other_audience.issue(&fresh_claims()).unwrap()),
            "wrong audience",
        );
        assert_invalid(
            verifier.verify(&other_issuer.issue(&fresh_claims()).unwrap()),
            "wrong issuer",
        );
    }

    #[test]
    fn an_expired_token_is_refused() {
        let tokens = tokens(&[JwtSigningKey::generate("k1")], "k1");
        let expired = claims_at(now() - Span::minutes(16), Span::minutes(15));
        assert_invalid(tokens.verify(&tokens.issue(&expired).unwrap()), "expired");

        // No leeway: a second past `exp` is too late.
        let just_expired = claims_at(now() - Span::seconds(61), Span::seconds(60));
        assert_invalid(
            tokens.verify(&tokens.issue(&just_expired).unwrap()),
            "expired",
        );
    }

    #[test]
    fn a_token_not_yet_valid_is_refused() {
        let tokens = tokens(&[JwtSigningKey::generate("k1")], "k1");
        let future = claims_at(now() + Span::seconds(5), Span::minutes(15));
        assert_invalid(
            tokens.verify(&tokens.issue(&future).unwrap()),
            "not yet valid",
        );
    }

    #[test]
    fn a_tampered_payload_is_refused() {
        let tokens = tokens(&[JwtSigningKey::generate("k1")], "k1");
        let token = tokens.issue(&fresh_claims()).unwrap();
        let p = parts(&token);
        let mut body = json_part(&p[1]);
        body["role"] = "super_administrator".into();

        let tampered = format!("{}.{}.{}", p[0], encode_part(&body), p[2]);

        assert_invalid(tokens.verify(&tampered), "bad signature");
        assert_eq!(tokens.verify(&token).unwrap().role, Role::Moderator);
    }

    #[test]
    fn a_token_from_another_key_pair_is_refused() {
        let ours = tokens(&[JwtSigningKey::generate("k1")], "k1");
        let theirs = tokens(&[JwtSigningKey::generate("k1")], "k1");
        assert_invalid(
            ours.verify(&theirs.issue(&fresh_claims()).unwrap()),
            "bad signature",
        );
    }

    #[test]
    fn a_token_missing_a_claim_is_refused() {
        let key = JwtSigningKey::generate("k1");
        let tokens = tokens(std::slice::from_ref(&key), "k1");
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some("k1".into());
        let signing = EncodingKey::from_ed_der(&key.pkcs8_der().unwrap());
        let full = json_part(&parts(&tokens.issue(&fresh_claims()).unwrap())[1]);

        for claim in ["iss", "aud", "sub", "sid", "role", "iat", "nbf", "exp"] {
            let mut body = full.clone();
            body.as_object_mut().unwrap().remove(claim);
            let token = jsonwebtoken::encode(&header, &body, &signing).unwrap();
            assert!(
                matches!(tokens.verify(&token), Err(TokenError::Invalid(_))),
                "{claim}"
            );
        }
        let intact = jsonwebtoken::encode(&header, &full, &signing).unwrap();
        assert!(tokens.verify(&intact).is_ok());
    }

    #[test]
    fn tokens_of_an_older_key_verify_after_rotation() {
        let k1 = JwtSigningKey::generate("k1");
        let k2 = JwtSigningKey::generate("k2");
        let old = tokens(std::slice::from_ref(&k1), "k1")
            .issue(&fresh_claims())
            .unwrap();

        let rotated = tokens(&[k2, k1], "k2");

        assert!(rotated.verify(&old).is_ok());
        let fresh = rotated.issue(&fresh_claims()).unwrap();
        assert_eq!(json_part(&parts(&fresh)[0])["kid"], "k2");
    }

    #[test]
    fn the_jwks_lists_every_key_with_its_public_half() {
        let k1 = JwtSigningKey::generate("k1");
        let k2 = JwtSigningKey::generate("k2");
        let tokens = tokens(&[k2.clone(), k1.clone()], "k2");

        let listed = tokens.public_keys();

        assert_eq!(listed.len(), 2);
        for key in [&k1, &k2] {
            let entry = listed.iter().find(|e| e.key_id == key.id()).unwrap();
            assert_eq!(
                URL_SAFE_NO_PAD.decode(&entry.x).unwrap(),
                key.public_key().to_vec()
            );
        }
        assert_eq!(tokens.lifetime(), Duration::from_mins(15));
    }

    #[test]
    fn claims_that_expire_before_they_start_are_not_signed() {
        let tokens = tokens(&[JwtSigningKey::generate("k1")], "k1");
        let backwards = claims_at(now(), Span::seconds(-1));
        assert!(matches!(
            tokens.issue(&backwards),
            Err(TokenError::Internal(_))
        ));
    }

    #[test]
    fn the_current_key_must_be_configured() {
        let k1 = JwtSigningKey::generate("k1");
        assert!(
            JwtAccessTokens::new(std::slice::from_ref(&k1), "k2", settings(ISSUER, AUDIENCE))
                .is_err()
        );
        assert!(JwtAccessTokens::new(&[k1.clone(), k1], "k1", settings(ISSUER, AUDIENCE)).is_err());
    }

    #[test]
    fn debug_shows_no_private_key() {
        let tokens =
            JwtAccessTokens::from_material(&KeyMaterial::ephemeral(ISSUER, AUDIENCE)).unwrap();
        let debug = format!("{tokens:?}");
        assert!(debug.contains("ephemeral"));
        assert!(!debug.contains("signing"), "{debug}");
    }
}
