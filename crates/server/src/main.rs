//! `rr-server`: see `rr_server::cli`.

use clap::Parser;

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    rr_server::cli::run(rr_server::cli::Cli::parse()).await
}
