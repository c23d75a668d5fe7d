//! `GET /api/orders/{number}`: one order, whoever's it is.

use actix_web::{HttpResponse, web};
use wabot_app::BusinessRecords;

use crate::admin::records::{OrderView, order_key};
use crate::admin::state::AdminState;
use crate::admin::views::ErrorBody;
use crate::error::ApiError;

/// Shows an order.
#[utoipa::path(
    get,
    path = "/api/orders/{number}",
    tag = "business data",
    params(("number" = String, Path, description = "The order number")),
    responses(
        (status = 200, description = "The order", body = OrderView),
        (status = 401, description = "Missing or wrong bearer token", body = ErrorBody),
        (status = 404, description = "No such order", body = ErrorBody),
        (status = 503, description = "The database is unavailable", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn show_order<S: BusinessRecords + 'static>(
    state: web::Data<AdminState<S>>,
    number: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let number = order_key(&state, &number)?;
    let order = state
        .store
        .stored_order(&number)
        .await
        .map_err(ApiError::from_store)?
        .ok_or_else(|| ApiError::NotFound(format!("order {number}")))?;
    Ok(HttpResponse::Ok().json(OrderView::from(order)))
}
