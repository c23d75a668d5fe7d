//! `GET /metrics` after traffic: webhook outcomes and ack latencies, items new and duplicate, sends by
//! outcome and class, reply latency, and the backlog gauges read from the database.

use actix_web::http::StatusCode;
use actix_web::test;

use crate::support::{bot, converse, deliver, signed, text_webhook};

/// The value of the sample `name` (with its labels, as printed), or 0 when absent.
fn sample(text: &str, name: &str) -> f64 {
    text.lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or(0.0)
}

/// Scrapes `/metrics` and returns the text.
macro_rules! scrape {
    ($app:expr) => {{
        let response =
            test::call_service(&$app, test::TestRequest::get().uri("/metrics").to_request()).await;
        assert_eq!(response.status(), StatusCode::OK);
        let kind = response
            .headers()
            .get("content-type")
            .unwrap()
            .to_str()
            .unwrap();
        assert!(kind.starts_with("text/plain"), "{kind}");
        String::from_utf8(test::read_body(response).await.to_vec()).unwrap()
    }};
}

#[actix_web::test]
async fn metrics_follow_the_traffic() {
    let bot = bot().await;
    let app = admin_app!(bot, crate::support::ADMIN_TOKEN);
    let hello = text_webhook("15551234567", "wamid.1", "hi");
    for request in [signed(&hello), signed(&hello)] {
        assert_eq!(
            test::call_service(&app, request.to_request())
                .await
                .status(),
            StatusCode::OK
        );
    }
    let unsigned = test::TestRequest::post()
        .uri("/webhook")
        .set_payload(hello.clone())
        .to_request();
    assert_eq!(
        test::call_service(&app, unsigned).await.status(),
        StatusCode::UNAUTHORIZED
    );
    test::call_service(&app, signed("not json").to_request()).await;

    let before = scrape!(app);
    assert_eq!(
        sample(&before, r#"wabot_webhook_requests_total{outcome="stored"}"#),
        2.0
    );
    assert_eq!(
        sample(
            &before,
            r#"wabot_webhook_requests_total{outcome="bad_signature"}"#
        ),
        1.0
    );
    assert_eq!(
        sample(
            &before,
            r#"wabot_webhook_requests_total{outcome="invalid_body"}"#
        ),
        1.0
    );
    assert_eq!(sample(&before, "wabot_webhook_ack_seconds_count"), 4.0);
    assert_eq!(
        sample(&before, r#"wabot_webhook_items_total{kind="new"}"#),
        1.0
    );
    assert_eq!(
        sample(&before, r#"wabot_webhook_items_total{kind="duplicate"}"#),
        1.0
    );
    assert_eq!(sample(&before, "wabot_database_up"), 1.0);
    assert_eq!(sample(&before, "wabot_inbox_pending"), 1.0);
    assert_eq!(sample(&before, "wabot_outbox_pending"), 0.0);
    assert_eq!(sample(&before, "wabot_sessions_active"), 0.0);

    converse(&bot).await;
    let stepped = scrape!(app);
    assert_eq!(sample(&stepped, "wabot_inbox_pending"), 0.0);
    assert_eq!(sample(&stepped, "wabot_outbox_pending"), 1.0);
    assert!(sample(&stepped, "wabot_outbox_oldest_age_seconds") >= 0.0);
    assert_eq!(sample(&stepped, "wabot_sessions_active"), 1.0);

    deliver(&bot).await;
    let after = scrape!(app);
    assert_eq!(sample(&after, "wabot_outbox_pending"), 0.0);
    assert_eq!(
        sample(&after, r#"wabot_sends_total{outcome="sent",class="none"}"#),
        1.0
    );
    assert_eq!(sample(&after, "wabot_reply_latency_seconds_count"), 1.0);
    assert!(sample(&after, "wabot_reply_latency_seconds_sum") > 0.0);
    assert!(after.contains("# HELP wabot_webhook_ack_seconds"));
}
