//! Use cases, one service per area.

mod health;
pub mod identity;
mod reference_data;
pub mod resources;

pub use health::HealthService;
pub use identity::{IdentityPolicy, IdentityPorts, IdentityService};
pub use reference_data::ReferenceDataService;
pub use resources::{ResourcePorts, ResourceService};
