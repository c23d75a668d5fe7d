//! [`HttpBusinessSource`] against a real local HTTP server (wiremock) standing in for the business's
//! API: answers read through the field mapping, auth sent, one-order 404 as "not yours", and each
//! failure — slow (timeout), 500, malformed JSON, an unmapped status — reported with its outcome,
//! while an answer is served from the cache and a failure is not cached.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use serde_json::json;
use wabot_app::{BusinessSource, LookupOutcome};
use wabot_business_http::{
    Auth, HttpBusinessSource, HttpSourceConfig, OrderFieldNames, OrderFields, PLACEHOLDERS,
    ScheduleFields, UrlTemplate,
};
use wabot_engine::{Lookup, OrderStatus, Records};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn template(text: &str) -> UrlTemplate {
    UrlTemplate::parse(text, &PLACEHOLDERS, &["customer"]).unwrap()
}

fn config(server: &MockServer) -> HttpSourceConfig {
    let base = server.uri();
    HttpSourceConfig {
        orders_url: Some(template(&format!("{base}/customers/{{customer}}/orders"))),
        order_url: Some(template(&format!(
            "{base}/customers/{{customer}}/orders/{{order}}"
        ))),
        schedule_url: Some(template(&format!(
            "{base}/customers/{{customer}}/visits?from={{from}}&until={{until}}"
        ))),
        auth: Auth::Bearer("api-token-123".to_owned().into()),
        timeout: Duration::from_millis(300),
        cache_ttl: Duration::from_secs(30),
        cache_entries: 100,
        orders: OrderFields {
            list: "/orders".into(),
            names: OrderFieldNames {
                number: "id".into(),
                status: "state".into(),
                ..OrderFieldNames::default()
            },
            statuses: BTreeMap::from([("DISPATCHED".into(), OrderStatus::Shipped)]),
            ..OrderFields::default()
        },
        schedule: ScheduleFields::default(),
    }
}

fn orders_body() -> serde_json::Value {
    json!({"orders": [
        {"id": "ORD-7", "state": "DISPATCHED", "items": "1 × Lamp", "placed_on": "2026-11-20",
         "expected_delivery": "2026-11-27"},
        {"id": "ORD-9", "state": "processing", "items": "2 × Chair", "placed_on": "2026-11-22",
         "expected_delivery": "2026-11-25"},
        {"id": "ORD-1", "state": "delivered", "items": "1 × Desk", "placed_on": "2026-10-01"}
    ]})
}

async fn fetch(
    source: &HttpBusinessSource,
    lookup: Lookup,
) -> Result<Records, wabot_app::LookupFailure> {
    source.fetch("34600111222", &lookup).await
}

#[tokio::test]
async fn orders_are_read_through_the_mapping_with_the_token_and_cached() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/customers/34600111222/orders"))
        .and(header("authorization", "Bearer api-token-123"))
        .respond_with(ResponseTemplate::new(200).set_body_json(orders_body()))
        .expect(1)
        .mount(&server)
        .await;
    let source = HttpBusinessSource::new(config(&server)).unwrap();
    let Records::Orders(recent) = fetch(&source, Lookup::RecentOrders { limit: 2 })
        .await
        .unwrap()
    else {
        panic!("orders expected");
    };
    let numbers: Vec<&str> = recent.iter().map(|order| order.number.as_str()).collect();
    assert_eq!(numbers, ["ORD-9", "ORD-7"], "newest first, at most 2");
    assert_eq!(recent[1].status, OrderStatus::Shipped);
    // The second lookup of the same URL is a cache hit: the mock expects one request.
    let Records::Orders(dates) = fetch(&source, Lookup::DeliveryDates).await.unwrap() else {
        panic!("orders expected");
    };
    let numbers: Vec<&str> = dates.iter().map(|order| order.number.as_str()).collect();
    assert_eq!(numbers, ["ORD-9", "ORD-7"], "open orders, soonest first");
}

