//! The flags every scenario may be given besides its numbers (`--graph-ms`, `--database`, `--mps`,
//! `--instances`, `--returning`), taken out of the command line before the scenario's numbers are
//! read.

use std::time::Duration;

use anyhow::Context;

/// What every scenario may be given besides its numbers.
#[derive(Clone, Default)]
pub(crate) struct Options {
    /// The fake Graph API's latency (`--graph-ms`).
    pub(crate) graph_latency: Duration,
    /// The server's database (`--database`), a fresh SQLite file when absent.
    pub(crate) database: Option<String>,
    /// The server's pace (`--mps`), instead of the scenario's own.
    pub(crate) mps: Option<u32>,
    /// How many servers share the database in the burst (`--instances`, PostgreSQL only).
    pub(crate) instances: usize,
    /// The burst's customers are known: each wrote once before the measured wave (`--returning`).
    pub(crate) returning: bool,
}

/// Takes `flag VALUE` out of the arguments, if there.
fn take_flag(args: &mut Vec<String>, flag: &str) -> anyhow::Result<Option<String>> {
    let Some(at) = args.iter().position(|arg| arg == flag) else {
        return Ok(None);
    };
    let value = args
        .get(at + 1)
        .cloned()
        .with_context(|| format!("{flag} needs a value"))?;
    args.drain(at..=at + 1);
    Ok(Some(value))
}

/// Takes every flag above out of the arguments; an unreadable value is an error that says what it
/// needs.
pub(crate) fn parse(args: &mut Vec<String>) -> anyhow::Result<Options> {
    let graph_latency = match take_flag(args, "--graph-ms")? {
        Some(millis) => Duration::from_millis(
            millis
                .parse()
                .context("--graph-ms needs a number of milliseconds, e.g. --graph-ms 150")?,
        ),
        None => Duration::ZERO,
    };
    let database = take_flag(args, "--database")?;
    let mps = take_flag(args, "--mps")?
        .map(|mps| {
            mps.parse()
                .context("--mps needs a number of messages per second, e.g. --mps 5000")
        })
        .transpose()?;
    let instances = take_flag(args, "--instances")?
        .map(|n| {
            n.parse()
                .context("--instances needs a number of servers, e.g. --instances 3")
        })
        .transpose()?
        .unwrap_or(1);
    let returning = match args.iter().position(|arg| arg == "--returning") {
        Some(at) => {
            args.remove(at);
            true
        }
        None => false,
    };
    Ok(Options {
        graph_latency,
        database,
        mps,
        instances,
        returning,
    })
}
