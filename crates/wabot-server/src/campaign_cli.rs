//! `wabot templates sync|list` and `wabot campaign create|list|status|pause|resume|cancel`: the
//! same use cases as the admin API, on the database directly (the running server's feeder picks a
//! new or resumed campaign up within a tenth of a second). `campaign status --watch` draws a live
//! progress bar on a terminal (indicatif) and prints a line every few seconds otherwise.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use chrono::{DateTime, Utc};
use clap::Subcommand;
use indicatif::{ProgressBar, ProgressStyle};
use secrecy::ExposeSecret;
use wabot_app::{
    Audience, CampaignAction, CampaignProgress, CampaignRequest, CampaignState, Campaigns,
    LaunchError, eta, launch_campaign, read_csv, utc_now,
};
use wabot_store::DieselStore;

use crate::settings::Settings;

/// `wabot templates …`.
#[derive(Debug, Subcommand)]
pub enum TemplatesCommand {
    /// Read every template of the business account (meta.waba_id) from the Graph API into the
    /// database.
    Sync,
    /// Show the stored templates with their status and parameters.
    List,
}

/// `wabot campaign …`.
#[derive(Debug, Subcommand)]
pub enum CampaignCommand {
    /// Create a campaign to the recipients of a CSV file: a phone column (`phone`, `to`, `wa_id`
    /// or `phone_number`) and a column per template parameter (`1`, `2`, `header.1`, …).
    Create {
        /// A name for operators.
        #[arg(long)]
        name: String,
        /// The synced template's name.
        #[arg(long)]
        template: String,
        /// Its language code (e.g. en_US).
        #[arg(long)]
        language: String,
        /// The CSV file of recipients.
        #[arg(long, value_name = "FILE")]
        csv: PathBuf,
        /// When to begin (RFC 3339, e.g. 2026-12-24T09:00:00Z); now if absent.
        #[arg(long, value_name = "TIME")]
        starts_at: Option<DateTime<Utc>>,
        /// Messages per second (default campaigns.messages_per_second).
        #[arg(long, value_name = "RATE")]
        rate: Option<f64>,
    },
    /// The latest campaigns.
    List,
    /// One campaign's counts and ETA.
    Status {
        /// The campaign's id.
        id: i64,
        /// Keep showing its progress until it is no longer running.
        #[arg(long)]
        watch: bool,
    },
    /// Stop feeding and take back its messages not yet claimed by a sender.
    Pause {
        /// The campaign's id.
        id: i64,
    },
    /// Feed again.
    Resume {
        /// The campaign's id.
        id: i64,
    },
    /// Stop for good: its unfed recipients get nothing.
    Cancel {
        /// The campaign's id.
        id: i64,
    },
}

async fn store(settings: &Settings) -> anyhow::Result<DieselStore> {
    Ok(DieselStore::open(settings.database.url.expose_secret(), 2).await?)
}

/// Runs `wabot templates …`; returns what to print.
pub async fn templates(settings: &Settings, command: TemplatesCommand) -> anyhow::Result<String> {
    let store = store(settings).await?;
    if let TemplatesCommand::Sync = command {
        let (client, waba_id) =
            crate::campaigns::template_client(settings).map_err(anyhow::Error::msg)?;
        let fetched = client.message_templates(&waba_id).await?;
        store.store_templates(fetched, utc_now()).await?;
    }
    let lines: Vec<String> = store
        .templates()
        .await?
        .into_iter()
        .map(|t| {
            let keys: Vec<String> = t.parameters.into_iter().map(|p| p.key).collect();
            format!(
                "{} ({}) {} {} parameters: [{}]",
                t.name,
                t.language,
                t.category,
                t.status,
                keys.join(", ")
            )
        })
        .collect();
    Ok(if lines.is_empty() {
        "no templates stored (run `wabot templates sync`)".to_owned()
    } else {
        lines.join("\n")
    })
}

/// One line about a campaign.
pub fn summary(campaign: &CampaignProgress, now: DateTime<Utc>) -> String {
    let c = &campaign.counts;
    let failed: i64 = c.failed.values().sum();
    let skipped: i64 = c.skipped.values().sum();
    let eta = eta(campaign, now).map_or_else(String::new, |at| {
        format!(", ETA {}", at.format("%H:%M:%S UTC"))
    });
    let reason = campaign
        .stop_reason
        .as_ref()
        .map_or_else(String::new, |r| format!(" ({r})"));
    format!(
        "#{} {} [{}{reason}] {}/{}: waiting {}, queued {}, sent {}, delivered {}, read {}, failed {failed} {:?}, skipped {skipped} {:?}, cancelled {}, resent after a crash {}{eta}",
        campaign.id,
        campaign.name,
        campaign.state.as_str(),
        campaign.template,
        campaign.language,
        c.waiting,
        c.queued,
        c.sent,
        c.delivered,
        c.read,
        c.failed,
        c.skipped,
        c.cancelled,
        c.resent_after_crash,
    )
}

