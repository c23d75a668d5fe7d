//! `/api/campaigns` and `/api/templates` in-process over a real SQLite store: every wrong request is
//! a 422 naming its field (a recipient's parameter included) and stores nothing, a CSV body works
//! like a JSON list, the sync answers 409 when there is nothing to sync from, and a template's
//! webhook reaches the store through `POST /webhook`.

use actix_web::http::StatusCode;
use actix_web::test;
use serde_json::{Value, json};
use wabot_app::{Campaigns, SyncedTemplate};

use crate::support::{ADMIN_TOKEN, admin_get, admin_post, bot, json as body_of, signed};

fn fall_sale() -> SyncedTemplate {
    SyncedTemplate {
        meta_id: Some("42".into()),
        name: "fall_sale".into(),
        language: "en_US".into(),
        category: "MARKETING".into(),
        status: "APPROVED".into(),
        parameter_format: None,
        components: json!([{"type": "BODY", "text": "Hi {{1}}, code {{2}}"}]),
    }
}

fn campaign(extra: Value) -> Value {
    let mut body = json!({"name": "Fall", "template": "fall_sale", "language": "en_US"});
    for (key, value) in extra.as_object().unwrap() {
        body[key] = value.clone();
    }
    body
}

#[actix_web::test]
async fn wrong_campaigns_are_refused_naming_the_field_and_nothing_is_stored() {
    let bot = bot().await;
    bot.store
        .store_templates(vec![fall_sale()], wabot_app::utc_now())
        .await
        .unwrap();
    let app = admin_app!(bot, ADMIN_TOKEN);
    let ana = json!({"to": "15551234567", "parameters": {"1": "Ana", "2": "X"}});
    let cases = [
        (
            json!({"template": "fall_sale", "language": "en_US", "recipients": [ana]}),
            "name",
        ),
        (campaign(json!({})), "recipients"),
        (
            campaign(json!({"recipients": [ana], "audience": {"has_open_order": true}})),
            "audience",
        ),
        (
            campaign(json!({"recipients": [{"to": "15551234567", "parameters": {"1": "Ana"}}]})),
            "recipients[0].2",
        ),
        (
            campaign(
                json!({"recipients": [{"to": "15551234567", "parameters": {"1": "A", "2": "B", "3": "C"}}]}),
            ),
            "recipients[0].3",
        ),
        (
            campaign(json!({"recipients": [{"parameters": {"1": "A", "2": "B"}}]})),
            "recipients[0].to",
        ),
        (
            campaign(json!({"recipients": [ana], "template": "nope"})),
            "template",
        ),
        (
            campaign(json!({"recipients": [ana], "messages_per_second": 500})),
            "messages_per_second",
        ),
        (campaign(json!({"recipients": [ana], "surprise": 1})), ""),
        (
            campaign(json!({"audience": {"wrote_within_days": 0}})),
            "audience.wrote_within_days",
        ),
        (
            campaign(
                json!({"audience": {"wrote_within_days": 30}, "parameters": {"1": "friend", "2": "X"}}),
            ),
            "recipients",
        ),
    ];
    for (body, field) in cases {
        let response =
            test::call_service(&app, admin_post("/api/campaigns", &body).to_request()).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}"
        );
        let error = body_of(response).await;
        if !field.is_empty() {
            assert_eq!(error["field"], field, "{body}: {error}");
        }
    }
    let list =
        body_of(test::call_service(&app, admin_get("/api/campaigns").to_request()).await).await;
    assert_eq!(list, json!([]), "nothing was stored");
}

