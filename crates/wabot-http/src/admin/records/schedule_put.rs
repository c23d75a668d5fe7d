//! `PUT /api/schedule/{reference}`: creates the schedule entry (201) or replaces it (200; unchanged
//! when equal, nothing written).

use actix_web::{HttpResponse, web};
use wabot_app::{BusinessRecords, SCHEDULE_FIELDS, ScheduleFields};

use crate::admin::records::{ScheduleBody, ScheduleEntryView, fields, invalid};
use crate::admin::state::AdminState;
use crate::admin::views::ErrorBody;
use crate::error::ApiError;

/// Creates or replaces a schedule entry.
#[utoipa::path(
    put,
    path = "/api/schedule/{reference}",
    tag = "business data",
    params(("reference" = String, Path, description = "The business's key for the entry: 1–64 letters, digits or - _ . : /")),
    request_body = ScheduleBody,
    responses(
        (status = 201, description = "Created", body = ScheduleEntryView),
        (status = 200, description = "Replaced (or already equal)", body = ScheduleEntryView),
        (status = 400, description = "The body is not a JSON object", body = ErrorBody),
        (status = 401, description = "Missing or wrong bearer token", body = ErrorBody),
        (status = 422, description = "A field is missing or invalid: `field` names it", body = ErrorBody),
        (status = 503, description = "The database is unavailable", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn put_schedule_entry<S: BusinessRecords + 'static>(
    state: web::Data<AdminState<S>>,
    reference: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let fields: ScheduleFields = fields(&body, SCHEDULE_FIELDS, "reference", &reference)?;
    let record = fields.check().map_err(invalid)?;
    let reference = record.reference.clone();
    let counts = state
        .store
        .put_schedule(vec![record])
        .await
        .map_err(ApiError::from_store)?;
    let stored = state
        .store
        .stored_schedule_entry(&reference)
        .await
        .map_err(ApiError::from_store)?
        .ok_or_else(|| ApiError::NotFound(format!("schedule entry {reference}")))?;
    let mut response = if counts.created > 0 {
        HttpResponse::Created()
    } else {
        HttpResponse::Ok()
    };
    Ok(response.json(ScheduleEntryView::from(stored)))
}
