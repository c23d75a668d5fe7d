//! `GET /api/contacts`: every contact, by id, a page at a time.

use actix_web::{HttpResponse, web};
use wabot_app::{Contacts, utc_now};

use crate::admin::paging::{Paging, split};
use crate::admin::state::AdminState;
use crate::admin::views::{Contact, ContactPage, ErrorBody};
use crate::error::ApiError;

/// Lists contacts.
#[utoipa::path(
    get,
    path = "/api/contacts",
    tag = "contacts",
    params(Paging),
    responses(
        (status = 200, description = "A page of contacts", body = ContactPage),
        (status = 401, description = "Missing or wrong bearer token", body = ErrorBody),
        (status = 422, description = "Bad limit or cursor", body = ErrorBody),
        (status = 503, description = "The database is unavailable", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn list_contacts<S: Contacts + 'static>(
    state: web::Data<AdminState<S>>,
    paging: web::Query<Paging>,
) -> Result<HttpResponse, ApiError> {
    let page = paging.page()?;
    let rows = state
        .store
        .list_contacts(page)
        .await
        .map_err(ApiError::Unavailable)?;
    let (rows, next_cursor) = split(rows, page, |contact| contact.id);
    let now = utc_now();
    Ok(HttpResponse::Ok().json(ContactPage {
        items: rows
            .into_iter()
            .map(|contact| Contact::new(contact, now))
            .collect(),
        next_cursor,
    }))
}
