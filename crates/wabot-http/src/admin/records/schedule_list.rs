//! `GET /api/schedule?customer=…`: a customer's schedule entries in time order (see
//! `orders_list` for which are the customer's).

use actix_web::{HttpResponse, web};
use serde::Serialize;
use utoipa::ToSchema;
use wabot_app::BusinessRecords;

use crate::admin::records::{CustomerQuery, ScheduleEntryView};
use crate::admin::state::AdminState;
use crate::admin::views::ErrorBody;
use crate::error::ApiError;

/// A customer's schedule entries.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScheduleList {
    /// In time order.
    pub entries: Vec<ScheduleEntryView>,
}

/// Lists a customer's schedule entries.
#[utoipa::path(
    get,
    path = "/api/schedule",
    tag = "business data",
    params(CustomerQuery),
    responses(
        (status = 200, description = "The customer's entries", body = ScheduleList),
        (status = 401, description = "Missing or wrong bearer token", body = ErrorBody),
        (status = 422, description = "`customer` is missing or not a number or user id, or `limit` is bad", body = ErrorBody),
        (status = 503, description = "The database is unavailable", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn list_schedule<S: BusinessRecords + 'static>(
    state: web::Data<AdminState<S>>,
    query: web::Query<CustomerQuery>,
) -> Result<HttpResponse, ApiError> {
    let (customer, limit) = query.checked()?;
    let entries = state
        .store
        .customer_schedule(&customer, limit)
        .await
        .map_err(ApiError::from_store)?;
    Ok(HttpResponse::Ok().json(ScheduleList {
        entries: entries.into_iter().map(ScheduleEntryView::from).collect(),
    }))
}
