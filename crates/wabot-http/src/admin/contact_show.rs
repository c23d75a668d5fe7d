//! `GET /api/contacts/{id}`: one contact, its 24-hour window and where its conversation stands. The
//! `{id}` of every contact route is a contact id, a phone number or a user id ([`find`]).

use actix_web::{HttpResponse, web};
use wabot_app::{ContactRef, ContactSummary, Contacts, Conversations, utc_now};

use crate::admin::state::AdminState;
use crate::admin::views::{Contact, ContactDetail, ErrorBody};
use crate::error::ApiError;

/// What the `{id}` of a contact route may be.
pub const CONTACT_ID_DOC: &str = "The contact: its id, a phone number (`+15551234567`, spaces and \
    dashes allowed; a leading `+` or eight digits or more is read as one, and looked up first) or a \
    business-scoped user id (`US.1349…`)";

/// The contact the path names, or a 422 naming `id` (not a reference) or a 404 (no such contact).
pub async fn find<S: Contacts>(store: &S, raw: &str) -> Result<ContactSummary, ApiError> {
    let by = ContactRef::parse(raw).ok_or_else(|| {
        ApiError::invalid(
            "id",
            "must be a contact id, a phone number such as +15551234567, or a user id such as US.1349…",
        )
    })?;
    store
        .find_contact(by)
        .await
        .map_err(ApiError::Unavailable)?
        .ok_or_else(|| ApiError::NotFound(format!("contact {raw}")))
}

/// Shows one contact.
#[utoipa::path(
    get,
    path = "/api/contacts/{id}",
    tag = "contacts",
    params(("id" = String, Path, description = CONTACT_ID_DOC)),
    responses(
        (status = 200, description = "The contact", body = ContactDetail),
        (status = 401, description = "Missing or wrong bearer token", body = ErrorBody),
        (status = 404, description = "No such contact", body = ErrorBody),
        (status = 422, description = "The id is not a contact id, a phone number or a user id", body = ErrorBody),
        (status = 503, description = "The database is unavailable", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn show_contact<S: Contacts + Conversations + 'static>(
    state: web::Data<AdminState<S>>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let contact = find(&state.store, &id).await?;
    let session = state
        .store
        .session(contact.id)
        .await
        .map_err(ApiError::Unavailable)?;
    Ok(HttpResponse::Ok().json(ContactDetail {
        contact: Contact::new(contact, utc_now()),
        menu_node: session.as_ref().and_then(|state| state.node.clone()),
        form_field: session
            .as_ref()
            .and_then(|state| state.form.as_ref().map(|form| form.field)),
        language: session.as_ref().and_then(|state| state.language.clone()),
        language_chosen: session.as_ref().is_some_and(|state| state.language_chosen),
        last_activity: session.and_then(|state| state.last_activity),
    }))
}