/// Runs `wabot campaign …`; returns what to print last.
pub async fn campaign(settings: &Settings, command: CampaignCommand) -> anyhow::Result<String> {
    let store = store(settings).await?;
    let now = utc_now();
    let action = |action, id| (action, id);
    let (action, id) = match command {
        CampaignCommand::Create {
            name,
            template,
            language,
            csv,
            starts_at,
            rate,
        } => {
            let bytes =
                std::fs::read(&csv).with_context(|| format!("cannot read {}", csv.display()))?;
            let rows = read_csv(&bytes).map_err(|p| anyhow::anyhow!("{}: {p}", csv.display()))?;
            let request = CampaignRequest {
                name,
                template,
                language,
                audience: Audience::Rows(rows),
                starts_at,
                messages_per_second: rate,
            };
            let created = launch_campaign(&store, request, crate::campaigns::pace(settings), now)
                .await
                .map_err(|error| match error {
                    LaunchError::Invalid { field, message } => {
                        anyhow::anyhow!("{field}: {message}")
                    }
                    LaunchError::Store(error) => error.into(),
                })?;
            return Ok(format!("created {}", summary(&created, now)));
        }
        CampaignCommand::List => {
            let all = store.campaigns(50).await?;
            let lines: Vec<String> = all.iter().map(|c| summary(c, now)).collect();
            return Ok(if lines.is_empty() {
                "no campaigns".to_owned()
            } else {
                lines.join("\n")
            });
        }
        CampaignCommand::Status { id, watch } => {
            return if watch {
                watch_progress(&store, id).await
            } else {
                let campaign = store
                    .campaign(id)
                    .await?
                    .with_context(|| format!("no campaign {id}"))?;
                Ok(summary(&campaign, now))
            };
        }
        CampaignCommand::Pause { id } => action(CampaignAction::Pause, id),
        CampaignCommand::Resume { id } => action(CampaignAction::Resume, id),
        CampaignCommand::Cancel { id } => action(CampaignAction::Cancel, id),
    };
    let campaign = store.control_campaign(id, action, now).await?;
    Ok(summary(&campaign, now))
}

/// Recipients done with (sent or further, failed, skipped, cancelled).
fn settled(campaign: &CampaignProgress) -> u64 {
    let c = &campaign.counts;
    u64::try_from(c.total - c.waiting - c.queued).unwrap_or(0)
}

/// Shows a campaign's progress until it is no longer running: a bar on a terminal, else a line
/// every five seconds.
#[allow(clippy::print_stdout)]
async fn watch_progress(store: &DieselStore, id: i64) -> anyhow::Result<String> {
    let terminal = std::io::stdout().is_terminal();
    let mut campaign = store
        .campaign(id)
        .await?
        .with_context(|| format!("no campaign {id}"))?;
    let bar = ProgressBar::new(u64::try_from(campaign.counts.total).unwrap_or(0));
    if terminal {
        bar.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
    } else {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let mut ticks = 0u32;
    while campaign.state == CampaignState::Running || campaign.counts.queued > 0 {
        bar.set_position(settled(&campaign));
        let c = &campaign.counts;
        bar.set_message(format!(
            "sent {} delivered {} read {} failed {}",
            c.sent,
            c.delivered,
            c.read,
            c.failed.values().sum::<i64>()
        ));
        if !terminal && ticks.is_multiple_of(10) {
            println!("{}", summary(&campaign, utc_now()));
        }
        ticks = ticks.wrapping_add(1);
        tokio::time::sleep(Duration::from_millis(500)).await;
        campaign = store
            .campaign(id)
            .await?
            .with_context(|| format!("no campaign {id}"))?;
        if campaign.state == CampaignState::Paused || campaign.state == CampaignState::Stopped {
            break;
        }
    }
    bar.set_position(settled(&campaign));
    bar.finish_and_clear();
    Ok(summary(&campaign, utc_now()))
}
