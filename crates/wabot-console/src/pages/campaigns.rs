//! `GET /dashboard/campaigns` (the latest campaigns with a progress bar each), `GET
//! /dashboard/campaigns/{id}` (one campaign: its counts, failures by class, skips by reason, ETA;
//! it refreshes itself every 3 s while it runs) and `POST /dashboard/campaigns/{id}/control`
//! (administrators: pause, resume, cancel — the same use case as the admin API).

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use wabot_app::{
    CampaignAction, CampaignProgress, CampaignState, Campaigns, StoreError, eta, utc_now,
};

use crate::error::ConsoleError;
use crate::forms::CsrfForm;
use crate::guard::Viewer;
use crate::page::{Layout, html, see_other, when};
use crate::routes::CAMPAIGNS;
use crate::state::ConsoleState;

/// Campaigns the list shows.
const LATEST: i64 = 50;

/// A campaign as shown.
pub struct CampaignRow {
    id: i64,
    name: String,
    template: String,
    state: &'static str,
    stop_reason: String,
    running: bool,
    total: i64,
    /// Recipients done with: sent or further, failed, skipped, cancelled.
    settled: i64,
    percent: i64,
    sent: i64,
    delivered: i64,
    read: i64,
    waiting: i64,
    queued: i64,
    failed: Vec<(String, i64)>,
    skipped: Vec<(String, i64)>,
    failed_total: i64,
    skipped_total: i64,
    cancelled: i64,
    resent: i64,
    pace: String,
    created: String,
    starts: String,
    eta: String,
}

fn row(campaign: CampaignProgress) -> CampaignRow {
    let now = utc_now();
    let eta = eta(&campaign, now).map_or_else(|| "—".to_owned(), when);
    let c = campaign.counts;
    let settled = c.total - c.waiting - c.queued;
    let slowed = campaign.slowed_until.is_some_and(|until| until > now);
    CampaignRow {
        id: campaign.id,
        name: campaign.name,
        template: format!("{} ({})", campaign.template, campaign.language),
        state: campaign.state.as_str(),
        stop_reason: campaign.stop_reason.unwrap_or_default(),
        running: campaign.state == CampaignState::Running,
        total: c.total,
        settled,
        percent: if c.total > 0 {
            settled * 100 / c.total
        } else {
            0
        },
        sent: c.sent,
        delivered: c.delivered,
        read: c.read,
        waiting: c.waiting,
        queued: c.queued,
        failed_total: c.failed.values().sum(),
        skipped_total: c.skipped.values().sum(),
        failed: c.failed.into_iter().collect(),
        skipped: c.skipped.into_iter().collect(),
        cancelled: c.cancelled,
        resent: c.resent_after_crash,
        pace: if slowed {
            format!(
                "{}/s, halved: Meta throttled it",
                campaign.messages_per_second
            )
        } else {
            format!("{}/s", campaign.messages_per_second)
        },
        created: when(campaign.created_at),
        starts: when(campaign.starts_at),
        eta,
    }
}

#[derive(Template)]
#[template(path = "campaigns.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<CampaignRow>,
}

/// `GET /dashboard/campaigns`.
pub async fn list<S: Campaigns + 'static>(
    state: web::Data<ConsoleState<S>>,
    viewer: web::ReqData<Viewer>,
) -> Result<HttpResponse, ConsoleError> {
    let campaigns = state.store.campaigns(LATEST).await?;
    html(&ListPage {
        layout: Layout::new(&viewer, "Campaigns", "campaigns"),
        rows: campaigns.into_iter().map(row).collect(),
    })
}

#[derive(Template)]
#[template(path = "campaign.html")]
struct CampaignPage {
    layout: Layout,
    campaign: CampaignRow,
    done: String,
}

/// The page's query: `?done=pause` after an action.
#[derive(Deserialize)]
pub struct Done {
    #[serde(default)]
    done: String,
}

/// `GET /dashboard/campaigns/{id}`.
pub async fn show<S: Campaigns + 'static>(
    state: web::Data<ConsoleState<S>>,
    viewer: web::ReqData<Viewer>,
    id: web::Path<i64>,
    query: web::Query<Done>,
) -> Result<HttpResponse, ConsoleError> {
    let id = id.into_inner();
    let campaign = state
        .store
        .campaign(id)
        .await?
        .ok_or_else(|| ConsoleError::NotFound(format!("campaign {id}")))?;
    let done = match query.done.as_str() {
        "pause" => "Paused: nothing more is fed; messages not yet claimed were taken back.",
        "resume" => "Resumed: it carries on from the first recipient not yet fed.",
        "cancel" => "Cancelled: the recipients not yet fed get nothing.",
        _ => "",
    };
    html(&CampaignPage {
        layout: Layout::new(&viewer, format!("Campaign {}", campaign.name), "campaigns"),
        campaign: row(campaign),
        done: done.to_owned(),
    })
}

/// The action form.
#[derive(Deserialize)]
pub struct ActionForm {
    action: String,
}

/// `POST /dashboard/campaigns/{id}/control` (administrators only: the guard's rule).
pub async fn control<S: Campaigns + 'static>(
    state: web::Data<ConsoleState<S>>,
    id: web::Path<i64>,
    form: CsrfForm<ActionForm>,
) -> Result<HttpResponse, ConsoleError> {
    let id = id.into_inner();
    let action = match form.fields.action.as_str() {
        "pause" => CampaignAction::Pause,
        "resume" => CampaignAction::Resume,
        "cancel" => CampaignAction::Cancel,
        other => {
            return Err(ConsoleError::BadRequest(format!(
                "`{other}` is not an action."
            )));
        }
    };
    match state.store.control_campaign(id, action, utc_now()).await {
        Ok(_) => {}
        Err(StoreError::Conflict(why)) => return Err(ConsoleError::BadRequest(format!("{why}."))),
        Err(StoreError::NotFound(what)) => return Err(ConsoleError::NotFound(what)),
        Err(error) => return Err(error.into()),
    }
    (state.wake_senders)();
    Ok(see_other(&format!(
        "{CAMPAIGNS}/{id}?done={}",
        form.fields.action
    )))
}
