//! The `campaign` scenario: a campaign to RECIPIENTS numbers at CAMPAIGN_MPS while new customers
//! write at RATE webhooks/s for SECONDS (each "hi" → the main menu), on a number paced at 250
//! msg/s: the customers' reply latency while the campaign runs, and the campaign's own pace.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use crate::drive::drive;
use crate::graph::Arrivals;
use crate::{SECRET, report_acks, report_replies, settle, start};

/// The admin token the scenario's server takes.
const ADMIN: &str = "bench-admin-token-0123456789";

/// The scenario's parameters.
pub struct CampaignLoad {
    pub recipients: u32,
    pub campaign_mps: u32,
    pub rate: u32,
    pub seconds: u32,
    pub graph_latency: Duration,
}

pub async fn scenario(binary: &Path, load: CampaignLoad) -> anyhow::Result<()> {
    let arrivals = Arc::new(Arrivals::default());
    let graph = crate::graph::start(Arc::clone(&arrivals), load.graph_latency)?;
    let max = load.campaign_mps.to_string();
    let env = [
        ("WABOT__META__WABA_ID", "WABA1"),
        ("WABOT__ADMIN__API_TOKEN", ADMIN),
        ("WABOT__CAMPAIGNS__MAX_MESSAGES_PER_SECOND", max.as_str()),
    ];
    let server = start(binary, &graph, 250, &env)?;
    println!(
        "campaign: {} recipients at {}/s while {} new customers/s write for {} s (\"hi\" -> the main menu), pace 250 msg/s, Graph API latency {} ms",
        load.recipients,
        load.campaign_mps,
        load.rate,
        load.seconds,
        load.graph_latency.as_millis()
    );
    let client = reqwest::Client::new();
    let synced = client
        .post(format!("{}/api/templates/sync", server.base))
        .bearer_auth(ADMIN)
        .send()
        .await?;
    if !synced.status().is_success() {
        bail!("the template sync failed: {}", synced.text().await?);
    }
    let mut csv = String::from("phone,1,2\n");
    for n in 0..load.recipients {
        csv.push_str(&format!("1555{n:07},Customer {n},FALL25\n"));
    }
    let started = Instant::now();
    let created = client
        .post(format!(
            "{}/api/campaigns?name=Bench&template=fall_sale&language=en_US&messages_per_second={}",
            server.base, load.campaign_mps
        ))
        .bearer_auth(ADMIN)
        .header("Content-Type", "text/csv")
        .body(csv)
        .send()
        .await?;
    if !created.status().is_success() {
        bail!("the campaign was refused: {}", created.text().await?);
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let sent = drive(
        &server.base,
        SECRET,
        (load.rate, load.seconds),
        "9",
        crate::drive::webhook,
    )
    .await;
    let expected = sent.iter().filter(|s| s.ack.is_ok()).count() + load.recipients as usize;
    let patience = Duration::from_secs(
        u64::from(load.seconds) + 10 + u64::from(load.recipients / load.campaign_mps.max(1)),
    );
    settle(&arrivals, expected, patience).await;
    let campaign_took = started.elapsed();
    report_acks(&sent);
    report_replies(&sent, &arrivals);
    let templates = arrivals
        .by_recipient
        .lock()
        .map(|map| map.keys().filter(|to| to.starts_with("1555")).count())
        .ok()
        .context("the arrivals")?;
    println!(
        "  campaign: {templates} of {} recipients reached in {:.1} s ({:.0}/s)",
        load.recipients,
        campaign_took.as_secs_f64(),
        f64::from(load.recipients) / campaign_took.as_secs_f64()
    );
    drop(server);
    Ok(())
}
