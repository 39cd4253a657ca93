//! Route handlers, one module per area. A handler parses, calls one use case and
//! maps the result; nothing else.

pub mod access_log;
pub mod admin;
pub mod admin_accounts;
pub mod attachments;
pub mod auth;
pub mod breaches;
pub mod catalogue;
pub mod categories;
pub mod comments;
pub mod data_exports;
pub mod docs;
pub mod erasure;
pub mod fallback;
pub mod feature_flags;
pub mod health;
pub mod jwks;
pub mod me;
pub mod metrics;
pub mod moderation;
pub mod notifications;
pub mod privacy;
pub mod processing_register;
pub mod progress;
pub mod reference_data;
pub mod reports;
pub mod resources;
pub mod statistics;
pub mod subject_requests;
pub mod version;
