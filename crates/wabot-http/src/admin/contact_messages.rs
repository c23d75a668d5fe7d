//! `GET /api/contacts/{id}/messages`: a contact's messages in both directions, oldest first, each
//! with its status history and error.

use actix_web::{HttpResponse, web};
use wabot_app::Contacts;

use crate::admin::contact_show::{CONTACT_ID_DOC, find};
use crate::admin::paging::{Paging, split};
use crate::admin::state::AdminState;
use crate::admin::views::{ErrorBody, Message, MessagePage};
use crate::error::ApiError;

/// Lists a contact's messages.
#[utoipa::path(
    get,
    path = "/api/contacts/{id}/messages",
    tag = "contacts",
    params(("id" = String, Path, description = CONTACT_ID_DOC), Paging),
    responses(
        (status = 200, description = "A page of messages", body = MessagePage),
        (status = 401, description = "Missing or wrong bearer token", body = ErrorBody),
        (status = 404, description = "No such contact", body = ErrorBody),
        (status = 422, description = "Bad id, limit or cursor", body = ErrorBody),
        (status = 503, description = "The database is unavailable", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn contact_messages<S: Contacts + 'static>(
    state: web::Data<AdminState<S>>,
    id: web::Path<String>,
    paging: web::Query<Paging>,
) -> Result<HttpResponse, ApiError> {
    let page = paging.page()?;
    let contact = find(&state.store, &id).await?;
    let rows = state
        .store
        .history(contact.id, page)
        .await
        .map_err(ApiError::Unavailable)?;
    let (rows, next_cursor) = split(rows, page, |message| message.id);
    Ok(HttpResponse::Ok().json(MessagePage {
        items: rows.into_iter().map(Message::from).collect(),
        next_cursor,
    }))
}
