//! The administrators' statistics (issue 5 point 6, ADR 0018): what is
//! counted ([`Measure`]), how narrowly ([`Dimension`]), over which dates
//! ([`Period`], cut by a [`Grouping`]), and the disclosure rules that keep a
//! published figure from describing fewer than a threshold of people
//! ([`MinCellPeople`], [`withheld`]).
//!
//! Statistics hold numbers and dates only: no text, no identifier of a
//! person.

mod disclosure;
mod measure;
mod period;

pub use disclosure::{MinCellPeople, Part, Tally, withheld};
pub use measure::{Dimension, Measure};
pub use period::{Grouping, Period};
