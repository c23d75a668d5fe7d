//! `GET /api/handoffs`: the open handoffs — waiting ones first, longest waiting first, then the
//! claimed ones.

use actix_web::{HttpResponse, web};
use serde::Serialize;
use utoipa::ToSchema;
use wabot_app::{Handoffs, utc_now};

use crate::admin::handoffs::{HandoffView, store_error};
use crate::admin::state::AdminState;
use crate::admin::views::ErrorBody;
use crate::error::ApiError;

/// The open handoffs.
#[derive(Debug, Serialize, ToSchema)]
pub struct HandoffList {
    /// Waiting first (longest waiting first), then claimed.
    pub handoffs: Vec<HandoffView>,
}

/// Lists the open handoffs.
#[utoipa::path(
    get,
    path = "/api/handoffs",
    tag = "handoffs",
    responses(
        (status = 200, description = "The open handoffs", body = HandoffList),
        (status = 401, description = "Missing or wrong bearer token", body = ErrorBody),
        (status = 503, description = "The database is unavailable", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn list_handoffs<S: Handoffs + 'static>(
    state: web::Data<AdminState<S>>,
) -> Result<HttpResponse, ApiError> {
    let now = utc_now();
    let open = state.store.open_handoffs().await.map_err(store_error)?;
    Ok(HttpResponse::Ok().json(HandoffList {
        handoffs: open.into_iter().map(|h| HandoffView::new(h, now)).collect(),
    }))
}
