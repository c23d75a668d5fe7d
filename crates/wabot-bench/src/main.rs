//! `wabot-bench`: starts the release `wabot` binary against a fake Graph API of its own and drives
//! signed webhooks at fixed rates, printing ack latency, reply latency and the sending pace.
//!
//! `cargo run --release -p wabot-bench` (it builds `wabot` first). Optional arguments:
//! `ack RATE SECONDS`, `reply RATE SECONDS`, `pace RATE SECONDS MPS` to run one scenario,
//! `burst COUNT IN_FLIGHT` for a closed-loop burst with pacing lifted (`burst.rs`), `floor RATE
//! SECONDS` for the cost of the acknowledgement alone (`floor.rs`),
//! `campaign RECIPIENTS CAMPAIGN_MPS RATE SECONDS` for the replies to new customers while a campaign
//! runs (`campaign.rs`), and `disk SECONDS` to measure the disk's own sync latency (the floor of every
//! ack). With any scenario: `--graph-ms MS` for a fake Graph API that answers each send after MS
//! milliseconds (Meta takes 100–400), `--database URL` to run the server on that database (e.g. a
//! PostgreSQL cluster) instead of a fresh SQLite file, and `--mps N` to pace the server at N
//! messages per second instead of the scenario's own (at exactly the arrival rate, the read
//! receipts' share of the tokens makes the replies queue), and with `burst` on PostgreSQL
//! `--instances N` to run N servers on the one database, the webhooks spread over them in turn,
//! and `--returning` to have the burst's customers write once before the measured wave (known
//! contacts, as most of a live number's traffic). Every scenario but `campaign` prints the server's
//! CPU time per answered message and its peak memory.
#![allow(clippy::print_stdout)]

mod burst;
mod campaign;
mod disk;
mod drive;
mod floor;
mod graph;
mod options;
mod process;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use crate::drive::{Sent, drive, percentile};
use crate::graph::Arrivals;
pub(crate) use crate::options::Options;

pub(crate) const SECRET: &str = "bench-app-secret";

/// The `wabot` binary beside this one (both in the release target folder), built if needed.
fn wabot_binary() -> anyhow::Result<PathBuf> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let status = Command::new(cargo)
        .args([
            "build",
            "--release",
            "-q",
            "-p",
            "wabot-server",
            "--bin",
            "wabot",
        ])
        .status()
        .context("run cargo build")?;
    if !status.success() {
        bail!("building wabot failed");
    }
    let exe = std::env::current_exe()?;
    let binary = exe.with_file_name("wabot");
    if !binary.is_file() {
        bail!("no wabot binary at {}", binary.display());
    }
    Ok(binary)
}

