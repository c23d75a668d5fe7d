//! `GET /dashboard/contacts/{id}`: a customer's profile, their 24-hour window, where their
//! conversation is, and how their identity changed (new numbers, a user id).

use actix_web::{HttpResponse, web};
use askama::Template;
use wabot_app::{
    ContactChangeRecord, Contacts, Conversations, ConversationsView, utc_now, window_closes_at,
    window_open,
};

use crate::error::ConsoleError;
use crate::guard::Viewer;
use crate::page::{Layout, html, shown_number, when};
use crate::state::ConsoleState;

/// One identity change as shown.
pub struct ChangeRow {
    change: String,
    old: String,
    new: String,
    at: String,
}

#[derive(Template)]
#[template(path = "contact.html")]
struct ContactPage {
    layout: Layout,
    id: i64,
    name: String,
    number: String,
    user_id: String,
    first_seen: String,
    last_seen: String,
    window: String,
    node: String,
    language: String,
    changes: Vec<ChangeRow>,
}

/// `GET /dashboard/contacts/{id}`.
pub async fn page<S: Contacts + Conversations + ConversationsView + 'static>(
    state: web::Data<ConsoleState<S>>,
    viewer: web::ReqData<Viewer>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ConsoleError> {
    let id = id.into_inner();
    let contact = state
        .store
        .contact(id)
        .await?
        .ok_or_else(|| ConsoleError::NotFound(format!("contact {id}")))?;
    // An unreadable saved state must not hide the contact: the page says so instead.
    let session = match state.store.session(id).await {
        Ok(session) => Ok(session),
        Err(error @ wabot_app::StoreError::Corrupt { .. }) => {
            tracing::warn!(contact = id, error = %error, "a contact's saved conversation is unreadable");
            Err(())
        }
        Err(error) => return Err(error.into()),
    };
    let saved = session.as_ref().ok().and_then(Option::as_ref);
    let changes = state.store.contact_changes(id).await?;
    let see = state.config.agents_see_numbers;
    let show = |value: Option<String>| shown_number(value.as_deref(), &viewer, see);
    let now = utc_now();
    let window = match (
        window_open(contact.last_inbound_at, now),
        window_closes_at(contact.last_inbound_at),
    ) {
        (true, Some(closes)) => format!("open until {}", when(closes)),
        (false, Some(closed)) => format!("closed since {} (templates only)", when(closed)),
        _ => "never opened: the customer has not written (templates only)".into(),
    };
    let changes = changes
        .into_iter()
        .map(
            |ContactChangeRecord {
                 change,
                 old_value,
                 new_value,
                 at,
             }| ChangeRow {
                change: change.replace('_', " "),
                old: show(old_value),
                new: show(new_value),
                at: when(at),
            },
        )
        .collect();
    let name = contact
        .profile_name
        .clone()
        .unwrap_or_else(|| "(no name)".into());
    html(&ContactPage {
        layout: Layout::new(&viewer, name.clone(), "contacts"),
        id,
        name,
        number: show(contact.ids.wa_id.clone()),
        user_id: show(contact.ids.user_id.clone()),
        first_seen: when(contact.first_seen_at),
        last_seen: when(contact.last_seen_at),
        window,
        language: match saved.and_then(|s| s.language.clone()) {
            Some(code) if saved.is_some_and(|s| s.language_chosen) => {
                format!("{code} (chosen by the customer)")
            }
            Some(code) => format!("{code} (by calling code, or the menu default)"),
            None => "—".into(),
        },
        node: match session {
            Ok(session) => session.and_then(|s| s.node).unwrap_or_else(|| "—".into()),
            Err(()) => "(the saved conversation could not be read; see the server log)".into(),
        },
        changes,
    })
}