#[actix_web::test]
async fn a_csv_body_creates_a_campaign_like_a_json_list() {
    let bot = bot().await;
    bot.store
        .store_templates(vec![fall_sale()], wabot_app::utc_now())
        .await
        .unwrap();
    let app = admin_app!(bot, ADMIN_TOKEN);
    let csv = test::TestRequest::post()
        .uri("/api/campaigns?name=Fall&template=fall_sale&language=en_US")
        .insert_header(("Authorization", format!("Bearer {ADMIN_TOKEN}")))
        .insert_header(("Content-Type", "text/csv"))
        .set_payload("phone,1,2\n+1 555 123 4567,Ana,X\nnot a phone,Bo,Y\n");
    let response = test::call_service(&app, csv.to_request()).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let created = body_of(response).await;
    assert_eq!(created["counts"]["waiting"], 1, "{created}");
    assert_eq!(created["counts"]["skipped"], json!({"invalid": 1}));
    assert!(created["eta"].is_string(), "{created}");
    let id = created["id"].as_i64().unwrap();
    let shown = body_of(
        test::call_service(
            &app,
            admin_get(&format!("/api/campaigns/{id}")).to_request(),
        )
        .await,
    )
    .await;
    assert_eq!(shown["state"], "running");
    let pause = admin_post(&format!("/api/campaigns/{id}/pause"), &json!({}));
    let paused = body_of(test::call_service(&app, pause.to_request()).await).await;
    assert_eq!(paused["state"], "paused");
    let wrong = admin_post(&format!("/api/campaigns/{id}/explode"), &json!({}));
    assert_eq!(
        test::call_service(&app, wrong.to_request()).await.status(),
        StatusCode::NOT_FOUND
    );
    let missing = admin_get("/api/campaigns/999");
    assert_eq!(
        test::call_service(&app, missing.to_request())
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}

#[actix_web::test]
async fn the_sync_says_what_is_missing_and_template_webhooks_reach_the_store() {
    let bot = bot().await;
    bot.store
        .store_templates(vec![fall_sale()], wabot_app::utc_now())
        .await
        .unwrap();
    let app = admin_app!(bot, ADMIN_TOKEN);
    let sync = admin_post("/api/templates/sync", &json!({}));
    let response = test::call_service(&app, sync.to_request()).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert!(
        body_of(response).await["error"]
            .as_str()
            .unwrap()
            .contains("meta.waba_id")
    );
    let webhook = json!({"object": "whatsapp_business_account", "entry": [{"id": "WABA", "changes": [
        {"field": "message_template_status_update", "value": {"event": "DISABLED",
         "message_template_id": 42, "message_template_name": "fall_sale",
         "message_template_language": "en_US", "reason": "INCORRECT_CATEGORY"}}]}]});
    let response = test::call_service(&app, signed(&webhook.to_string()).to_request()).await;
    assert_eq!(response.status(), StatusCode::OK);
    let templates =
        body_of(test::call_service(&app, admin_get("/api/templates").to_request()).await).await;
    assert_eq!(templates[0]["status"], "DISABLED", "{templates}");
    assert_eq!(templates[0]["reason"], "INCORRECT_CATEGORY");
}

#[actix_web::test]
async fn a_template_sent_by_hand_is_checked_against_the_synced_one() {
    let bot = bot().await;
    bot.store
        .store_templates(vec![fall_sale()], wabot_app::utc_now())
        .await
        .unwrap();
    let app = admin_app!(bot, ADMIN_TOKEN);
    let send = |parameters: Value| {
        json!({"to": "15551234567", "template": {"name": "fall_sale", "language": "en_US",
            "components": [{"type": "body", "parameters": parameters}]}})
    };
    let one = send(json!([{"type": "text", "text": "Ana"}]));
    let response = test::call_service(&app, admin_post("/api/messages", &one).to_request()).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let error = body_of(response).await;
    assert_eq!(error["field"], "template.components");
    assert!(
        error["error"].as_str().unwrap().contains("`2` is missing"),
        "{error}"
    );
    let two = send(json!([{"type": "text", "text": "Ana"}, {"type": "text", "text": "X"}]));
    let response = test::call_service(&app, admin_post("/api/messages", &two).to_request()).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    // A template never synced is let through: Meta is the judge of it.
    let mut other = send(json!([]));
    other["template"]["name"] = json!("not_synced");
    let response = test::call_service(&app, admin_post("/api/messages", &other).to_request()).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
}
