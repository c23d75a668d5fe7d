//! `GET /dashboard/conversations/{id}`: a conversation as the customer saw it, oldest first, in
//! pages of 200 messages.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use wabot_app::{Contacts, Page, utc_now, window_open};

use crate::bubbles::{Bubble, bubble};
use crate::error::ConsoleError;
use crate::guard::Viewer;
use crate::page::{Layout, html, shown_number};
use crate::state::ConsoleState;

/// Messages per page.
const PAGE: i64 = 200;

#[derive(Template)]
#[template(path = "transcript.html")]
struct TranscriptPage {
    layout: Layout,
    id: i64,
    name: String,
    number: String,
    window_open: bool,
    bubbles: Vec<Bubble>,
    next: Option<i64>,
}

/// The transcript's query: `?after=<message id>`.
#[derive(Deserialize)]
pub struct After {
    after: Option<i64>,
}

/// `GET /dashboard/conversations/{id}`.
pub async fn page<S: Contacts + 'static>(
    state: web::Data<ConsoleState<S>>,
    viewer: web::ReqData<Viewer>,
    id: web::Path<i64>,
    query: web::Query<After>,
) -> Result<HttpResponse, ConsoleError> {
    let id = id.into_inner();
    let contact = state
        .store
        .contact(id)
        .await?
        .ok_or_else(|| ConsoleError::NotFound(format!("contact {id}")))?;
    let messages = state
        .store
        .history(
            id,
            Page {
                limit: PAGE + 1,
                after: query.after,
            },
        )
        .await?;
    let more = messages.len() > usize::try_from(PAGE).unwrap_or(usize::MAX);
    let shown = &messages[..messages.len().min(usize::try_from(PAGE).unwrap_or(0))];
    let key = contact
        .ids
        .wa_id
        .as_deref()
        .or(contact.ids.user_id.as_deref());
    let name = contact
        .profile_name
        .clone()
        .unwrap_or_else(|| "(no name)".into());
    html(&TranscriptPage {
        layout: Layout::new(
            &viewer,
            format!("Conversation with {name}"),
            "conversations",
        ),
        id,
        number: shown_number(key, &viewer, state.config.agents_see_numbers),
        window_open: window_open(contact.last_inbound_at, utc_now()),
        name,
        bubbles: shown.iter().map(bubble).collect(),
        next: more.then(|| shown.last().map(|m| m.id)).flatten(),
    })
}
