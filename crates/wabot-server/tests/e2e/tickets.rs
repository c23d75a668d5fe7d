//! Ticket updates end to end, on the real binary: a customer reports a defect through the menu's
//! form; `PATCH /api/tickets/{reference}` moves it and the customer hears — free text while their
//! 24-hour window is open, the configured template (valid against Meta's request schema) once it is
//! closed, and nothing, with the reason in the answer, when no template is configured. Same status,
//! bad status and unknown reference answer as documented.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use wiremock::MockServer;

use crate::console_traffic::webhook;
use crate::handoff::api;
use crate::harness::{SECRET, Wabot, graph, post_signed, scratch, sent, shown, text};
use crate::schema::{request_validator, spec};

/// The defect form from the main menu: report, no order, a description, no photo, confirm.
const REPORT: [&str; 7] = [
    "hi",
    "2",
    "1",
    "skip",
    "The door of the wardrobe is scratched.",
    "skip",
    "yes",
];

/// `from` reports a defect; its messages are dated `ago` before now (an old date closes the
/// window). Returns once the bot confirmed the report with its reference.
async fn report(client: &reqwest::Client, wabot: &Wabot, graph: &MockServer, from: &str, ago: i64) {
    let start = wabot_app::utc_now().timestamp() - ago;
    for (n, said) in REPORT.into_iter().enumerate() {
        let mut message = json!({"from": from, "id": format!("{from}.{n}"),
            "timestamp": (start + n as i64).to_string()});
        message["type"] = text(said)["type"].clone();
        message["text"] = text(said)["text"].clone();
        let body = webhook(
            json!({"contacts": [{"profile": {"name": "E2E"}, "wa_id": from}],
            "messages": [message]}),
        );
        assert_eq!(post_signed(client, &wabot.base, &body, SECRET).await, 200);
    }
    until(graph, |body| {
        body["to"] == from && shown(body).contains("registered as")
    })
    .await;
}

