//! `GET /dashboard/tickets` (by status, newest first, paged), `GET /dashboard/tickets/{id}` (the
//! ticket, its order and history) and `POST /dashboard/tickets/{id}/status` (an operator moves it
//! among the engine's ticket states; the history keeps who and why).

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use wabot_app::{
    MediaJobs, MediaState, NotNotified, TicketDesk, TicketDetail, TicketMedia, TicketSummary,
    TicketUpdate, TicketUpdates, utc_now,
};
use wabot_engine::TicketStatus;

use crate::error::ConsoleError;
use crate::forms::CsrfForm;
use crate::guard::Viewer;
use crate::page::{Layout, html, see_other, shown_number, when};
use crate::routes::TICKETS;
use crate::state::ConsoleState;

/// Tickets per page.
const PAGE: i64 = 50;

/// The statuses in their order, with the names operators read.
fn statuses() -> Vec<(&'static str, &'static str)> {
    TicketStatus::ALL
        .iter()
        .map(|s| (s.as_str(), s.label()))
        .collect()
}

/// A ticket row as shown.
pub struct TicketRow {
    id: i64,
    reference: String,
    customer: String,
    order: String,
    description: String,
    status: &'static str,
    opened: String,
}

fn ticket_row(ticket: &TicketSummary, viewer: &Viewer, see: bool) -> TicketRow {
    let mut description: String = ticket.description.chars().take(80).collect();
    if ticket.description.chars().count() > 80 {
        description.push('…');
    }
    TicketRow {
        id: ticket.id,
        reference: ticket.reference.clone(),
        customer: shown_number(Some(&ticket.customer), viewer, see),
        order: ticket.order_number.clone().unwrap_or_else(|| "—".into()),
        description,
        status: ticket.status.label(),
        opened: when(ticket.opened_at),
    }
}

#[derive(Template)]
#[template(path = "tickets.html")]
struct ListPage {
    layout: Layout,
    status: String,
    counts: Vec<(&'static str, &'static str, i64)>,
    total: i64,
    rows: Vec<TicketRow>,
    next: Option<i64>,
}

/// The list's query: `?status=open&before=<id>`.
#[derive(Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    status: String,
    before: Option<i64>,
}

/// `GET /dashboard/tickets`.
pub async fn list<S: TicketDesk + 'static>(
    state: web::Data<ConsoleState<S>>,
    viewer: web::ReqData<Viewer>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ConsoleError> {
    let status = TicketStatus::parse(&query.status);
    let found = state.store.tickets(status, query.before, PAGE + 1).await?;
    let counted = state.store.ticket_counts().await?;
    let counts = statuses()
        .into_iter()
        .map(|(name, label)| {
            let n = counted
                .iter()
                .find(|(s, _)| s.as_str() == name)
                .map_or(0, |(_, n)| *n);
            (name, label, n)
        })
        .collect::<Vec<_>>();
    let more = found.len() > usize::try_from(PAGE).unwrap_or(usize::MAX);
    let page = &found[..found.len().min(usize::try_from(PAGE).unwrap_or(0))];
    let see = state.config.agents_see_numbers;
    html(&ListPage {
        layout: Layout::new(&viewer, "Tickets", "tickets"),
        status: status.map_or_else(String::new, |s| s.as_str().to_owned()),
        total: counts.iter().map(|(_, _, n)| n).sum(),
        counts,
        rows: page.iter().map(|t| ticket_row(t, &viewer, see)).collect(),
        next: more.then(|| page.last().map(|t| t.id)).flatten(),
    })
}

/// One of the ticket's files as shown: an image inline, anything else as a link; a file not
/// kept (yet) with its state and reason.
pub struct FileRow {
    n: i32,
    image: bool,
    stored: bool,
    what: String,
}

fn file_row(media: TicketMedia) -> FileRow {
    let kind = media.mime_type.clone().unwrap_or_else(|| "file".to_owned());
    let what = match media.state {
        MediaState::Stored => format!("{kind}, {} bytes", media.size.unwrap_or_default()),
        MediaState::Pending => "being downloaded".to_owned(),
        MediaState::Failed => format!(
            "not kept: {}",
            media.reason.as_deref().unwrap_or("the download failed")
        ),
    };
    FileRow {
        n: media.n,
        image: kind.starts_with("image/"),
        stored: media.state == MediaState::Stored,
        what,
    }
}

