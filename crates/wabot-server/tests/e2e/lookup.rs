//! `business.source = "http"` on the real binary: orders are asked of a business API (a wiremock
//! server with a bearer token) while a customer walks the menu. The remote order is shown; an API
//! that fails (500) or hangs past the timeout gets the polite "try again later" text, a metric and
//! a log line without the customer's number, and the conversation goes on; and while one
//! customer's lookup hangs, another customer is answered.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::harness::{
    SECRET, Wabot, graph, message_webhook, metrics, post_signed, scratch, sent, shown, text,
    wait_for,
};

const POLITE: &str = "Sorry, we can't look that up right now.";
const POLITE_ES: &str = "Lo sentimos, ahora mismo no podemos consultarlo.";

fn orders(number: &str) -> Value {
    json!({"orders": [{
        "number": number, "status": "shipped", "items": "1 × Remote lamp",
        "placed_on": "2026-11-20", "expected_delivery": "2026-11-27"
    }]})
}

/// A business API answering `customer`'s orders with `answer`.
async fn answers(shop: &MockServer, customer: &str, answer: ResponseTemplate) {
    Mock::given(method("GET"))
        .and(path(format!("/customers/{customer}/orders")))
        .and(header("authorization", "Bearer shop-token"))
        .respond_with(answer)
        .mount(shop)
        .await;
}

fn start(dir: &std::path::Path, graph: &MockServer, shop: &MockServer, timeout_ms: &str) -> Wabot {
    let orders_url = format!("{}/customers/{{customer}}/orders", shop.uri());
    Wabot::start_with(
        dir,
        graph,
        &[
            ("WABOT__META__MARK_READ", "never"),
            ("WABOT__BUSINESS__SOURCE", "http"),
            ("WABOT__BUSINESS_HTTP__ORDERS_URL", &orders_url),
            ("WABOT__BUSINESS_HTTP__ORDERS_LIST", "/orders"),
            ("WABOT__BUSINESS_HTTP__AUTH", "bearer"),
            ("WABOT__BUSINESS_HTTP__TOKEN", "shop-token"),
            ("WABOT__BUSINESS_HTTP__TIMEOUT_MS", timeout_ms),
            ("WABOT__BUSINESS_HTTP__CACHE_SECONDS", "0"),
        ],
    )
}

async fn say(client: &reqwest::Client, wabot: &Wabot, from: &str, id: &str, body: &str) {
    let webhook = message_webhook(from, id, text(body));
    assert_eq!(
        post_signed(client, &wabot.base, &webhook, SECRET).await,
        200
    );
}

/// What `to` has been sent so far, each message as the customer sees it.
async fn seen_by(graph: &MockServer, to: &str) -> Vec<String> {
    sent(graph)
        .await
        .iter()
        .filter(|body| body["to"] == to)
        .map(shown)
        .collect()
}

/// Waits until `to` has been sent `count` messages; returns them.
async fn wait_seen(graph: &MockServer, to: &str, count: usize) -> Vec<String> {
    let started = Instant::now();
    loop {
        let seen = seen_by(graph, to).await;
        if seen.len() >= count {
            return seen;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "only {} of {count} messages reached the customer: {seen:?}",
            seen.len()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orders_come_from_the_business_api_and_a_failing_api_gets_the_polite_text() {
    let (dir, graph, shop) = (scratch(), graph().await, MockServer::start().await);
    // The failing customer's number is Spanish: the polite text is the menu's Spanish one.
    let (good, failing, slow) = ("15550000001", "34600000002", "15550000003");
    answers(
        &shop,
        good,
        ResponseTemplate::new(200).set_body_json(orders("ORD-REMOTE-7")),
    )
    .await;
    answers(&shop, failing, ResponseTemplate::new(500)).await;
    let late = ResponseTemplate::new(200)
        .set_body_json(orders("ORD-LATE"))
        .set_delay(Duration::from_secs(5));
    answers(&shop, slow, late).await;
    let wabot = start(&dir, &graph, &shop, "800");
    let client = reqwest::Client::new();
    for (customer, n) in [(good, 1), (failing, 2), (slow, 3)] {
        // Main menu, Order Status, View recent.
        say(&client, &wabot, customer, &format!("a{n}"), "hi").await;
        wait_seen(&graph, customer, 1).await;
        say(&client, &wabot, customer, &format!("b{n}"), "1").await;
        wait_seen(&graph, customer, 2).await;
        say(&client, &wabot, customer, &format!("c{n}"), "1").await;
    }
    let good_seen = wait_seen(&graph, good, 4).await;
    assert!(good_seen[2].contains("ORD-REMOTE-7"), "{good_seen:?}");
    assert!(good_seen[2].contains("Remote lamp"), "{good_seen:?}");
    for (customer, polite, menu, prompt) in [
        (failing, POLITE_ES, "Estado del pedido", "número de pedido"),
        (slow, POLITE, "Order Status", "order number"),
    ] {
        let seen = wait_seen(&graph, customer, 4).await;
        assert!(seen[2].starts_with(polite), "{seen:?}");
        assert!(seen[3].contains(menu), "the menu again: {seen:?}");
        // The conversation goes on: Track order asks for the number.
        say(&client, &wabot, customer, &format!("d{customer}"), "2").await;
        let seen = wait_seen(&graph, customer, 5).await;
        assert!(seen[4].contains(prompt), "{seen:?}");
    }
    let figures = metrics(&wabot).await;
    for outcome in ["ok", "error", "timeout"] {
        let line = format!(
            "wabot_business_lookups_total{{kind=\"recent_orders\",outcome=\"{outcome}\"}} 1"
        );
        assert!(figures.contains(&line), "{line} missing:\n{figures}");
    }
    assert!(
        figures.contains("wabot_business_lookup_seconds_count 3"),
        "{figures}"
    );
    let log = wabot.log();
    assert!(
        log.matches("business API lookup failed").count() >= 2,
        "{log}"
    );
    for customer in [good, failing, slow] {
        assert!(!log.contains(customer), "a phone number in the log:\n{log}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hanging_lookup_holds_up_no_other_customer() {
    let (dir, graph, shop) = (scratch(), graph().await, MockServer::start().await);
    let (waiting, other) = ("15550000011", "15550000012");
    let hanging = ResponseTemplate::new(200)
        .set_body_json(orders("ORD-AFTER-WAIT"))
        .set_delay(Duration::from_secs(4));
    answers(&shop, waiting, hanging).await;
    let wabot = start(&dir, &graph, &shop, "10000");
    let client = reqwest::Client::new();
    say(&client, &wabot, waiting, "w1", "hi").await;
    wait_seen(&graph, waiting, 1).await;
    say(&client, &wabot, waiting, "w2", "1").await;
    wait_seen(&graph, waiting, 2).await;
    say(&client, &wabot, waiting, "w3", "1").await;
    // Let the lookup start, then another customer writes.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let asked = Instant::now();
    say(&client, &wabot, other, "o1", "hi").await;
    let answered = wait_seen(&graph, other, 1).await;
    assert!(answered[0].contains("Main Menu"), "{answered:?}");
    assert!(
        asked.elapsed() < Duration::from_secs(2),
        "the other customer waited {:?}",
        asked.elapsed()
    );
    assert_eq!(
        seen_by(&graph, waiting).await.len(),
        2,
        "the lookup was still under way"
    );
    // The waiting customer gets the remote order once the API answers, then the menu.
    let seen = wait_seen(&graph, waiting, 4).await;
    assert!(seen[2].contains("ORD-AFTER-WAIT"), "{seen:?}");
    wait_for(&graph, 5).await;
}
