//! Security adapter: implementations of the application's cryptographic ports.
//!
//! Outer ring of the hexagon. It depends on `rr-application` (the ports) and
//! `rr-domain` (the types they exchange); never on another adapter. Crypto comes
//! from maintained RustCrypto crates, never written here.
//!
//! Entry point: [`Argon2PasswordHasher`], configured by [`PasswordHashingSettings`].

mod password;

pub use password::{Argon2PasswordHasher, PasswordHashingSettings, WeakParameters};
