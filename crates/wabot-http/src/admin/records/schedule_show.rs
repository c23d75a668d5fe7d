//! `GET /api/schedule/{reference}`: one schedule entry.

use actix_web::{HttpResponse, web};
use wabot_app::BusinessRecords;

use crate::admin::records::ScheduleEntryView;
use crate::admin::state::AdminState;
use crate::admin::views::ErrorBody;
use crate::error::ApiError;

/// Shows a schedule entry.
#[utoipa::path(
    get,
    path = "/api/schedule/{reference}",
    tag = "business data",
    params(("reference" = String, Path, description = "The entry's reference")),
    responses(
        (status = 200, description = "The entry", body = ScheduleEntryView),
        (status = 401, description = "Missing or wrong bearer token", body = ErrorBody),
        (status = 404, description = "No such entry", body = ErrorBody),
        (status = 503, description = "The database is unavailable", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn show_schedule_entry<S: BusinessRecords + 'static>(
    state: web::Data<AdminState<S>>,
    reference: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let entry = state
        .store
        .stored_schedule_entry(&reference)
        .await
        .map_err(ApiError::from_store)?
        .ok_or_else(|| ApiError::NotFound(format!("schedule entry {reference}")))?;
    Ok(HttpResponse::Ok().json(ScheduleEntryView::from(entry)))
}