/// Waits (up to 20 s) for a sent message that `wanted` accepts; returns it.
async fn until(graph: &MockServer, wanted: impl Fn(&Value) -> bool) -> Value {
    let started = Instant::now();
    loop {
        if let Some(found) = sent(graph).await.into_iter().find(|body| wanted(body)) {
            return found;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "never sent; sent: {:?}",
            sent(graph).await
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The reference of `from`'s ticket, from the confirmation the bot sent.
async fn reference_of(graph: &MockServer, from: &str) -> String {
    let confirmed = until(graph, |b| {
        b["to"] == from && shown(b).contains("registered as")
    })
    .await;
    let shown = shown(&confirmed);
    let start = shown.find("DEF-").unwrap();
    shown[start..start + 7].to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ticket_update_reaches_the_customer_as_text_or_template() {
    let (dir, graph) = (scratch(), graph().await);
    let wabot = Wabot::start_with(
        &dir,
        &graph,
        &[
            ("WABOT__META__MARK_READ", "never"),
            ("WABOT__TICKETS__UPDATE_TEMPLATE", "ticket_update"),
            ("WABOT__TICKETS__UPDATE_TEMPLATE_LANGUAGE", "en_US"),
        ],
    );
    let client = reqwest::Client::new();
    let (talking, gone) = ("5511900000001", "5511900000002");
    report(&client, &wabot, &graph, talking, 60).await;
    report(&client, &wabot, &graph, gone, 3 * 24 * 3600).await;
    let (open, closed) = (
        reference_of(&graph, talking).await,
        reference_of(&graph, gone).await,
    );

    let (status, shown_ticket) = api(
        &client,
        &wabot,
        "GET",
        &format!("/api/tickets/{open}"),
        Value::Null,
    )
    .await;
    assert_eq!(status, 200, "{shown_ticket}");
    assert_eq!(shown_ticket["status"], "open");
    assert_eq!(shown_ticket["history"].as_array().unwrap().len(), 1);

    // Window open: free text, with the note, and the history keeps who.
    let change = json!({"status": "in_review", "note": "We are looking at it.", "by": "ana"});
    let (status, answer) = api(
        &client,
        &wabot,
        "PATCH",
        &format!("/api/tickets/{open}"),
        change,
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        (
            answer["notified"].as_str(),
            answer["previous_status"].as_str()
        ),
        (Some("text"), Some("open"))
    );
    let told = until(&graph, |b| {
        b["to"] == talking && shown(b).contains("In review")
    })
    .await;
    assert_eq!(told["type"], "text");
    assert!(shown(&told).contains(&open) && shown(&told).contains("We are looking at it."));
    let (_, after) = api(
        &client,
        &wabot,
        "GET",
        &format!("/api/tickets/{}", open.to_lowercase()),
        Value::Null,
    )
    .await;
    assert_eq!(
        after["history"][1]["note"],
        "We are looking at it. — by ana"
    );

    // Window closed: the configured template, valid against Meta's request schema.
    let change = json!({"status": "awaiting_parts", "note": "Part ordered,\narrives Friday."});
    let (status, answer) = api(
        &client,
        &wabot,
        "PATCH",
        &format!("/api/tickets/{closed}"),
        change,
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["notified"], "template");
    let template = until(&graph, |b| b["to"] == gone && b["type"] == "template").await;
    let errors: Vec<String> = request_validator(spec())
        .iter_errors(&template)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{template}\n{errors:?}");
    assert_eq!(template["template"]["name"], "ticket_update");
    assert_eq!(
        template["template"]["components"][0]["parameters"],
        json!([{"type": "text", "text": closed}, {"type": "text", "text": "Awaiting parts"},
            {"type": "text", "text": "Part ordered, arrives Friday."}])
    );
    assert!(
        sent(&graph)
            .await
            .iter()
            .all(|b| !(b["to"] == gone && shown(b).contains("Awaiting parts"))),
        "no free text outside the window"
    );

    // The same status again: the note is kept, nobody is told.
    let (status, answer) = api(
        &client,
        &wabot,
        "PATCH",
        &format!("/api/tickets/{closed}"),
        json!({"status": "awaiting_parts", "note": "chased the supplier"}),
    )
    .await;
    assert_eq!(
        (
            status,
            answer["notified"].as_str(),
            answer["reason_code"].as_str()
        ),
        (200, Some("not_notified"), Some("same_status"))
    );
    // Bad status, unknown ticket.
    let (status, answer) = api(
        &client,
        &wabot,
        "PATCH",
        &format!("/api/tickets/{open}"),
        json!({"status": "lost"}),
    )
    .await;
    assert_eq!(
        (status, answer["field"].as_str()),
        (422, Some("status")),
        "{answer}"
    );
    let (status, _) = api(
        &client,
        &wabot,
        "PATCH",
        "/api/tickets/DEF-999",
        json!({"status": "closed"}),
    )
    .await;
    assert_eq!(status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_template_a_closed_window_means_no_message_and_the_answer_says_why() {
    let (dir, graph) = (scratch(), graph().await);
    let wabot = Wabot::start_with(&dir, &graph, &[("WABOT__META__MARK_READ", "never")]);
    let client = reqwest::Client::new();
    let gone = "5511900000003";
    report(&client, &wabot, &graph, gone, 2 * 24 * 3600).await;
    let reference = reference_of(&graph, gone).await;
    let (status, answer) = api(
        &client,
        &wabot,
        "PATCH",
        &format!("/api/tickets/{reference}"),
        json!({"status": "resolved"}),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["notified"], "not_notified");
    assert_eq!(answer["reason_code"], "window_closed_without_template");
    assert!(
        answer["reason"]
            .as_str()
            .unwrap()
            .contains("update_template")
    );
    tokio::time::sleep(Duration::from_millis(700)).await;
    let told = sent(&graph)
        .await
        .into_iter()
        .filter(|b| b["to"] == gone && (b["type"] == "template" || shown(b).contains("Resolved")));
    assert_eq!(told.count(), 0, "nothing is sent");
}
