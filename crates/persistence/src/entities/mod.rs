//! sea-orm entities: one per table, private to this crate.

pub(crate) mod category;
pub(crate) mod relation_type;
pub(crate) mod resource_type;
