//! Use cases, one service per area.

mod health;
mod reference_data;

pub use health::HealthService;
pub use reference_data::ReferenceDataService;
