//! A customer reaches a person and comes back to the bot, on the real binary: asking for a person
//! queues them and silences the bot; both messages they write meanwhile reach the agent and get no
//! bot reply; the agent claims (a second claim is refused), replies (the Graph API receives it),
//! and closes; the customer's next message gets the menu again. And the timeout path: nobody
//! claims, the customer is told and leaves a message that agents see in the queue.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::console_traffic::{message, text};
use crate::harness::{ADMIN, SECRET, Wabot, graph, post_signed, scratch, sent, shown, wait_for};

pub async fn api(
    client: &reqwest::Client,
    wabot: &Wabot,
    method: &str,
    path: &str,
    body: Value,
) -> (u16, Value) {
    let request = client
        .request(method.parse().unwrap(), format!("{}{path}", wabot.base))
        .bearer_auth(ADMIN)
        .json(&body);
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (
        status,
        response.json::<Value>().await.unwrap_or(Value::Null),
    )
}

async fn say(client: &reqwest::Client, wabot: &Wabot, from: &str, id: &str, body: &str) {
    let webhook = message(from, "Rita Souza", id, text(body));
    assert_eq!(
        post_signed(client, &wabot.base, &webhook, SECRET).await,
        200
    );
}

/// Waits until the open handoffs satisfy `check`; returns them.
async fn handoffs_until(
    client: &reqwest::Client,
    wabot: &Wabot,
    check: impl Fn(&[Value]) -> bool,
) -> Vec<Value> {
    let started = Instant::now();
    loop {
        let (status, body) = api(client, wabot, "GET", "/api/handoffs", Value::Null).await;
        assert_eq!(status, 200, "{body}");
        let list = body["handoffs"].as_array().cloned().unwrap_or_default();
        if check(&list) {
            return list;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the handoffs never got there: {body}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_reaches_a_person_and_comes_back_to_the_bot() {
    let (dir, graph) = (scratch(), graph().await);
    let wabot = Wabot::start_with(&dir, &graph, &[("WABOT__META__MARK_READ", "never")]);
    let client = reqwest::Client::new();
    let customer = "5511977770001";
    say(&client, &wabot, customer, "h1", "hi").await;
    say(&client, &wabot, customer, "h2", "agent").await;
    let queued = wait_for(&graph, 2).await;
    assert!(
        shown(&queued[1]).contains("in the queue"),
        "{}",
        shown(&queued[1])
    );
    let open = handoffs_until(&client, &wabot, |list| list.len() == 1).await;
    let id = open[0]["id"].as_i64().unwrap();
    assert_eq!(
        (open[0]["state"].as_str(), open[0]["phone_number"].as_str()),
        (Some("waiting"), Some(customer))
    );

    // The bot stays silent while the customer waits; both messages are there for the agent.
    say(&client, &wabot, customer, "h3", "my order never came").await;
    say(&client, &wabot, customer, "h4", "1").await;
    let contact = open[0]["contact_id"].as_i64().unwrap();
    let started = Instant::now();
    loop {
        let (_, history) = api(
            &client,
            &wabot,
            "GET",
            &format!("/api/contacts/{contact}/messages"),
            Value::Null,
        )
        .await;
        let inbound = history["items"]
            .as_array()
            .map_or(0, |m| m.iter().filter(|m| m["direction"] == "in").count());
        if inbound == 4 {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "{history}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        sent(&graph).await.len(),
        2,
        "no bot reply while waiting for a person"
    );

    // One agent per conversation.
    let (status, claimed) = api(
        &client,
        &wabot,
        "POST",
        &format!("/api/handoffs/{id}/claim"),
        json!({"agent": "ana"}),
    )
    .await;
    assert_eq!(
        (status, claimed["agent"].as_str()),
        (200, Some("ana")),
        "{claimed}"
    );
    let (status, refused) = api(
        &client,
        &wabot,
        "POST",
        &format!("/api/handoffs/{id}/claim"),
        json!({"agent": "bo"}),
    )
    .await;
    assert_eq!(status, 409, "{refused}");
    assert!(
        refused["error"].as_str().unwrap().contains("ana"),
        "{refused}"
    );

    let (status, _) = api(
        &client,
        &wabot,
        "POST",
        &format!("/api/handoffs/{id}/note"),
        json!({"text": "order ORD-123 lost by the courier"}),
    )
    .await;
    assert_eq!(status, 204);
    let (status, body) = api(
        &client,
        &wabot,
        "POST",
        &format!("/api/handoffs/{id}/reply"),
        json!({"text": "Hi Rita, Ana here. I am sending a new one today."}),
    )
    .await;
    assert_eq!(status, 202, "{body}");
    let replies = wait_for(&graph, 3).await;
    assert!(
        shown(&replies[2]).contains("Ana here"),
        "{}",
        shown(&replies[2])
    );
    assert_eq!(replies[2]["to"], customer);

    let (status, _) = api(
        &client,
        &wabot,
        "POST",
        &format!("/api/handoffs/{id}/close"),
        json!({}),
    )
    .await;
    assert_eq!(status, 204);
    let closing = wait_for(&graph, 5).await;
    assert!(
        shown(&closing[3]).contains("closed this conversation"),
        "{}",
        shown(&closing[3])
    );
    assert!(shown(&closing[4]).contains("Main Menu"));
    handoffs_until(&client, &wabot, <[Value]>::is_empty).await;

    // The bot answers again.
    say(&client, &wabot, customer, "h5", "1").await;
    let after = wait_for(&graph, 6).await;
    assert!(
        shown(&after[5]).contains("Order Status"),
        "{}",
        shown(&after[5])
    );
    let (status, _) = api(
        &client,
        &wabot,
        "POST",
        &format!("/api/handoffs/{id}/close"),
        json!({}),
    )
    .await;
    assert_eq!(status, 404, "closed once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nobody_claims_so_the_customer_leaves_a_message() {
    let (dir, graph) = (scratch(), graph().await);
    let wabot = Wabot::start_with(
        &dir,
        &graph,
        &[
            ("WABOT__META__MARK_READ", "never"),
            ("WABOT__HANDOFF__UNCLAIMED_SECONDS", "1"),
        ],
    );
    let client = reqwest::Client::new();
    let customer = "5511977770002";
    say(&client, &wabot, customer, "t1", "human").await;
    wait_for(&graph, 1).await;
    // The timer (every 5 s) tells the customer nobody is free.
    let told = wait_for(&graph, 2).await;
    assert!(
        shown(&told[1]).contains("nobody from our team is free"),
        "{}",
        shown(&told[1])
    );
    say(
        &client,
        &wabot,
        customer,
        "t2",
        "Please call me back after 5pm",
    )
    .await;
    let thanks = wait_for(&graph, 3).await;
    assert!(
        shown(&thanks[2]).contains("we have your message"),
        "{}",
        shown(&thanks[2])
    );
    let queue = handoffs_until(&client, &wabot, |list| {
        list.first().is_some_and(|h| h["state"] == "message_left")
    })
    .await;
    assert_eq!(queue[0]["message_left"], "Please call me back after 5pm");
}

/// A webhook with one message the business sent from the WhatsApp Business app.
fn echo(to: &str, id: &str, body: &str) -> String {
    json!({"object": "whatsapp_business_account", "entry": [{"id": "WABA", "changes": [{"field": "smb_message_echoes", "value": {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550000000", "phone_number_id": crate::harness::PHONE},
        "message_echoes": [{"from": "15550000000", "to": to, "id": id,
            "timestamp": wabot_app::utc_now().timestamp().to_string(), "type": "text", "text": {"body": body}}]
    }}]}]})
    .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_writing_from_the_business_app_silences_the_bot() {
    let (dir, graph) = (scratch(), graph().await);
    let wabot = Wabot::start_with(&dir, &graph, &[("WABOT__META__MARK_READ", "never")]);
    let client = reqwest::Client::new();
    let customer = "5511977770003";
    say(&client, &wabot, customer, "e1", "hi").await;
    wait_for(&graph, 1).await;
    let status = post_signed(
        &client,
        &wabot.base,
        &echo(customer, "wamid.echo.1", "Hi, Maria from the shop here"),
        SECRET,
    )
    .await;
    assert_eq!(status, 200);
    let open = handoffs_until(&client, &wabot, |list| list.len() == 1).await;
    assert_eq!(
        (open[0]["state"].as_str(), open[0]["agent"].as_str()),
        (Some("claimed"), Some("business app"))
    );
    // The customer answers the person: the bot says nothing, and the echo is in the conversation.
    say(&client, &wabot, customer, "e2", "1").await;
    let contact = open[0]["contact_id"].as_i64().unwrap();
    let started = Instant::now();
    loop {
        let (_, history) = api(
            &client,
            &wabot,
            "GET",
            &format!("/api/contacts/{contact}/messages"),
            Value::Null,
        )
        .await;
        let items = history["items"].as_array().cloned().unwrap_or_default();
        let echoed = items
            .iter()
            .any(|m| m["direction"] == "out" && m["wa_message_id"] == "wamid.echo.1");
        if echoed && items.iter().filter(|m| m["direction"] == "in").count() == 2 {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "{history}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        sent(&graph).await.len(),
        1,
        "the bot does not talk over the person"
    );
    // The same echo delivered again changes nothing.
    let status = post_signed(
        &client,
        &wabot.base,
        &echo(customer, "wamid.echo.1", "Hi, Maria from the shop here"),
        SECRET,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        handoffs_until(&client, &wabot, |list| list.len() == 1)
            .await
            .len(),
        1
    );
    // Closed, then the old echo delivered late: the bot keeps the conversation.
    let id = open[0]["id"].as_i64().unwrap();
    let (status, _) = api(
        &client,
        &wabot,
        "POST",
        &format!("/api/handoffs/{id}/close"),
        json!({}),
    )
    .await;
    assert_eq!(status, 204);
    let late = echo(customer, "wamid.echo.1", "Hi, Maria from the shop here");
    assert_eq!(post_signed(&client, &wabot.base, &late, SECRET).await, 200);
    tokio::time::sleep(Duration::from_millis(500)).await;
    handoffs_until(&client, &wabot, <[Value]>::is_empty).await;
    say(&client, &wabot, customer, "e3", "1").await;
    let answered = wait_for(&graph, 4).await;
    assert!(
        shown(&answered[3]).contains("Order Status"),
        "{}",
        shown(&answered[3])
    );
}
