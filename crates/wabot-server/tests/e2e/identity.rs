//! Customers are people, end to end: one user id writing from two numbers is answered at each, a
//! number change announced by WhatsApp moves the customer (and the admin API finds them by the new
//! number and by their user id), and a username user with no number is answered at the user id.

use serde_json::{Value, json};

use crate::harness::{ADMIN, SECRET, Wabot, graph, post_signed, scratch, wait_for};

/// A webhook with one message from `from` (a number, a user id, or both) with `content`.
fn webhook(from: Option<&str>, user_id: Option<&str>, id: &str, content: Value) -> String {
    let mut message = json!({"id": id, "timestamp": "1795000000"});
    let mut contact = json!({"profile": {"name": "E2E"}});
    if let Some(from) = from {
        message["from"] = json!(from);
        contact["wa_id"] = json!(from);
    }
    if let Some(user_id) = user_id {
        message["from_user_id"] = json!(user_id);
        contact["user_id"] = json!(user_id);
    }
    for (key, value) in content.as_object().unwrap() {
        message[key] = value.clone();
    }
    json!({"object": "whatsapp_business_account", "entry": [{"id": "WABA", "changes": [{"field": "messages", "value": {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550000000", "phone_number_id": crate::harness::PHONE},
        "contacts": [contact],
        "messages": [message]
    }}]}]})
    .to_string()
}

fn hi() -> Value {
    json!({"type": "text", "text": {"body": "hi"}})
}

/// The admin API's view of the contact `id` names (a number or a user id).
async fn admin_contact(client: &reqwest::Client, wabot: &Wabot, id: &str) -> Value {
    client
        .get(format!("{}/api/contacts/{id}", wabot.base))
        .bearer_auth(ADMIN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_message_is_answered_where_it_came_from_and_a_number_change_moves_the_customer() {
    let graph = graph().await;
    let dir = scratch();
    let wabot = Wabot::start(&dir, &graph);
    let client = reqwest::Client::new();
    let user = "US.77001";
    for (n, (from, id)) in [("15557700001", "id.1"), ("15557700002", "id.2")]
        .into_iter()
        .enumerate()
    {
        let body = webhook(Some(from), Some(user), id, hi());
        assert_eq!(post_signed(&client, &wabot.base, &body, SECRET).await, 200);
        let sent = wait_for(&graph, n + 1).await;
        assert_eq!(
            sent[n]["to"], from,
            "each message is answered at its own number"
        );
    }
    // WhatsApp announces that the customer moved to a third number.
    let notice = webhook(
        Some("15557700002"),
        Some(user),
        "id.system",
        json!({"type": "system", "system": {"type": "user_changed_number",
            "body": "User A changed from 15557700002 to 15557700003", "wa_id": "15557700003"}}),
    );
    assert_eq!(
        post_signed(&client, &wabot.base, &notice, SECRET).await,
        200
    );
    let body = webhook(Some("15557700003"), None, "id.3", hi());
    assert_eq!(post_signed(&client, &wabot.base, &body, SECRET).await, 200);
    let sent = wait_for(&graph, 3).await;
    assert_eq!(sent[2]["to"], "15557700003");
    assert_eq!(sent.len(), 3, "the system message got no reply");
    let by_number = admin_contact(&client, &wabot, "+1%20555-770-0003").await;
    let by_user = admin_contact(&client, &wabot, user).await;
    assert_eq!(by_number["id"], by_user["id"], "{by_number} / {by_user}");
    assert_eq!(by_number["wa_id"], "15557700003");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_username_user_is_answered_at_the_user_id() {
    let graph = graph().await;
    let dir = scratch();
    let wabot = Wabot::start(&dir, &graph);
    let client = reqwest::Client::new();
    let body = webhook(None, Some("US.88001"), "id.u", hi());
    assert_eq!(post_signed(&client, &wabot.base, &body, SECRET).await, 200);
    let sent = wait_for(&graph, 1).await;
    assert_eq!(sent[0]["to"], "US.88001");
}
