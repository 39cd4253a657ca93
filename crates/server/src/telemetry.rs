//! Structured logs with `tracing`: JSON lines in production, readable lines in
//! development. The sink is a parameter so tests can capture the output.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

use crate::settings::{LogFormat, TelemetrySettings};

/// Installs the global subscriber. A second call (in tests) leaves the first in place.
///
/// # Errors
/// When the filter does not parse.
pub fn init<W>(
    settings: &TelemetrySettings,
    sink: W,
) -> Result<(), tracing_subscriber::filter::ParseError>
where
    W: for<'writer> MakeWriter<'writer> + Send + Sync + 'static,
{
    let filter = EnvFilter::try_new(&settings.filter)?;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(sink);
    // try_init fails only when a subscriber is already installed, which is fine.
    let _ = match settings.format {
        LogFormat::Json => builder
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .flatten_event(true)
            .try_init(),
        LogFormat::Pretty => builder
            .with_target(false)
            .with_ansi(std::io::stderr().is_terminal())
            .try_init(),
    };
    Ok(())
}
