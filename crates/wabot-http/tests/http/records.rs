//! `/api/orders` and `/api/schedule` on a real SQLite store: 201 on create, 200 on update (and on an
//! equal record), the number normalised, a customer's list by any form of the number, 204 and 404
//! on delete, and a 422 naming the field for each kind of bad input.

use actix_web::http::StatusCode;
use actix_web::test;
use serde_json::{Value, json};

use crate::support::{ADMIN_TOKEN, admin_get, bot, json};

/// The order and the entry the OpenAPI test reads, and their bodies.
pub fn bodies() -> Vec<(&'static str, Value)> {
    vec![
        ("/api/orders/ORD-001", body_for("/api/orders/ORD-001")),
        ("/api/schedule/V-1", body_for("/api/schedule/V-1")),
    ]
}

/// A documented path with its parameters filled in.
pub fn uri(path: &str) -> String {
    match path {
        "/api/orders" | "/api/schedule" => format!("{path}?customer=%2B15551234567"),
        _ => path
            .replace("{number}", "ORD-001")
            .replace("{reference}", "V-1"),
    }
}

/// A valid body for a `PUT` to `uri`.
pub fn body_for(uri: &str) -> Value {
    if uri.starts_with("/api/orders") {
        json!({"customer": "+1 555 123 4567", "status": "shipped", "items": "2x Oak chair",
               "expected_delivery": "2026-12-03", "tracking_url": "https://track.example/1"})
    } else {
        json!({"customer": "15551234567", "kind": "repair", "date": "2026-12-03",
               "starts": "09:00", "ends": "12:00", "note": "Technician: Sam"})
    }
}

pub fn admin_put(uri: &str, body: &Value) -> test::TestRequest {
    test::TestRequest::put()
        .uri(uri)
        .insert_header(("Authorization", format!("Bearer {ADMIN_TOKEN}")))
        .set_json(body)
}

fn admin_delete(uri: &str) -> test::TestRequest {
    test::TestRequest::delete()
        .uri(uri)
        .insert_header(("Authorization", format!("Bearer {ADMIN_TOKEN}")))
}

fn with(mut body: Value, key: &str, value: Value) -> Value {
    body[key] = value;
    body
}

#[actix_web::test]
async fn an_order_is_created_updated_listed_and_deleted() {
    let bot = bot().await;
    let app = admin_app!(bot, ADMIN_TOKEN);
    let body = body_for("/api/orders");
    let created =
        test::call_service(&app, admin_put("/api/orders/ord%201", &body).to_request()).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let order = json(created).await;
    assert_eq!(order["number"], "ORD-001");
    assert_eq!(order["customer"], "15551234567");
    assert_eq!(order["tracking_url"], "https://track.example/1");
    assert_eq!(
        order["contact_id"],
        Value::Null,
        "nobody with that number wrote yet"
    );

    let same = test::call_service(&app, admin_put("/api/orders/ORD-001", &body).to_request()).await;
    assert_eq!(same.status(), StatusCode::OK);
    let delivered = with(body, "status", json!("delivered"));
    let updated = test::call_service(
        &app,
        admin_put("/api/orders/ORD-001", &delivered).to_request(),
    )
    .await;
    assert_eq!(updated.status(), StatusCode::OK);
    assert_eq!(json(updated).await["status"], "delivered");

    let list = admin_get("/api/orders?customer=%2B1%20(555)%20123-4567").to_request();
    let list = json(test::call_service(&app, list).await).await;
    assert_eq!(list["orders"].as_array().unwrap().len(), 1, "{list}");
    let other = admin_get("/api/orders?customer=15557654321").to_request();
    let other = json(test::call_service(&app, other).await).await;
    assert_eq!(other["orders"], json!([]));

    let shown = test::call_service(&app, admin_get("/api/orders/ord-1").to_request()).await;
    assert_eq!(json(shown).await["status"], "delivered");
    let deleted = test::call_service(&app, admin_delete("/api/orders/ORD-001").to_request()).await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    for request in [
        admin_delete("/api/orders/ORD-001"),
        admin_get("/api/orders/ORD-001"),
    ] {
        let response = test::call_service(&app, request.to_request()).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
    }
}

