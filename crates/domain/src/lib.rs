//! The domain of Ressources Relationnelles: entities, value objects and policies.
//!
//! Innermost ring of the hexagon. It performs no I/O, knows no framework and
//! depends on no other crate of the workspace: only `std`, `thiserror` and
//! `uuid`. Every value is parsed (`Slug::parse`, `Label::parse`), never built raw,
//! so that a value of a domain type is valid by construction.
//!
//! Entry points: [`reference`] (categories, relation types, resource types),
//! [`credentials`] (passwords and their hashes) and [`DomainError`].

pub mod credentials;
pub mod error;
pub mod reference;

pub use error::DomainError;
/// Identifiers of the domain are UUIDs (version 7 when generated).
pub use uuid::Uuid;
