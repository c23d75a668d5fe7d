//! `/dashboard/handoffs`: the queue of conversations handed to a person (refreshed every few
//! seconds by htmx), and one handoff: the conversation as the customer saw it, its events and
//! notes, and what the signed-in agent can do — take it, reply, note, transfer, close.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use wabot_app::{Claim, Contacts, HandoffState, Handoffs, Queued, StoreError, utc_now};

use crate::bubbles::{Bubble, bubble};
use crate::error::ConsoleError;
use crate::forms::CsrfForm;
use crate::guard::Viewer;
use crate::page::{Layout, duration, html, see_other, shown_number, when};
use crate::routes::HANDOFFS;
use crate::state::ConsoleState;

/// The latest messages a handoff page shows.
const SHOWN: i64 = 50;

/// A handoff as the queue shows it.
pub struct QueueRow {
    id: i64,
    name: String,
    number: String,
    state: &'static str,
    agent: String,
    waited: String,
    path: String,
    message_left: Option<String>,
    mine: bool,
}

fn state_name(state: HandoffState) -> &'static str {
    match state {
        HandoffState::Waiting => "waiting",
        HandoffState::Claimed => "with an agent",
        HandoffState::MessageLeft => "left a message",
        HandoffState::Closed => "closed",
    }
}

#[derive(Template)]
#[template(path = "handoffs.html")]
struct QueuePage {
    layout: Layout,
    rows: Vec<QueueRow>,
    opened_week: i64,
    abandoned_week: i64,
    first_reply_p50: String,
    first_reply_p95: String,
}

/// `GET /dashboard/handoffs`.
pub async fn queue<S: Handoffs + 'static>(
    state: web::Data<ConsoleState<S>>,
    viewer: web::ReqData<Viewer>,
) -> Result<HttpResponse, ConsoleError> {
    let now = utc_now();
    let see = state.config.agents_see_numbers;
    let rows = state
        .store
        .open_handoffs()
        .await?
        .into_iter()
        .map(|h| QueueRow {
            id: h.id,
            name: h
                .contact
                .profile_name
                .clone()
                .unwrap_or_else(|| "(no name)".into()),
            number: shown_number(h.contact.ids.key(), &viewer, see),
            state: state_name(h.state),
            mine: h.agent.as_deref() == Some(viewer.operator.name.as_str()),
            agent: h.agent.unwrap_or_else(|| "—".into()),
            waited: duration((now - h.opened_at).num_milliseconds()),
            path: h.menu_path.join(" → "),
            message_left: h.message_left,
        })
        .collect();
    let figures = state
        .store
        .handoff_figures(now - chrono::TimeDelta::days(7))
        .await?;
    let times = wabot_app::ResponseTimes::from_millis(figures.first_reply_ms.clone());
    let answered = !figures.first_reply_ms.is_empty();
    html(&QueuePage {
        layout: Layout::new(&viewer, "Handoffs", "handoffs"),
        rows,
        opened_week: figures.opened,
        abandoned_week: figures.abandoned,
        first_reply_p50: if answered {
            duration(times.p50_ms)
        } else {
            "—".into()
        },
        first_reply_p95: if answered {
            duration(times.p95_ms)
        } else {
            "—".into()
        },
    })
}

/// One event as shown.
pub struct EventRow {
    at: String,
    what: String,
    by: String,
    text: String,
    note: bool,
}

#[derive(Template)]
#[template(path = "handoff.html")]
struct HandoffPage {
    layout: Layout,
    id: i64,
    contact_id: i64,
    name: String,
    number: String,
    state: &'static str,
    open: bool,
    agent: Option<String>,
    mine: bool,
    waited: String,
    path: String,
    message_left: Option<String>,
    bubbles: Vec<Bubble>,
    events: Vec<EventRow>,
    notice: Option<String>,
}

/// `?done=…` after an action.
#[derive(Deserialize)]
pub struct Notice {
    done: Option<String>,
}

