//! The domain of Ressources Relationnelles: entities, value objects and policies.
//!
//! Innermost ring of the hexagon. It performs no I/O, knows no framework and
//! depends on no other crate of the workspace: only `std`, `thiserror`, `uuid`
//! and `time`. Every value is parsed (`Slug::parse`, `Label::parse`), never built raw,
//! so that a value of a domain type is valid by construction.
//!
//! Entry points: [`reference`] (categories, relation types, resource types),
//! [`identity`] (accounts, roles, access policies), [`resource`] (content
//! values, visibility, lifecycle, access rules), [`community`] (comments,
//! reports, notifications), [`statistics`] (measures, periods and the
//! small-cell rule of the administrators' statistics), [`privacy`] (policy
//! versions, consents, the write gate, restriction), [`subject_rights`]
//! (erasing an account, requests received outside the application and their
//! legal deadlines), [`credentials`]
//! (passwords and their hashes), [`compliance`] (retention periods, the
//! register of processing activities, the breach register), [`features`]
//! (feature flags and their sticky, gradual rollout) and [`DomainError`].

pub mod community;
pub mod compliance;
pub mod credentials;
pub mod error;
pub mod features;
pub mod identity;
pub mod privacy;
pub mod reference;
pub mod resource;
pub mod statistics;
pub mod subject_rights;

pub use error::DomainError;
/// Instants of the domain are `time` values, in UTC.
pub use time::OffsetDateTime;
/// Identifiers of the domain are UUIDs (version 7 when generated).
pub use uuid::Uuid;
