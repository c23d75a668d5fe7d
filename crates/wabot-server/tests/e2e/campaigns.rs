//! Campaigns on the real binary against a fake Graph API that serves the template list (two pages)
//! and records every send: an operator syncs templates, launches a campaign to a CSV audience,
//! pauses and resumes it, and nobody who said stop gets it; a `kill -9` midway and a restart send
//! every recipient exactly once (bar the sends on the wire, which the counts report); a template
//! paused by webhook stops its campaign. The load test with customers walking the menu during a
//! campaign is in `campaign_load.rs`.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::console_traffic::{message, text, webhook};
use crate::harness::{ADMIN, PHONE, SECRET, Wabot, post_signed, scratch, sent, shown, wait_for};

/// The template every campaign here sends: Meta's example marketing template.
fn fall_sale() -> Value {
    json!({"id": "920070352646140", "name": "fall_sale", "language": "en_US",
        "category": "MARKETING", "status": "APPROVED", "components": [
            {"format": "TEXT", "text": "Fall Sale", "type": "HEADER"},
            {"text": "Hi {{1}}, our Fall Sale is on! Use promo code {{2}}", "type": "BODY"},
            {"buttons": [{"text": "Stop promotions", "type": "QUICK_REPLY"}], "type": "BUTTONS"}]})
}

/// A fake Graph API: the template list in two pages (`hello_world`, then `fall_sale`), and
/// `/messages` answered after `delay` with a new wamid each.
pub async fn campaign_graph(delay: Duration) -> MockServer {
    let server = MockServer::start().await;
    let list = "/v23.0/WABA1/message_templates".to_owned();
    Mock::given(method("GET"))
        .and(path(list.clone()))
        .and(query_param("after", "PAGE2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [fall_sale()], "paging": {"cursors": {"before": "PAGE2", "after": "END"}}})))
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(list))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [{"id": "1192339204654487", "name": "hello_world", "language": "en_US",
                "category": "UTILITY", "status": "APPROVED",
                "components": [{"type": "BODY", "text": "Welcome!"}]}],
            "paging": {"cursors": {"before": "A", "after": "PAGE2"},
                "next": "https://graph.facebook.com/v23.0/WABA1/message_templates?after=PAGE2"}})))
        .with_priority(2)
        .mount(&server)
        .await;
    let counter = Arc::new(AtomicU64::new(1));
    Mock::given(method("POST"))
        .and(path(format!("/v23.0/{PHONE}/messages")))
        .respond_with(move |_: &Request| {
            let n = counter.fetch_add(1, Ordering::Relaxed);
            ResponseTemplate::new(200)
                .set_delay(delay)
                .set_body_json(json!({
                "messaging_product": "whatsapp", "messages": [{"id": format!("wamid.c.{n}")}]}))
        })
        .mount(&server)
        .await;
    server
}

/// The settings every campaign test runs with.
pub const CAMPAIGN_ENV: [(&str, &str); 3] = [
    ("WABOT__META__WABA_ID", "WABA1"),
    ("WABOT__META__MESSAGES_PER_SECOND", "250"),
    ("WABOT__CAMPAIGNS__MAX_MESSAGES_PER_SECOND", "200"),
];