pub(crate) struct Server {
    child: Child,
    pub(crate) base: String,
    dir: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The setting that runs the server on `database` (`--database`); none for a fresh SQLite file.
pub(crate) fn database_env(database: Option<&str>) -> Vec<(&'static str, &str)> {
    database
        .map(|url| ("WABOT__DATABASE__URL", url))
        .into_iter()
        .collect()
}

/// Starts `wabot serve` against the fake Graph API at `graph`, paced at `mps`, with more settings
/// in `env`.
pub(crate) fn start(
    binary: &Path,
    graph: &str,
    mps: u32,
    env: &[(&str, &str)],
) -> anyhow::Result<Server> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let dir = std::env::temp_dir().join(format!("wabot_bench_{}_{port}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let child = Command::new(binary)
        .arg("serve")
        .current_dir(repo)
        .env("WABOT__SERVER__BIND", format!("127.0.0.1:{port}"))
        .env(
            "WABOT__DATABASE__URL",
            format!("sqlite://{}", dir.join("bench.db").display()),
        )
        .env("WABOT__META__API_BASE_URL", graph)
        .env("WABOT__META__ACCESS_TOKEN", "bench-token")
        .env("WABOT__META__PHONE_NUMBER_ID", "PN1")
        .env("WABOT__META__APP_SECRET", SECRET)
        .env("WABOT__META__VERIFY_TOKEN", "bench-verify")
        .env("WABOT__META__MESSAGES_PER_SECOND", mps.to_string())
        .env("RUST_LOG", "warn")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()?;
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if started.elapsed() > Duration::from_secs(20) {
            bail!("wabot did not start");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok(Server {
        child,
        base: format!("http://127.0.0.1:{port}"),
        dir,
    })
}

/// Waits until `count` replies arrived (or `limit` passed).
pub(crate) async fn settle(arrivals: &Arrivals, count: usize, limit: Duration) {
    let started = Instant::now();
    while arrivals.total() < count && started.elapsed() < limit {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Waits until `count` of the customers of `sent` got a reply (or `limit` passed). Replies to
/// anyone else (a database reused from an earlier run may still send that run's last replies, taken
/// over when their leases ran out) do not count.
pub(crate) async fn settle_answered(
    sent: &[Sent],
    arrivals: &Arrivals,
    count: usize,
    limit: Duration,
) {
    let started = Instant::now();
    while answered(sent, arrivals) < count && started.elapsed() < limit {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Prints `label`, how many of `total` were measured, and the percentiles of `durations`.
fn report(label: &str, verb: &str, mut durations: Vec<Duration>, total: usize) {
    durations.sort();
    let p = |q| percentile(&durations, q);
    println!(
        "  {label}: {} of {total} {verb}; p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        durations.len(),
        p(50.0),
        p(90.0),
        p(99.0),
        p(100.0)
    );
}

pub(crate) fn report_acks(sent: &[Sent]) {
    let acks = sent
        .iter()
        .filter_map(|s| s.ack.as_ref().ok().copied())
        .collect();
    report("ack latency", "acknowledged", acks, sent.len());
    let mut failures = std::collections::BTreeMap::new();
    for failure in sent.iter().filter_map(|s| s.ack.as_ref().err()) {
        *failures.entry(failure.as_str()).or_insert(0) += 1;
    }
    for (failure, count) in failures {
        println!("  not acknowledged: {count} × {failure}");
    }
}

pub(crate) fn report_replies(sent: &[Sent], arrivals: &Arrivals) {
    let map = arrivals
        .by_recipient
        .lock()
        .map(|m| m.clone())
        .unwrap_or_default();
    let first_reply = |s: &Sent| {
        map.get(&s.from)
            .and_then(|times| times.first())
            .map(|t| t.duration_since(s.at))
    };
    let latencies = sent.iter().filter_map(first_reply).collect();
    report(
        "reply latency (webhook sent -> reply received)",
        "answered",
        latencies,
        sent.len(),
    );
}

/// The most replies that arrived within any one-second window.
fn busiest_second(mut times: Vec<Instant>) -> usize {
    times.sort();
    let mut best = 0;
    let mut start = 0;
    for end in 0..times.len() {
        while times[end].duration_since(times[start]) >= Duration::from_secs(1) {
            start += 1;
        }
        best = best.max(end - start + 1);
    }
    best
}

/// One scenario's parameters.
#[derive(Clone, Copy)]
struct Load {
    /// Webhooks per second.
    rate: u32,
    /// For how long.
    seconds: u32,
    /// The server's pace (`meta.messages_per_second`).
    mps: u32,
    /// How long the fake Graph API takes to answer a send.
    graph_latency: Duration,
}

async fn scenario(
    binary: &Path,
    name: &str,
    load: Load,
    database: Option<&str>,
) -> anyhow::Result<()> {
    let Load {
        rate,
        seconds,
        mps,
        graph_latency,
    } = load;
    let arrivals = Arc::new(Arrivals::default());
    let graph = graph::start(Arc::clone(&arrivals), graph_latency)?;
    let database = database_env(database);
    let server = start(binary, &graph, mps, &database)?;
    let before = process::usage(server.child.id());
    let on_postgres = !database.is_empty();
    let database_before = on_postgres.then(process::database_cpu).flatten();
    println!(
        "{name}: {rate} webhooks/s for {seconds} s, one new conversation each (\"hi\" -> the main menu), pace {mps} msg/s, Graph API latency {} ms",
        graph_latency.as_millis()
    );
    let sent = drive(
        &server.base,
        SECRET,
        (rate, seconds),
        &run_tag(name),
        drive::webhook,
    )
    .await;
    let expected = sent.iter().filter(|s| s.ack.is_ok()).count();
    let patience =
        Duration::from_secs(u64::from(seconds) + 5 + (expected as u64) / u64::from(mps.max(1)));
    settle_answered(&sent, &arrivals, expected, patience).await;
    let after = process::usage(server.child.id());
    let database_after = on_postgres.then(process::database_cpu).flatten();
    report_acks(&sent);
    report_replies(&sent, &arrivals);
    let replies = answered(&sent, &arrivals);
    process::report(before, after, replies);
    process::report_database(database_before, database_after, replies);
    let times = arrivals.all();
    println!(
        "  pace: busiest one-second window {} replies (configured {mps}/s); sustained {:.1} replies/s; {} read receipts",
        busiest_second(times.clone()),
        sustained(times),
        arrivals.receipts.load(std::sync::atomic::Ordering::Relaxed)
    );
    drop(server);
    Ok(())
}

/// When each customer of `sent` got a first reply (those answered).
pub(crate) fn first_replies(sent: &[Sent], arrivals: &Arrivals) -> Vec<Instant> {
    let map = arrivals.by_recipient.lock();
    map.map(|map| {
        sent.iter()
            .filter_map(|s| map.get(&s.from).and_then(|times| times.first().copied()))
            .collect()
    })
    .unwrap_or_default()
}

/// How many of `sent` got at least one reply.
pub(crate) fn answered(sent: &[Sent], arrivals: &Arrivals) -> usize {
    let map = arrivals.by_recipient.lock();
    map.map(|map| sent.iter().filter(|s| map.contains_key(&s.from)).count())
        .unwrap_or(0)
}

/// A tag for this run's senders and message ids: the scenario's name for a fresh SQLite file, and
/// digits unique to this run when a database is reused (its earlier contacts would not be new, and
/// its earlier message ids would be dropped as duplicates).
fn run_tag(name: &str) -> String {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs());
    format!("{}{:05}", &name[..1], seconds % 100_000)
}

/// Replies per second from the first to the last (the rate the sender kept up while it had work).
fn sustained(mut times: Vec<Instant>) -> f64 {
    times.sort();
    match (times.first(), times.last()) {
        (Some(first), Some(last)) if times.len() > 1 => {
            (times.len() - 1) as f64 / last.duration_since(*first).as_secs_f64()
        }
        _ => 0.0,
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let options = options::parse(&mut args)?;
    let graph_latency = options.graph_latency;
    let database = options.database.as_deref();
    let number = |index: usize, default: u32| {
        args.get(index)
            .and_then(|a| a.parse().ok())
            .unwrap_or(default)
    };
    if args.first().map(String::as_str) == Some("disk") {
        return disk::probe(number(1, 20));
    }
    let binary = wabot_binary()?;
    let pace = options.mps;
    let load = |rate, seconds, mps| Load {
        rate,
        seconds,
        mps: pace.unwrap_or(mps),
        graph_latency,
    };
    match args.first().map(String::as_str) {
        Some("ack") => {
            let ack = load(number(1, 1000), number(2, 10), 1000);
            scenario(&binary, "ack", ack, database).await
        }
        Some("reply") => {
            let reply = load(number(1, 500), number(2, 10), 1000);
            scenario(&binary, "reply", reply, database).await
        }
        Some("pace") => {
            let pace = load(number(1, 200), number(2, 2), number(3, 50));
            scenario(&binary, "pace", pace, database).await
        }
        Some("floor") => floor::scenario(&binary, (number(1, 300), number(2, 10)), database).await,
        Some("burst") => {
            let (count, in_flight) = (number(1, 20_000), number(2, 64));
            burst::scenario(&binary, count as usize, in_flight as usize, &options).await
        }
        Some("campaign") => {
            let load = campaign::CampaignLoad {
                recipients: number(1, 2000),
                campaign_mps: number(2, 200),
                rate: number(3, 20),
                seconds: number(4, 8),
                graph_latency,
            };
            campaign::scenario(&binary, load).await
        }
        Some(other) => {
            bail!(
                "unknown scenario `{other}`: use ack, reply, pace, floor, burst, campaign or disk"
            )
        }
        None => {
            scenario(&binary, "ack", load(1000, 10, 1000), database).await?;
            scenario(&binary, "reply", load(500, 10, 1000), database).await?;
            scenario(&binary, "pace", load(200, 2, 50), database).await?;
            burst::scenario(&binary, 20_000, 64, &options).await
        }
    }
}
