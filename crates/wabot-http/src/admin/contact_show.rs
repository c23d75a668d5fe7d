//! `GET /api/contacts/{id}`: one contact, its 24-hour window and where its conversation stands.

use actix_web::{HttpResponse, web};
use wabot_app::{Contacts, Conversations, utc_now};

use crate::admin::state::AdminState;
use crate::admin::views::{Contact, ContactDetail, ErrorBody};
use crate::error::ApiError;

/// The contact id from the path, or a 422 naming it.
pub fn contact_id(raw: &str) -> Result<i64, ApiError> {
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| ApiError::invalid("id", "must be a contact id (a positive number)"))
}

/// Shows one contact.
#[utoipa::path(
    get,
    path = "/api/contacts/{id}",
    tag = "contacts",
    params(("id" = i64, Path, description = "The contact's id")),
    responses(
        (status = 200, description = "The contact", body = ContactDetail),
        (status = 401, description = "Missing or wrong bearer token", body = ErrorBody),
        (status = 404, description = "No such contact", body = ErrorBody),
        (status = 422, description = "The id is not a number", body = ErrorBody),
        (status = 503, description = "The database is unavailable", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn show_contact<S: Contacts + Conversations + 'static>(
    state: web::Data<AdminState<S>>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = contact_id(&id)?;
    let contact = state
        .store
        .contact(id)
        .await
        .map_err(ApiError::Unavailable)?
        .ok_or_else(|| ApiError::NotFound(format!("contact {id}")))?;
    let session = state
        .store
        .session(id)
        .await
        .map_err(ApiError::Unavailable)?;
    Ok(HttpResponse::Ok().json(ContactDetail {
        contact: Contact::new(contact, utc_now()),
        menu_node: session.as_ref().and_then(|state| state.node.clone()),
        form_field: session
            .as_ref()
            .and_then(|state| state.form.as_ref().map(|form| form.field)),
        last_activity: session.and_then(|state| state.last_activity),
    }))
}
