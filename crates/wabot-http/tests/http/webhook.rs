//! In-process tests of every webhook route and status code (actix test server, a recording inbox that
//! can be made to fail, real signatures).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use actix_web::http::StatusCode;
use actix_web::{App, test, web};
use wabot_app::{Heartbeat, InboundPayload, RecordingInbox, utc_now};
use wabot_cloud_api::{SignatureVerifier, sign};
use wabot_engine::Input;
use wabot_http::{DEFAULT_BODY_LIMIT, Metrics, Readiness, WebhookState, configure};

const SECRET: &[u8] = b"test-app-secret";
const TOKEN: &str = "verify-me";

const TEXT_WEBHOOK: &str = r#"{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"metadata":{"phone_number_id":"PN"},"contacts":[{"profile":{"name":"Ana"},"wa_id":"15551234567"}],"messages":[{"from":"15551234567","id":"wamid.1","timestamp":"1750000000","type":"text","text":{"body":"hi"}},{"from":"15551234567","id":"wamid.2","timestamp":"1750000001","type":"interactive","interactive":{"type":"list_reply","list_reply":{"id":"m:main:2","title":"Report Defect"}}}],"statuses":[{"id":"wamid.OUT","status":"read","timestamp":"1750000002","recipient_id":"15551234567"}]}}]}]}"#;

struct Harness {
    inbox: Arc<RecordingInbox>,
    wakes: Arc<AtomicUsize>,
    readiness: Readiness,
}

macro_rules! app {
    ($harness:expr) => {{
        let wakes = Arc::clone(&$harness.wakes);
        let state = web::Data::new(WebhookState {
            inbox: Arc::clone(&$harness.inbox),
            verifier: SignatureVerifier::new(&[SECRET]).unwrap(),
            verify_token: TOKEN.to_owned(),
            wake: Arc::new(move || {
                wakes.fetch_add(1, Ordering::SeqCst);
            }),
            readiness: $harness.readiness.clone(),
            metrics: Arc::new(Metrics::new()),
            tags: Arc::new(wabot_http::ContactTag::new(SECRET)),
            business_app_takes_over: true,
        });
        test::init_service(App::new().configure(configure(state, DEFAULT_BODY_LIMIT))).await
    }};
}

fn harness() -> Harness {
    let readiness = Readiness {
        conversations: Arc::new(Heartbeat::new()),
        deliveries: Arc::new(Heartbeat::new()),
        max_silence: chrono::TimeDelta::seconds(30),
    };
    Harness {
        inbox: Arc::new(RecordingInbox::new()),
        wakes: Arc::new(AtomicUsize::new(0)),
        readiness,
    }
}

fn signed_post(body: &str) -> test::TestRequest {
    test::TestRequest::post()
        .uri("/webhook")
        .insert_header(("X-Hub-Signature-256", sign(SECRET, body.as_bytes())))
        .insert_header(("Content-Type", "application/json"))
        .set_payload(body.to_owned())
}

#[actix_web::test]
async fn the_handshake_returns_the_challenge_only_for_our_token() {
    let harness = harness();
    let app = app!(harness);
    let ok = test::TestRequest::get()
        .uri(&format!(
            "/webhook?hub.mode=subscribe&hub.verify_token={TOKEN}&hub.challenge=1158201444"
        ))
        .to_request();
    let response = test::call_service(&app, ok).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response
            .headers()
            .get("content-type")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    assert_eq!(test::read_body(response).await, "1158201444");
    for uri in [
        "/webhook?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1",
        "/webhook?hub.mode=unsubscribe&hub.verify_token=verify-me&hub.challenge=1",
        "/webhook?hub.mode=subscribe&hub.challenge=1",
        "/webhook?hub.mode=subscribe&hub.verify_token=verify-me",
    ] {
        let response =
            test::call_service(&app, test::TestRequest::get().uri(uri).to_request()).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{uri}");
    }
}

