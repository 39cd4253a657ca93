//! Feature flags for canary delivery (DESIGN.md §6, ADR 0028): a new
//! behaviour is switched on for a share of the accounts first (the seed: 15%),
//! raised step by step, and possibly only in some regions or for some roles.
//!
//! A [`FeatureFlag`] is evaluated for an [`Audience`] by a pure function,
//! [`FeatureFlag::is_on_for`]: no clock, no store, no randomness. Who falls in
//! the rollout is decided by [`bucket`], a stable hash of the flag's group and
//! the account's id, so that an account keeps its answer from one request,
//! process or release to the next, and raising the percentage only adds
//! accounts.

mod bucket;
mod flag;

pub use bucket::{BUCKETS, bucket};
pub use flag::{Audience, FeatureFlag, FlagDescription, FlagKey, FlagSettings, Rollout};
