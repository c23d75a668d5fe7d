//! `GET /api/orders?customer=…`: a customer's orders, newest first — those written for any form of
//! the number (Brazil's ninth digit, Mexico's `521`) or the user id, and those of its contact.

use actix_web::{HttpResponse, web};
use serde::Serialize;
use utoipa::ToSchema;
use wabot_app::BusinessRecords;

use crate::admin::records::{CustomerQuery, OrderView};
use crate::admin::state::AdminState;
use crate::admin::views::ErrorBody;
use crate::error::ApiError;

/// A customer's orders.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderList {
    /// Newest first.
    pub orders: Vec<OrderView>,
}

/// Lists a customer's orders.
#[utoipa::path(
    get,
    path = "/api/orders",
    tag = "business data",
    params(CustomerQuery),
    responses(
        (status = 200, description = "The customer's orders", body = OrderList),
        (status = 401, description = "Missing or wrong bearer token", body = ErrorBody),
        (status = 422, description = "`customer` is missing or not a number or user id, or `limit` is bad", body = ErrorBody),
        (status = 503, description = "The database is unavailable", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn list_orders<S: BusinessRecords + 'static>(
    state: web::Data<AdminState<S>>,
    query: web::Query<CustomerQuery>,
) -> Result<HttpResponse, ApiError> {
    let (customer, limit) = query.checked()?;
    let orders = state
        .store
        .customer_orders(&customer, limit)
        .await
        .map_err(ApiError::from_store)?;
    Ok(HttpResponse::Ok().json(OrderList {
        orders: orders.into_iter().map(OrderView::from).collect(),
    }))
}
