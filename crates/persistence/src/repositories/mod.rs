//! Implementations of the application's repository ports.

mod reference_data;

pub use reference_data::SeaOrmReferenceDataRepository;
