//! Composition root of Ressources Relationnelles and the `rr-server` binary.
//!
//! The only crate that knows every other one: it reads the configuration,
//! starts telemetry, opens the database, builds the use cases on their adapters
//! and serves them over HTTP. Tests start the very same [`Application`] on port 0.
//!
//! Entry points: [`settings::load`], [`telemetry::init`], [`Application::build`],
//! and [`cli`] for the command line.

pub mod backup;
pub mod cli;
mod exports;
pub mod gdpr;
pub mod register;
pub mod seed;
pub mod settings;
mod startup;
pub mod telemetry;
pub mod wiring;

pub use settings::{Profile, Settings};
pub use startup::Application;