#[tokio::test]
async fn one_order_is_asked_by_number_and_a_404_means_none() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/customers/34600111222/orders/ORD-7"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&orders_body()["orders"][0]))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/customers/34600111222/orders/ORD-404"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    let source = HttpBusinessSource::new(config(&server)).unwrap();
    let found = fetch(
        &source,
        Lookup::Order {
            number: "ORD-7".into(),
        },
    )
    .await;
    assert!(
        matches!(&found, Ok(Records::Order(Some(order))) if order.number == "ORD-7"),
        "{found:?}"
    );
    let missing = fetch(
        &source,
        Lookup::Order {
            number: "ORD-404".into(),
        },
    )
    .await;
    assert_eq!(missing, Ok(Records::Order(None)));
}

#[tokio::test]
async fn the_schedule_is_asked_for_the_days_and_a_named_header_carries_the_key() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/customers/34600111222/visits"))
        .and(query_param("from", "2026-11-24"))
        .and(query_param("until", "2026-11-25"))
        .and(header("x-api-key", "key-456"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"date": "2026-11-24", "starts": "14:00", "ends": "16:00", "kind": "repair",
             "status": "confirmed", "note": "Technician: Sam"},
            {"date": "2026-11-24", "starts": "09:00", "ends": "10:00", "kind": "delivery",
             "status": "planned"}
        ])))
        .mount(&server)
        .await;
    let mut config = config(&server);
    config.auth = Auth::Header {
        name: "X-Api-Key".into(),
        value: "key-456".to_owned().into(),
    };
    let source = HttpBusinessSource::new(config).unwrap();
    let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
    let lookup = Lookup::Schedule {
        from: day(24),
        until: day(25),
    };
    let Ok(Records::Schedule(entries)) = fetch(&source, lookup).await else {
        panic!("entries expected");
    };
    let starts: Vec<String> = entries.iter().map(|e| e.starts.to_string()).collect();
    assert_eq!(starts, ["09:00:00", "14:00:00"], "in time order");
}

#[tokio::test]
async fn a_slow_api_times_out_within_the_timeout() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(orders_body())
                .set_delay(Duration::from_secs(5)),
        )
        .mount(&server)
        .await;
    let source = HttpBusinessSource::new(config(&server)).unwrap();
    let started = Instant::now();
    let failure = fetch(&source, Lookup::DeliveryDates).await.unwrap_err();
    assert_eq!(failure.outcome, LookupOutcome::Timeout);
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert!(
        !failure.detail.contains("34600111222"),
        "{}",
        failure.detail
    );
}

#[tokio::test]
async fn a_500_is_an_error_and_is_not_cached() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(orders_body()))
        .mount(&server)
        .await;
    let source = HttpBusinessSource::new(config(&server)).unwrap();
    let failure = fetch(&source, Lookup::DeliveryDates).await.unwrap_err();
    assert_eq!(failure.outcome, LookupOutcome::Error);
    assert!(failure.detail.contains("500"), "{}", failure.detail);
    let again = fetch(&source, Lookup::DeliveryDates).await;
    assert!(matches!(again, Ok(Records::Orders(orders)) if orders.len() == 2));
}

#[tokio::test]
async fn malformed_answers_are_reported_by_field() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/customers/34600111222/orders"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{\"orders\": [ oops"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/customers/34600111222/orders/ORD-5"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "ORD-5", "state": "ON_HOLD", "placed_on": "2026-11-20"
        })))
        .mount(&server)
        .await;
    let source = HttpBusinessSource::new(config(&server)).unwrap();
    let not_json = fetch(&source, Lookup::RecentOrders { limit: 5 })
        .await
        .unwrap_err();
    assert_eq!(not_json.outcome, LookupOutcome::Malformed);
    assert!(not_json.detail.contains("not JSON"), "{}", not_json.detail);
    let unmapped = fetch(
        &source,
        Lookup::Order {
            number: "ORD-5".into(),
        },
    )
    .await
    .unwrap_err();
    assert_eq!(unmapped.outcome, LookupOutcome::Malformed);
    assert!(unmapped.detail.contains("`state`"), "{}", unmapped.detail);
}