/// Calls the admin API with a JSON body (or none).
pub async fn api(wabot: &Wabot, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .request(method.parse().unwrap(), format!("{}{path}", wabot.base))
        .bearer_auth(ADMIN);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Creates a campaign from a CSV body.
pub async fn create_csv(wabot: &Wabot, query: &str, csv: String) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(format!("{}/api/campaigns?{query}", wabot.base))
        .bearer_auth(ADMIN)
        .header("Content-Type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// A CSV of `numbers`, each with its name and a code.
pub fn csv_of(numbers: &[String]) -> String {
    let mut csv = "phone,1,2\n".to_owned();
    for (i, number) in numbers.iter().enumerate() {
        csv.push_str(&format!("+{number},Customer {i},FALL{i}\n"));
    }
    csv
}

/// Syncs the templates and checks both pages were read.
pub async fn sync(wabot: &Wabot) {
    let (status, body) = api(wabot, "POST", "/api/templates/sync", None).await;
    assert_eq!(status, 200, "{body}");
    let names: Vec<&str> = body
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["fall_sale", "hello_world"]);
    assert_eq!(body[0]["parameters"], json!(["1", "2"]));
}

/// Waits until the campaign's JSON satisfies `done`; returns it.
pub async fn campaign_until(wabot: &Wabot, id: i64, done: impl Fn(&Value) -> bool) -> Value {
    let started = Instant::now();
    loop {
        let (status, body) = api(wabot, "GET", &format!("/api/campaigns/{id}"), None).await;
        assert_eq!(status, 200, "{body}");
        if done(&body) {
            return body;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the campaign never got there: {body}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The template messages the fake Graph API received, by recipient.
pub async fn templates_by_recipient(graph: &MockServer) -> HashMap<String, usize> {
    let mut by = HashMap::new();
    for body in sent(graph).await {
        if body["type"] == "template" {
            *by.entry(body["to"].as_str().unwrap().to_owned())
                .or_default() += 1;
        }
    }
    by
}

fn numbers(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("1666{i:07}")).collect()
}

async fn say(wabot: &Wabot, from: &str, id: &str, content: Value) {
    let body = message(from, "Ana", id, content);
    assert_eq!(
        post_signed(&reqwest::Client::new(), &wabot.base, &body, SECRET).await,
        200
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operator_runs_a_csv_campaign_and_nobody_who_said_stop_gets_it() {
    let graph = campaign_graph(Duration::ZERO).await;
    let dir = scratch();
    let wabot = Wabot::start_with(&dir, &graph, &CAMPAIGN_ENV);
    sync(&wabot).await;
    let audience = numbers(20);
    // One customer says STOP and confirms with a tap; another stops marketing in WhatsApp itself.
    say(&wabot, &audience[3], "stop.1", text("STOP")).await;
    let asked = wait_for(&graph, 1).await;
    assert!(
        shown(&asked[0]).contains("Yes, stop offers"),
        "{}",
        asked[0]
    );
    let tap = json!({"type": "interactive", "interactive": {"type": "button_reply",
        "button_reply": {"id": "marketing:stop", "title": "Yes, stop offers"}}});
    say(&wabot, &audience[3], "stop.2", tap).await;
    wait_for(&graph, 2).await;
    let preference = webhook(json!({"user_preferences": [{"wa_id": audience[4],
        "detail": "User requested to stop marketing messages", "category": "marketing_messages",
        "value": "stop", "timestamp": 1_795_000_000}]}))
    .replace("\"field\":\"messages\"", "\"field\":\"user_preferences\"");
    assert_eq!(
        post_signed(&reqwest::Client::new(), &wabot.base, &preference, SECRET).await,
        200
    );
    // A CSV whose rows lack a parameter is refused, naming it; nothing is stored.
    let query = "name=Fall%20sale&template=fall_sale&language=en_US&messages_per_second=10";
    let (status, body) = create_csv(&wabot, query, "phone,1\n15550001111,Ana\n".into()).await;
    assert_eq!(
        (status, body["field"].as_str()),
        (422, Some("recipients[0].2")),
        "{body}"
    );
    let (status, body) = create_csv(&wabot, query, csv_of(&audience)).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["counts"]["skipped"], json!({"opted_out": 2}), "{body}");
    let id = body["id"].as_i64().unwrap();
    // Paused after a few sends: nothing more goes out until it is resumed.
    campaign_until(&wabot, id, |c| c["counts"]["sent"].as_i64() >= Some(3)).await;
    let (status, paused) = api(&wabot, "POST", &format!("/api/campaigns/{id}/pause"), None).await;
    assert_eq!(
        (status, paused["state"].as_str()),
        (200, Some("paused")),
        "{paused}"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    let before = templates_by_recipient(&graph).await.values().sum::<usize>();
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(
        templates_by_recipient(&graph).await.values().sum::<usize>(),
        before
    );
    let (status, _) = api(&wabot, "POST", &format!("/api/campaigns/{id}/resume"), None).await;
    assert_eq!(status, 200);
    let done = campaign_until(&wabot, id, |c| {
        c["state"] == "completed" && c["counts"]["queued"] == 0
    })
    .await;
    assert_eq!(done["counts"]["sent"], 18, "{done}");
    let by = templates_by_recipient(&graph).await;
    assert_eq!(by.len(), 18);
    assert!(by.values().all(|n| *n == 1), "{by:?}");
    assert!(!by.contains_key(&audience[3]) && !by.contains_key(&audience[4]));
    let one = sent(&graph)
        .await
        .into_iter()
        .find(|b| b["to"] == audience[0])
        .unwrap();
    assert_eq!(
        one["template"]["components"][0]["parameters"],
        json!([{"type": "text", "text": "Customer 0"}, {"type": "text", "text": "FALL0"}])
    );
    let (status, _) = api(&wabot, "POST", &format!("/api/campaigns/{id}/resume"), None).await;
    assert_eq!(status, 409, "a completed campaign cannot be resumed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kill_9_midway_resumes_and_sends_each_recipient_once() {
    let graph = campaign_graph(Duration::from_millis(150)).await;
    let dir = scratch();
    let wabot = Wabot::start_with(&dir, &graph, &CAMPAIGN_ENV);
    sync(&wabot).await;
    let audience = numbers(300);
    let query = "name=Crash&template=fall_sale&language=en_US&messages_per_second=100";
    let (status, body) = create_csv(&wabot, query, csv_of(&audience)).await;
    assert_eq!(status, 201, "{body}");
    let id = body["id"].as_i64().unwrap();
    campaign_until(&wabot, id, |c| c["counts"]["sent"].as_i64() >= Some(60)).await;
    wabot.kill();
    let before = templates_by_recipient(&graph).await.values().sum::<usize>();
    assert!(before < 300, "the campaign ended before the kill");
    let wabot = Wabot::start_with(&dir, &graph, &CAMPAIGN_ENV);
    let done = campaign_until(&wabot, id, |c| {
        c["state"] == "completed" && c["counts"]["queued"] == 0
    })
    .await;
    let by = templates_by_recipient(&graph).await;
    assert_eq!(by.len(), 300, "every recipient got it");
    let twice: i64 = by.values().map(|n| i64::try_from(*n - 1).unwrap()).sum();
    let reported = done["counts"]["resent_after_crash"].as_i64().unwrap();
    // Only sends on the wire at the kill went twice, and each is reported.
    assert!(
        twice <= reported,
        "{twice} sent twice, {reported} reported: {done}"
    );
    assert!(by.values().all(|n| *n <= 2), "{by:?}");
    assert_eq!(done["counts"]["sent"], 300, "{done}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_template_paused_by_webhook_stops_the_campaign() {
    let graph = campaign_graph(Duration::ZERO).await;
    let dir = scratch();
    let wabot = Wabot::start_with(&dir, &graph, &CAMPAIGN_ENV);
    sync(&wabot).await;
    let query = "name=Paused&template=fall_sale&language=en_US&messages_per_second=5";
    let (status, body) = create_csv(&wabot, query, csv_of(&numbers(40))).await;
    assert_eq!(status, 201, "{body}");
    let id = body["id"].as_i64().unwrap();
    campaign_until(&wabot, id, |c| c["counts"]["sent"].as_i64() >= Some(2)).await;
    let paused =
        json!({"object": "whatsapp_business_account", "entry": [{"id": "WABA1", "changes": [{
        "field": "message_template_status_update", "value": {"event": "PAUSED",
        "message_template_id": 920_070_352_646_140_u64, "message_template_name": "fall_sale",
        "message_template_language": "en_US", "reason": "LOW_QUALITY"}}]}]})
        .to_string();
    assert_eq!(
        post_signed(&reqwest::Client::new(), &wabot.base, &paused, SECRET).await,
        200
    );
    let stopped = campaign_until(&wabot, id, |c| c["state"] == "stopped").await;
    assert_eq!(
        stopped["stop_reason"],
        "template fall_sale (en_US) is PAUSED: LOW_QUALITY"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    let so_far = templates_by_recipient(&graph).await.values().sum::<usize>();
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(
        templates_by_recipient(&graph).await.values().sum::<usize>(),
        so_far
    );
    assert!(so_far < 40);
    let (status, body) = api(&wabot, "POST", &format!("/api/campaigns/{id}/resume"), None).await;
    assert_eq!(status, 409, "{body}");
}