/// One history entry as shown.
pub struct HistoryRow {
    status: &'static str,
    at: String,
    note: String,
}

#[derive(Template)]
#[template(path = "ticket.html")]
struct TicketPage {
    layout: Layout,
    ticket: TicketRow,
    description: String,
    contact_id: Option<i64>,
    files: Vec<FileRow>,
    current: &'static str,
    statuses: Vec<(&'static str, &'static str)>,
    history: Vec<HistoryRow>,
    order: Option<String>,
    saved: bool,
    told: &'static str,
}

/// The ticket page's query: `?saved=1` after a change.
#[derive(Deserialize)]
pub struct Saved {
    #[serde(default)]
    saved: String,
    #[serde(default)]
    told: String,
}

/// What the customer was told about the change just saved (the `told` of the redirect).
fn told(code: &str) -> &'static str {
    match code {
        "text" => "The customer was sent a message (their 24-hour window is open).",
        "template" => "The customer was sent the update template (their 24-hour window is closed).",
        "same_status" => "The status did not change, so the customer was not told.",
        "window_closed_without_template" => {
            "The customer was not told: their 24-hour window is closed and no update template is \
             configured ([tickets] update_template)."
        }
        "no_contact" => "The customer was not told: the ticket has no WhatsApp contact.",
        "template_invalid" => {
            "The customer was not told: the configured update template could not be built."
        }
        _ => "",
    }
}

/// `GET /dashboard/tickets/{id}`.
pub async fn show<S: TicketDesk + MediaJobs + 'static>(
    state: web::Data<ConsoleState<S>>,
    viewer: web::ReqData<Viewer>,
    id: web::Path<i64>,
    query: web::Query<Saved>,
) -> Result<HttpResponse, ConsoleError> {
    let id = id.into_inner();
    let TicketDetail {
        ticket,
        history,
        order,
    } = state
        .store
        .ticket(id)
        .await?
        .ok_or_else(|| ConsoleError::NotFound(format!("ticket {id}")))?;
    let see = state.config.agents_see_numbers;
    html(&TicketPage {
        layout: Layout::new(&viewer, format!("Ticket {}", ticket.reference), "tickets"),
        ticket: ticket_row(&ticket, &viewer, see),
        description: ticket.description.clone(),
        contact_id: ticket.contact_id,
        files: state
            .store
            .ticket_media(id)
            .await?
            .into_iter()
            .map(file_row)
            .collect(),
        current: ticket.status.as_str(),
        statuses: statuses(),
        history: history
            .into_iter()
            .map(|change| HistoryRow {
                status: change.status.label(),
                at: when(change.at),
                note: change.note.unwrap_or_default(),
            })
            .collect(),
        order: order.map(|o| {
            format!(
                "{} · {} · {} · placed {}",
                o.number,
                o.status.label(),
                o.items,
                o.placed_on
            )
        }),
        saved: query.saved == "1",
        told: told(&query.told),
    })
}

/// The status form.
#[derive(Deserialize)]
pub struct StatusForm {
    status: String,
    #[serde(default)]
    note: String,
}

/// `POST /dashboard/tickets/{id}/status`.
pub async fn update<S: TicketDesk + TicketUpdates + 'static>(
    _request: HttpRequest,
    state: web::Data<ConsoleState<S>>,
    id: web::Path<i64>,
    form: CsrfForm<StatusForm>,
) -> Result<HttpResponse, ConsoleError> {
    let id = id.into_inner();
    let status = TicketStatus::parse(&form.fields.status).ok_or_else(|| {
        ConsoleError::BadRequest(format!("`{}` is not a ticket status.", form.fields.status))
    })?;
    let note = Some(form.fields.note.trim().to_owned()).filter(|n| !n.is_empty());
    let changed = state
        .ticket_mover
        .change(TicketUpdate {
            ticket_id: id,
            status,
            note,
            by: form.viewer.operator.name.clone(),
            at: utc_now(),
        })
        .await?
        .ok_or_else(|| ConsoleError::NotFound(format!("ticket {id}")))?;
    if !changed.message_ids.is_empty() {
        (state.wake_senders)();
    }
    let told = changed
        .notified
        .why()
        .map_or(changed.notified.name(), NotNotified::code);
    Ok(see_other(&format!("{TICKETS}/{id}?saved=1&told={told}")))
}
