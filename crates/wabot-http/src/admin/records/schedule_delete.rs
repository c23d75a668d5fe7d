//! `DELETE /api/schedule/{reference}`: the entry is gone.

use actix_web::{HttpResponse, web};
use wabot_app::BusinessRecords;

use crate::admin::state::AdminState;
use crate::admin::views::ErrorBody;
use crate::error::ApiError;

/// Deletes a schedule entry.
#[utoipa::path(
    delete,
    path = "/api/schedule/{reference}",
    tag = "business data",
    params(("reference" = String, Path, description = "The entry's reference")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Missing or wrong bearer token", body = ErrorBody),
        (status = 404, description = "No such entry", body = ErrorBody),
        (status = 503, description = "The database is unavailable", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn delete_schedule_entry<S: BusinessRecords + 'static>(
    state: web::Data<AdminState<S>>,
    reference: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    if state
        .store
        .delete_schedule_entry(&reference)
        .await
        .map_err(ApiError::from_store)?
    {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(ApiError::NotFound(format!("schedule entry {reference}")))
    }
}