#[actix_web::test]
async fn every_bad_order_field_is_a_422_naming_it() {
    let bot = bot().await;
    let app = admin_app!(bot, ADMIN_TOKEN);
    let good = body_for("/api/orders");
    let cases = [
        (
            "ORD-1",
            with(good.clone(), "customer", Value::Null),
            "customer",
        ),
        (
            "ORD-1",
            with(good.clone(), "customer", json!("bob")),
            "customer",
        ),
        (
            "ORD-1",
            with(good.clone(), "status", json!("lost")),
            "status",
        ),
        (
            "ORD-1",
            with(good.clone(), "expected_delivery", json!("3 Dec")),
            "expected_delivery",
        ),
        (
            "ORD-1",
            with(good.clone(), "placed_on", json!("2026-13-01")),
            "placed_on",
        ),
        (
            "ORD-1",
            with(good.clone(), "items", json!("x".repeat(301))),
            "items",
        ),
        (
            "ORD-1",
            with(good.clone(), "tracking_url", json!("ftp://x.example")),
            "tracking_url",
        ),
        (
            "ORD-1",
            with(good.clone(), "stauts", json!("shipped")),
            "stauts",
        ),
        (
            "ORD-1",
            with(good.clone(), "order_number", json!("ORD-2")),
            "order_number",
        ),
        ("ORD-1", with(good.clone(), "items", json!(["a"])), "items"),
        ("INV-1", good.clone(), "order_number"),
    ];
    for (number, body, field) in cases {
        let uri = format!("/api/orders/{number}");
        let response = test::call_service(&app, admin_put(&uri, &body).to_request()).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}"
        );
        let error = json(response).await;
        assert_eq!(error["field"], field, "{error}");
        assert!(!error["error"].as_str().unwrap().is_empty());
    }
    for (uri, field) in [
        ("/api/orders", "customer"),
        ("/api/orders?customer=abc", "customer"),
        ("/api/schedule?customer=15551234567&limit=0", "limit"),
    ] {
        let response = test::call_service(&app, admin_get(uri).to_request()).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{uri}");
        assert_eq!(json(response).await["field"], field, "{uri}");
    }
    let not_json = admin_put("/api/orders/ORD-1", &json!([1])).to_request();
    let response = test::call_service(&app, not_json).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

#[actix_web::test]
async fn a_schedule_entry_is_kept_by_its_reference() {
    let bot = bot().await;
    let app = admin_app!(bot, ADMIN_TOKEN);
    let body = body_for("/api/schedule");
    let created =
        test::call_service(&app, admin_put("/api/schedule/V-1", &body).to_request()).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let entry = json(created).await;
    assert_eq!(entry["reference"], "V-1");
    assert_eq!(entry["status"], "planned");
    assert_eq!(entry["starts"], "09:00");
    let confirmed = with(body.clone(), "status", json!("confirmed"));
    let updated = test::call_service(
        &app,
        admin_put("/api/schedule/V-1", &confirmed).to_request(),
    )
    .await;
    assert_eq!(updated.status(), StatusCode::OK);
    let list = admin_get("/api/schedule?customer=15551234567").to_request();
    let list = json(test::call_service(&app, list).await).await;
    assert_eq!(list["entries"][0]["status"], "confirmed", "{list}");

    for (reference, body, field) in [
        ("V-2", with(body.clone(), "ends", json!("08:00")), "ends"),
        ("V-2", with(body.clone(), "kind", json!("party")), "kind"),
        ("V-2", with(body.clone(), "date", Value::Null), "date"),
        ("V%202", body.clone(), "reference"),
    ] {
        let uri = format!("/api/schedule/{reference}");
        let response = test::call_service(&app, admin_put(&uri, &body).to_request()).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}"
        );
        assert_eq!(json(response).await["field"], field);
    }
    let deleted = test::call_service(&app, admin_delete("/api/schedule/V-1").to_request()).await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let gone = test::call_service(&app, admin_get("/api/schedule/V-1").to_request()).await;
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);
}