#[actix_web::test]
async fn a_signed_webhook_is_stored_with_every_item_and_wakes_the_workers() {
    let harness = harness();
    let app = app!(harness);
    let response = test::call_service(&app, signed_post(TEXT_WEBHOOK).to_request()).await;
    assert_eq!(response.status(), StatusCode::OK);
    let events = harness.inbox.events();
    assert_eq!(events.len(), 1);
    assert_eq!(
        events[0].body, TEXT_WEBHOOK,
        "the raw body is stored as received"
    );
    let items = &events[0].items;
    assert_eq!(items.len(), 3);
    assert_eq!(items[0].profile_name.as_deref(), Some("Ana"));
    let InboundPayload::Message(first) = &items[0].payload else {
        panic!("message")
    };
    assert_eq!(first.input, Input::text("hi"));
    let InboundPayload::Message(second) = &items[1].payload else {
        panic!("message")
    };
    assert_eq!(
        second.input,
        Input::Choice {
            id: "m:main:2".into(),
            title: "Report Defect".into()
        }
    );
    assert_eq!(items[2].dedupe_key, "wamid.OUT:read");
    assert_eq!(harness.wakes.load(Ordering::SeqCst), 1);
    // The same webhook again: 200, stored as an event, no new item, no wake.
    let again = test::call_service(&app, signed_post(TEXT_WEBHOOK).to_request()).await;
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(harness.inbox.events().len(), 2);
    assert_eq!(harness.wakes.load(Ordering::SeqCst), 1);
}

#[actix_web::test]
async fn bad_signatures_are_refused_and_nothing_is_stored() {
    let harness = harness();
    let app = app!(harness);
    let missing = test::TestRequest::post()
        .uri("/webhook")
        .set_payload(TEXT_WEBHOOK)
        .to_request();
    let malformed = test::TestRequest::post()
        .uri("/webhook")
        .insert_header(("X-Hub-Signature-256", "sha1=abc"))
        .set_payload(TEXT_WEBHOOK)
        .to_request();
    let wrong = test::TestRequest::post()
        .uri("/webhook")
        .insert_header((
            "X-Hub-Signature-256",
            sign(b"another-secret", TEXT_WEBHOOK.as_bytes()),
        ))
        .set_payload(TEXT_WEBHOOK)
        .to_request();
    for request in [missing, malformed, wrong] {
        let response = test::call_service(&app, request).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        let body = String::from_utf8(test::read_body(response).await.to_vec()).unwrap();
        let expected = sign(SECRET, TEXT_WEBHOOK.as_bytes());
        assert!(
            !body.contains(expected.trim_start_matches("sha256=")),
            "{body}"
        );
    }
    assert!(harness.inbox.events().is_empty());
}

#[actix_web::test]
async fn invalid_json_is_400_too_large_is_413_and_unknown_fields_are_stored() {
    let harness = harness();
    let app = app!(harness);
    for body in ["not json", "[1,2,3]"] {
        let response = test::call_service(&app, signed_post(body).to_request()).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{body}");
    }
    let huge = format!("{{\"pad\":\"{}\"}}", "x".repeat(DEFAULT_BODY_LIMIT));
    let response = test::call_service(&app, signed_post(&huge).to_request()).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let other = r#"{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"account_update","value":{"event":"VERIFIED_ACCOUNT"}}]}]}"#;
    let response = test::call_service(&app, signed_post(other).to_request()).await;
    assert_eq!(response.status(), StatusCode::OK);
    let events = harness.inbox.events();
    assert_eq!(events.len(), 1);
    assert!(events[0].items.is_empty());
}

#[actix_web::test]
async fn a_database_failure_is_503_so_meta_retries() {
    let harness = harness();
    harness.inbox.set_failing(true);
    let app = app!(harness);
    let response = test::call_service(&app, signed_post(TEXT_WEBHOOK).to_request()).await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
}

#[actix_web::test]
async fn health_is_ok() {
    let harness = harness();
    let app = app!(harness);
    let response =
        test::call_service(&app, test::TestRequest::get().uri("/health").to_request()).await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[actix_web::test]
async fn ready_needs_the_database_and_both_kinds_of_worker() {
    let harness = harness();
    let app = app!(harness);
    let ready = || test::TestRequest::get().uri("/ready").to_request();
    let response = test::call_service(&app, ready()).await;
    assert_eq!(
        response.status(),
        StatusCode::SERVICE_UNAVAILABLE,
        "no worker has run yet"
    );
    let body = String::from_utf8(test::read_body(response).await.to_vec()).unwrap();
    assert!(
        body.contains("conversation workers are not running"),
        "{body}"
    );
    harness.readiness.conversations.beat(utc_now());
    harness.readiness.deliveries.beat(utc_now());
    assert_eq!(
        test::call_service(&app, ready()).await.status(),
        StatusCode::OK
    );
    harness.inbox.set_failing(true);
    let response = test::call_service(&app, ready()).await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body = String::from_utf8(test::read_body(response).await.to_vec()).unwrap();
    assert!(body.contains("database"), "{body}");
}
