//! Use cases, one service per area.

pub mod attachments;
pub mod engagement;
mod health;
pub mod identity;
mod reference_data;
pub mod resources;

pub use attachments::{AttachmentPolicy, AttachmentPorts, AttachmentService};
pub use engagement::{EngagementPorts, EngagementService};
pub use health::HealthService;
pub use identity::{IdentityPolicy, IdentityPorts, IdentityService};
pub use reference_data::ReferenceDataService;
pub use resources::{ResourcePorts, ResourceService};
