//! `PUT /api/orders/{number}`: creates the order (201) or replaces it (200; unchanged when equal,
//! nothing written). The number is normalised like customers type it (`ord 1` → `ORD-001`, with
//! the menu's `settings.order_prefix`).

use actix_web::{HttpResponse, web};
use wabot_app::{BusinessRecords, ORDER_FIELDS, OrderFields, utc_now};

use crate::admin::records::{OrderBody, OrderView, fields, invalid};
use crate::admin::state::AdminState;
use crate::admin::views::ErrorBody;
use crate::error::ApiError;

/// Creates or replaces an order.
#[utoipa::path(
    put,
    path = "/api/orders/{number}",
    tag = "business data",
    params(("number" = String, Path, description = "The order number (`ORD-001`; `ord 1` is the same)")),
    request_body = OrderBody,
    responses(
        (status = 201, description = "Created", body = OrderView),
        (status = 200, description = "Replaced (or already equal)", body = OrderView),
        (status = 400, description = "The body is not a JSON object", body = ErrorBody),
        (status = 401, description = "Missing or wrong bearer token", body = ErrorBody),
        (status = 422, description = "A field is missing or invalid: `field` names it", body = ErrorBody),
        (status = 503, description = "The database is unavailable", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn put_order<S: BusinessRecords + 'static>(
    state: web::Data<AdminState<S>>,
    number: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let fields: OrderFields = fields(&body, ORDER_FIELDS, "order_number", &number)?;
    let prefix = state.current_engine.get().menu().order_prefix().to_owned();
    let record = fields.check(&prefix).map_err(invalid)?;
    let number = record.order.number.clone();
    let today = utc_now().date_naive();
    let counts = state
        .store
        .put_orders(vec![record], today)
        .await
        .map_err(ApiError::from_store)?;
    let stored = state
        .store
        .stored_order(&number)
        .await
        .map_err(ApiError::from_store)?
        .ok_or_else(|| ApiError::NotFound(format!("order {number}")))?;
    let mut response = if counts.created > 0 {
        HttpResponse::Created()
    } else {
        HttpResponse::Ok()
    };
    Ok(response.json(OrderView::from(stored)))
}
