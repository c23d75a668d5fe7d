//! `POST /api/messages`: validation names the field, free text needs the 24-hour window (409
//! otherwise), templates go anywhere, and what is queued goes out through the outbox.

use std::sync::atomic::Ordering;

use actix_web::http::StatusCode;
use actix_web::test;
use serde_json::json;

use crate::support::{admin_get, admin_post, bot, deliver, signed, text_webhook};

#[actix_web::test]
async fn bad_requests_name_the_field() {
    let bot = bot().await;
    let app = admin_app!(bot, crate::support::ADMIN_TOKEN);
    let long = "x".repeat(4097);
    let cases = [
        (json!({"text": "hi"}), "to"),
        (json!({"to": 15551234567_i64, "text": "hi"}), "to"),
        (json!({"to": "call me", "text": "hi"}), "to"),
        (json!({"to": "+1 555 123 4567"}), "text"),
        (
            json!({"to": "15551234567", "text": "hi", "template": {"name": "t", "language": "en"}}),
            "text",
        ),
        (json!({"to": "15551234567", "text": ""}), "text"),
        (json!({"to": "15551234567", "text": long}), "text"),
        (
            json!({"to": "15551234567", "template": {"language": "en_US"}}),
            "template.name",
        ),
        (
            json!({"to": "15551234567", "template": {"name": "t"}}),
            "template.language",
        ),
        (json!({"to": "15551234567", "template": "t"}), "template"),
        (
            json!({"to": "15551234567", "template": {"name": "t", "language": "en", "components": [{"type": "footer", "parameters": []}]}}),
            "template.components[0].type",
        ),
        (
            json!({"to": "15551234567", "template": {"name": "t", "language": "en", "components": [{"parameters": []}]}}),
            "template.components[0]",
        ),
    ];
    for (body, field) in cases {
        let response =
            test::call_service(&app, admin_post("/api/messages", &body).to_request()).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}"
        );
        let error = crate::support::json(response).await;
        assert_eq!(error["field"], field, "{body}: {error}");
    }
    let not_json = test::TestRequest::post()
        .uri("/api/messages")
        .insert_header((
            "Authorization",
            format!("Bearer {}", crate::support::ADMIN_TOKEN),
        ))
        .set_payload("{to:")
        .to_request();
    assert_eq!(
        test::call_service(&app, not_json).await.status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(bot.sender_wakes.load(Ordering::SeqCst), 0);
}

#[actix_web::test]
async fn text_needs_the_window_and_templates_do_not() {
    let bot = bot().await;
    let app = admin_app!(bot, crate::support::ADMIN_TOKEN);
    let text = json!({"to": "+1 555-123-4567", "text": "Your order has shipped."});

    // Nobody with that number has written: 409, explaining that a template is needed.
    let response = test::call_service(&app, admin_post("/api/messages", &text).to_request()).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let error = crate::support::json(response).await;
    assert!(
        error["error"].as_str().unwrap().contains("template"),
        "{error}"
    );

    // A template goes out to a new number, creating the contact.
    let template = json!({"to": "15550001111", "template": {"name": "order_update", "language": "en_US",
        "components": [{"type": "body", "parameters": [{"type": "text", "text": "ORD-001"}]}]}});
    let response =
        test::call_service(&app, admin_post("/api/messages", &template).to_request()).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let accepted = crate::support::json(response).await;
    assert_eq!(accepted["status"], "pending");
    assert_eq!(bot.sender_wakes.load(Ordering::SeqCst), 1);

    // Once the customer writes, free text is accepted.
    test::call_service(
        &app,
        signed(&text_webhook("15551234567", "wamid.1", "hi")).to_request(),
    )
    .await;
    let response = test::call_service(&app, admin_post("/api/messages", &text).to_request()).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let accepted = crate::support::json(response).await;
    let contact = accepted["contact_id"].as_i64().unwrap();

    // Both go through the outbox like any reply.
    deliver(&bot).await;
    let uri = format!("/api/contacts/{contact}/messages");
    let page =
        crate::support::json(test::call_service(&app, admin_get(&uri).to_request()).await).await;
    let sent = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == accepted["id"])
        .unwrap()
        .clone();
    assert_eq!(sent["status"], "sent");
    assert_eq!(sent["body"]["to"], "15551234567", "normalised to digits");
    assert_eq!(sent["body"]["text"]["body"], "Your order has shipped.");
}
