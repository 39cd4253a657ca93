//! sea-orm entities: one per table, private to this crate.

pub(crate) mod attachment;
pub(crate) mod audit_entry;
pub(crate) mod category;
pub(crate) mod comment;
pub(crate) mod favourite;
pub(crate) mod moderation_entry;
pub(crate) mod notification;
pub(crate) mod one_time_token;
pub(crate) mod recovery_code;
pub(crate) mod relation_type;
pub(crate) mod report;
pub(crate) mod resource;
pub(crate) mod resource_progress;
pub(crate) mod resource_relation_type;
pub(crate) mod resource_share;
pub(crate) mod resource_type;
pub(crate) mod session;
pub(crate) mod spent_refresh_token;
pub(crate) mod staff_access;
pub(crate) mod user;