/// `GET /dashboard/handoffs/{id}`.
pub async fn show<S: Handoffs + Contacts + 'static>(
    state: web::Data<ConsoleState<S>>,
    viewer: web::ReqData<Viewer>,
    id: web::Path<i64>,
    notice: web::Query<Notice>,
) -> Result<HttpResponse, ConsoleError> {
    let id = id.into_inner();
    let (handoff, events) = state
        .store
        .handoff(id)
        .await?
        .ok_or_else(|| ConsoleError::NotFound(format!("handoff {id}")))?;
    let latest = state
        .store
        .latest_messages(handoff.contact.id, SHOWN)
        .await?;
    let now = utc_now();
    let until = handoff.closed_at.unwrap_or(now);
    html(&HandoffPage {
        layout: Layout::new(&viewer, "Handoff", "handoffs"),
        id,
        contact_id: handoff.contact.id,
        name: handoff
            .contact
            .profile_name
            .clone()
            .unwrap_or_else(|| "(no name)".into()),
        number: shown_number(
            handoff.contact.ids.key(),
            &viewer,
            state.config.agents_see_numbers,
        ),
        state: state_name(handoff.state),
        open: handoff.state != HandoffState::Closed,
        mine: handoff.agent.as_deref() == Some(viewer.operator.name.as_str()),
        agent: handoff.agent.clone(),
        waited: duration((until - handoff.opened_at).num_milliseconds()),
        path: handoff.menu_path.join(" → "),
        message_left: handoff.message_left.clone(),
        bubbles: latest.iter().map(bubble).collect(),
        events: events
            .into_iter()
            .map(|e| EventRow {
                at: when(e.at),
                note: e.event == "noted",
                what: e.event.replace('_', " "),
                by: e.actor.unwrap_or_else(|| "customer / system".into()),
                text: e.text.unwrap_or_default(),
            })
            .collect(),
        notice: notice.into_inner().done,
    })
}

/// An agent's action: `claim`, `reply` (with `text`), `note` (with `text`), `transfer` (with
/// `agent`) or `close`.
#[derive(Deserialize)]
pub struct Action {
    action: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    agent: String,
}

fn back(id: i64, done: &str) -> HttpResponse {
    let query = serde_urlencoded::to_string([("done", done)]).unwrap_or_default();
    see_other(&format!("{HANDOFFS}/{id}?{query}"))
}

/// `POST /dashboard/handoffs/{id}`.
pub async fn act<S: Handoffs + 'static>(
    state: web::Data<ConsoleState<S>>,
    id: web::Path<i64>,
    form: CsrfForm<Action>,
) -> Result<HttpResponse, ConsoleError> {
    let id = id.into_inner();
    let me = form.viewer.operator.name.clone();
    let Action {
        action,
        text,
        agent,
    } = form.fields;
    let (text, agent) = (text.trim().to_owned(), agent.trim().to_owned());
    let now = utc_now();
    let done = match action.as_str() {
        "claim" => match state.desk.claim(id, &me, now).await? {
            Claim::Claimed => "You have this conversation now.".to_owned(),
            Claim::TakenBy(other) => format!("{other} took it first."),
            Claim::NotOpen => "This handoff is closed.".to_owned(),
        },
        "reply" | "note" if text.is_empty() => "Write something first.".to_owned(),
        "reply" => match state.store.handoff(id).await?.map(|(handoff, _)| handoff) {
            Some(handoff) if handoff.agent.as_deref() == Some(me.as_str()) => {
                match state.desk.reply(&handoff, &me, &text, now).await {
                    Ok(Queued::Accepted { .. }) => {
                        (state.wake_senders)();
                        "Sent.".to_owned()
                    }
                    Ok(Queued::OutsideWindow { .. }) => "Not sent: the customer's 24-hour window is closed; an approved template is needed (POST /api/messages).".to_owned(),
                    Err(StoreError::NotFound(_)) => "This handoff is closed.".to_owned(),
                    Err(error) => return Err(error.into()),
                }
            }
            _ => "Not sent: take the conversation first (or transfer it to yourself).".to_owned(),
        },
        "note" => {
            if state.store.note(id, &me, &text, now).await? {
                "Note added (the customer does not see it).".to_owned()
            } else {
                return Err(ConsoleError::NotFound(format!("handoff {id}")));
            }
        }
        "transfer" if agent.is_empty() => "Name the agent to transfer to.".to_owned(),
        "transfer" => {
            if state.store.transfer(id, &agent, &me, now).await? {
                format!("Transferred to {agent}.")
            } else {
                "This handoff is closed.".to_owned()
            }
        }
        "close" => {
            if state.desk.close(id, &me, now).await? {
                (state.wake_senders)();
                "Closed: the bot has the conversation again.".to_owned()
            } else {
                "This handoff was already closed.".to_owned()
            }
        }
        other => {
            return Err(ConsoleError::BadRequest(format!(
                "`{other}` is not something an agent can do here."
            )));
        }
    };
    Ok(back(id, &done))
}
