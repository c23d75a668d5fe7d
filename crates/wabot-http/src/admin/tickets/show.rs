//! `GET /api/tickets/{reference}`: one defect ticket with its history and its files.

use actix_web::{HttpResponse, web};
use wabot_app::{MediaJobs, TicketDesk};

use crate::admin::handoffs::store_error;
use crate::admin::state::AdminState;
use crate::admin::tickets::{TicketView, ticket_id};
use crate::admin::views::ErrorBody;
use crate::error::ApiError;

/// Shows a ticket.
#[utoipa::path(
    get,
    path = "/api/tickets/{reference}",
    tag = "tickets",
    params(("reference" = String, Path, description = "The ticket's reference, e.g. DEF-001")),
    responses(
        (status = 200, description = "The ticket, its history and its files", body = TicketView),
        (status = 401, description = "Missing or wrong bearer token", body = ErrorBody),
        (status = 404, description = "No ticket with this reference", body = ErrorBody),
        (status = 503, description = "The database is unavailable", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn show_ticket<S: TicketDesk + MediaJobs + 'static>(
    state: web::Data<AdminState<S>>,
    reference: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = ticket_id(&state.store, &reference).await?;
    let detail = state
        .store
        .ticket(id)
        .await
        .map_err(store_error)?
        .ok_or_else(|| ApiError::NotFound(format!("ticket {reference}")))?;
    let media = state.store.ticket_media(id).await.map_err(store_error)?;
    Ok(HttpResponse::Ok().json(TicketView::new(detail, media)))
}
