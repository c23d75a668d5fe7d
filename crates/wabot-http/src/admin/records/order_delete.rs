//! `DELETE /api/orders/{number}`: the order is gone (a defect ticket naming it keeps the number).

use actix_web::{HttpResponse, web};
use wabot_app::BusinessRecords;

use crate::admin::records::order_key;
use crate::admin::state::AdminState;
use crate::admin::views::ErrorBody;
use crate::error::ApiError;

/// Deletes an order.
#[utoipa::path(
    delete,
    path = "/api/orders/{number}",
    tag = "business data",
    params(("number" = String, Path, description = "The order number")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Missing or wrong bearer token", body = ErrorBody),
        (status = 404, description = "No such order", body = ErrorBody),
        (status = 503, description = "The database is unavailable", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn delete_order<S: BusinessRecords + 'static>(
    state: web::Data<AdminState<S>>,
    number: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let number = order_key(&state, &number)?;
    if state
        .store
        .delete_order(&number)
        .await
        .map_err(ApiError::from_store)?
    {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(ApiError::NotFound(format!("order {number}")))
    }
}
