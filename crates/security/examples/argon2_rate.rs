//! Raw argon2id throughput at the default parameters (m = 19 456 KiB, t = 2,
//! p = 1): how many password hashes per second this machine sustains with N
//! OS threads, to size `max_concurrent` and the login rate limits.
//!
//! ```text
//! cargo run --release -p rr-security --example argon2_rate -- --threads 2 --seconds 10
//! ```
//!
//! Each thread hashes a fixed password with a fresh random salt until the time
//! is up; the rate is the number of completed hashes over the wall time until
//! every thread has finished its last one. No PHC encoding, no async runtime;
//! each thread reuses its memory area, as the server does.
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a command-line tool: its output is the point"
)]

use std::error::Error;
use std::process::ExitCode;
use std::thread;
use std::time::{Duration, Instant};

use argon2::{Algorithm, Argon2, Block, Params, Version};

struct Options {
    threads: usize,
    seconds: u64,
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut options = Options {
        threads: 1,
        seconds: 10,
    };
    while let Some(flag) = args.next() {
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--threads" => options.threads = value.parse().map_err(|_| "bad --threads")?,
            "--seconds" => options.seconds = value.parse().map_err(|_| "bad --seconds")?,
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    if options.threads == 0 || options.seconds == 0 {
        return Err("--threads and --seconds must be at least 1".into());
    }
    Ok(options)
}

/// Hashes until `deadline`; returns how many hashes completed. Like the
/// server's hashing threads, each thread reuses one memory area, so the rate
/// is the best this machine can do at these parameters.
fn hash_until(deadline: Instant) -> Result<u64, argon2::Error> {
    let params = Params::default();
    let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    let mut memory = vec![Block::default(); params.block_count()];
    let mut output = [0u8; 32];
    let mut salt = [0u8; 16];
    let mut done = 0;
    while Instant::now() < deadline {
        rand::fill(&mut salt[..]);
        argon2.hash_password_into_with_memory(
            b"correct horse battery staple",
            &salt,
            &mut output,
            &mut memory,
        )?;
        done += 1;
    }
    Ok(done)
}

fn run(options: &Options) -> Result<(), Box<dyn Error>> {
    let started = Instant::now();
    let deadline = started + Duration::from_secs(options.seconds);
    let workers: Vec<_> = (0..options.threads)
        .map(|_| thread::spawn(move || hash_until(deadline)))
        .collect();
    let mut total = 0;
    for worker in workers {
        total += worker.join().map_err(|_| "a hashing thread panicked")??;
    }
    let elapsed = started.elapsed().as_secs_f64();
    #[allow(
        clippy::cast_precision_loss,
        reason = "hash counts stay far below 2^52"
    )]
    let rate = total as f64 / elapsed;
    println!(
        "argon2id m={} t={} p={} threads={}: {rate:.1} hashes/s",
        Params::DEFAULT_M_COST,
        Params::DEFAULT_T_COST,
        Params::DEFAULT_P_COST,
        options.threads,
    );
    Ok(())
}

fn main() -> ExitCode {
    let options = match parse(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}\nusage: argon2_rate [--threads N] [--seconds S]");
            return ExitCode::FAILURE;
        }
    };
    match run(&options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("argon2_rate: {e}");
            ExitCode::FAILURE
        }
    }
}
