//! The burst scenario: `count` first messages from as many new customers, kept `in_flight` at a
//! time (closed loop: a webhook goes as soon as one is acknowledged), as after an outage when Meta
//! redelivers its backlog at once. It measures how fast the server acknowledges and answers them.
//! With `--returning` the same customers first write once, unmeasured, so the measured wave comes
//! from known contacts.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::Mutex;
use wabot_cloud_api::sign;

use crate::drive::{Sent, webhook, webhook_client};
use crate::graph::{self, Arrivals};
use crate::{
    Options, SECRET, answered, database_env, first_replies, process, report_acks, report_replies,
    run_tag, settle_answered, start,
};

/// Sends `count` webhooks (made and signed before the clock starts) with `in_flight` requests open
/// at any time, spread in turn over the servers at `bases`; returns every send and when the first
/// one left. The customers are named by `tag`, the messages by `tag` and `wave`.
pub async fn burst(
    bases: &[String],
    secret: &str,
    count: usize,
    in_flight: usize,
    (tag, wave): (&str, &str),
) -> (Vec<Sent>, Instant) {
    let client = webhook_client(in_flight.max(1));
    let requests: Arc<Vec<(String, String, String)>> = Arc::new(
        (0..count)
            .map(|n| {
                let from = format!("1{tag}{n:07}");
                let body = webhook(&from, &format!("wamid.{tag}.{wave}{n}"));
                let signature = sign(secret.as_bytes(), body.as_bytes());
                (from, body, signature)
            })
            .collect(),
    );
    let urls: Arc<Vec<String>> =
        Arc::new(bases.iter().map(|base| format!("{base}/webhook")).collect());
    let next = Arc::new(AtomicUsize::new(0));
    let results = Arc::new(Mutex::new(Vec::with_capacity(count)));
    let started = Instant::now();
    let lanes: Vec<_> = (0..in_flight.max(1))
        .map(|_| {
            let (client, urls, next) = (client.clone(), Arc::clone(&urls), Arc::clone(&next));
            let (requests, results) = (Arc::clone(&requests), Arc::clone(&results));
            tokio::spawn(async move {
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    let (Some((from, body, signature)), Some(url)) =
                        (requests.get(n), urls.get(n % urls.len().max(1)))
                    else {
                        break;
                    };
                    let at = Instant::now();
                    let response = client
                        .post(url)
                        .header("X-Hub-Signature-256", signature)
                        .header("Content-Type", "application/json")
                        .body(body.clone())
                        .timeout(Duration::from_secs(30))
                        .send()
                        .await;
                    let ack = match response {
                        Ok(r) if r.status().as_u16() == 200 => Ok(at.elapsed()),
                        Ok(r) => Err(format!("status {}", r.status().as_u16())),
                        Err(error) if error.is_timeout() => Err("timed out".to_owned()),
                        Err(error) => Err(format!("request failed: {}", causes(&error))),
                    };
                    let from = from.clone();
                    results.lock().await.push(Sent { from, at, ack });
                }
            })
        })
        .collect();
    for lane in lanes {
        let _ = lane.await;
    }
    let sent = std::mem::take(&mut *results.lock().await);
    (sent, started)
}

/// Messages per second between `started` and the latest of `times`.
pub fn rate(count: usize, started: Instant, times: impl IntoIterator<Item = Instant>) -> f64 {
    let last = times.into_iter().max().unwrap_or(started);
    let seconds = last.duration_since(started).as_secs_f64();
    if seconds > 0.0 {
        count as f64 / seconds
    } else {
        0.0
    }
}

/// The burst scenario: `count` first messages, `in_flight` at a time, pacing lifted.
pub async fn scenario(
    binary: &Path,
    count: usize,
    in_flight: usize,
    options: &Options,
) -> anyhow::Result<()> {
    let arrivals = Arc::new(Arrivals::default());
    let graph = graph::start(Arc::clone(&arrivals), options.graph_latency)?;
    let database = database_env(options.database.as_deref());
    let instances = options.instances.max(1);
    if instances > 1 && database.is_empty() {
        anyhow::bail!(
            "--instances needs --database: several servers share one PostgreSQL database"
        );
    }
    let servers = (0..instances)
        .map(|_| start(binary, &graph, 1_000_000, &database))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let pids: Vec<u32> = servers.iter().map(|server| server.child.id()).collect();
    let bases: Vec<String> = servers.iter().map(|server| server.base.clone()).collect();
    let who = match options.returning {
        true => "messages from known customers (each wrote once before)",
        false => "first messages from new customers",
    };
    println!(
        "burst: {count} {who}, {in_flight} in flight, pacing lifted, Graph API latency {} ms, {instances} instance(s)",
        options.graph_latency.as_millis()
    );
    let tag = run_tag("9");
    if options.returning {
        let (sent, _) = burst(&bases, SECRET, count, in_flight, (&tag, "first")).await;
        let acked = sent.iter().filter(|s| s.ack.is_ok()).count();
        let wait = Duration::from_secs(60 + acked as u64 / 100);
        settle_answered(&sent, &arrivals, acked, wait).await;
        let replied = answered(&sent, &arrivals);
        if replied < count {
            // A late reply to this wave would pass for one to the next.
            anyhow::bail!("the first wave got {replied} replies of {count}: nothing measured");
        }
        // The read receipts go out after the replies: let them pass before the CPU is counted.
        tokio::time::sleep(Duration::from_secs(1)).await;
        println!("  first wave: {count} acknowledged and answered; now the measured wave");
        // Only the measured wave's replies count from here.
        if let Ok(mut replies) = arrivals.by_recipient.lock() {
            replies.clear();
        }
    }
    let before = process::usage_of(&pids);
    let on_postgres = options.database.is_some();
    let database_before = on_postgres.then(process::database_cpu).flatten();
    let (sent, started) = burst(&bases, SECRET, count, in_flight, (&tag, "")).await;
    let acked: Vec<Instant> = sent
        .iter()
        .filter_map(|s| s.ack.as_ref().ok().map(|ack| s.at + *ack))
        .collect();
    let expected = acked.len();
    settle_answered(
        &sent,
        &arrivals,
        expected,
        Duration::from_secs(60 + expected as u64 / 100),
    )
    .await;
    let after = process::usage_of(&pids);
    let database_after = on_postgres.then(process::database_cpu).flatten();
    report_acks(&sent);
    report_replies(&sent, &arrivals);
    let replies = answered(&sent, &arrivals);
    println!(
        "  rates: acknowledged {:.0}/s, answered {:.0}/s ({replies} of {count}; {} lost)",
        rate(expected, started, acked),
        rate(replies, started, first_replies(&sent, &arrivals)),
        count - replies
    );
    process::report(before, after, replies);
    process::report_database(database_before, database_after, replies);
    drop(servers);
    Ok(())
}

/// An error and its causes, outermost first (`reqwest` names only the outermost in its message).
fn causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
