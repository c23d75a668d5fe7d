//! Building webhook events, and driving a conversation through the engine on the store.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use wabot_app::{
    ContactIds, Conversations, CustomerMessage, DeliveryStatus, InboundPayload, Inbox,
    NewInboundItem, NewWebhookEvent, OutboundDraft, OutboundKind, StatusUpdate, StepData,
    StepRecord, StoreError,
};
use wabot_engine::{ConversationState, DEFAULT_MENU_TOML, Engine, Input, Menu, Reply};
use wabot_store::DieselStore;

/// The first page of anything, big enough for every test.
pub const FIRST: wabot_app::Page = wabot_app::Page {
    limit: 100,
    after: None,
};

/// How long a sender's lease on an outbound message lasts in these tests.
pub const LEASE: Duration = Duration::from_secs(30);

pub fn noon() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap()
}

pub fn phone(wa_id: &str) -> ContactIds {
    ContactIds {
        wa_id: Some(wa_id.to_owned()),
        user_id: None,
    }
}

pub fn message_item(
    contact: ContactIds,
    message_id: &str,
    text: &str,
    at: DateTime<Utc>,
) -> NewInboundItem {
    NewInboundItem {
        dedupe_key: message_id.to_owned(),
        contact: contact.clone(),
        profile_name: Some("Ana".to_owned()),
        occurred_at: at,
        payload: InboundPayload::Message(CustomerMessage {
            message_id: message_id.to_owned(),
            kind: "text".to_owned(),
            input: Input::text(text),
            reply_to: contact,
        }),
    }
}

pub fn status_item(
    contact: ContactIds,
    message_id: &str,
    status: DeliveryStatus,
    at: DateTime<Utc>,
) -> NewInboundItem {
    NewInboundItem {
        dedupe_key: format!("{message_id}:{}", status.as_str()),
        contact,
        profile_name: None,
        occurred_at: at,
        payload: InboundPayload::Status(StatusUpdate {
            message_id: message_id.to_owned(),
            status,
            error_code: None,
            error_title: None,
        }),
    }
}

pub fn event(items: Vec<NewInboundItem>, at: DateTime<Utc>) -> NewWebhookEvent {
    NewWebhookEvent {
        received_at: at,
        body: r#"{"object":"whatsapp_business_account"}"#.to_owned(),
        items,
        account_updates: Vec::new(),
    }
}

pub fn engine() -> Arc<Engine> {
    Arc::new(Engine::new(Menu::from_toml_str(DEFAULT_MENU_TOML).unwrap()))
}

/// The replies as the drafts a real worker would queue (here: the reply's JSON).
pub fn drafts(replies: &[Reply]) -> Vec<OutboundDraft> {
    replies
        .iter()
        .map(|reply| OutboundDraft {
            kind: OutboundKind::Text,
            body: serde_json::to_string(reply).unwrap(),
        })
        .collect()
}

/// One engine step at `at` as a worker records it (replies as [`drafts`]).
pub fn engine_step(
    engine: &Engine,
    at: DateTime<Utc>,
    state: ConversationState,
    input: &Input,
    data: &mut StepData<'_>,
) -> Result<StepRecord, StoreError> {
    let step = engine.step(at, &state, input, data)?;
    Ok(StepRecord {
        state: step.state,
        replies: drafts(&step.replies),
        events: step.events,
        handoff: step.handoff,
    })
}

/// Stores one webhook with one text message from `wa_id`.
pub async fn ingest_text(
    store: &DieselStore,
    wa_id: &str,
    message_id: &str,
    text: &str,
    at: DateTime<Utc>,
) {
    store
        .ingest(event(
            vec![message_item(phone(wa_id), message_id, text, at)],
            at,
        ))
        .await
        .unwrap();
}

/// Sends `text` from `wa_id`, then takes that conversation's turn through the engine, as a worker
/// does. Returns the replies of the last step.
pub async fn say(
    store: &DieselStore,
    engine: &Arc<Engine>,
    wa_id: &str,
    message_id: &str,
    text: &str,
    at: DateTime<Utc>,
) -> Vec<Reply> {
    say_as(store, engine, phone(wa_id), message_id, text, at).await
}

/// [`say`] from any ids (a user id, a number, or both).
pub async fn say_as(
    store: &DieselStore,
    engine: &Arc<Engine>,
    from: ContactIds,
    message_id: &str,
    text: &str,
    at: DateTime<Utc>,
) -> Vec<Reply> {
    store
        .ingest(event(vec![message_item(from, message_id, text, at)], at))
        .await
        .unwrap();
    let last = Arc::new(Mutex::new(Vec::new()));
    let (engine, seen) = (Arc::clone(engine), Arc::clone(&last));
    let turn = store
        .step_next(at, 20, move |_customer, message, state, data| {
            let record = engine_step(&engine, at, state, &message.input, data)?;
            *seen.lock().unwrap() = record
                .replies
                .iter()
                .map(|d| serde_json::from_str(&d.body).unwrap())
                .collect();
            Ok(record)
        })
        .await
        .unwrap()
        .expect("a conversation to step");
    assert!(turn.failed.is_none(), "{turn:?}");
    last.lock().unwrap().clone()
}

/// A connection of its own to the database at `url` (another instance, or a look behind the ports).
pub fn connect(url: &str) -> wabot_store::AnyConnection {
    use r2d2::ManageConnection;
    wabot_store::Manager::new(wabot_store::DatabaseUrl::parse(url).unwrap())
        .connect()
        .unwrap()
}

/// Runs `query` on a connection of its own, off the async threads.
pub async fn query<T: Send + 'static>(
    url: &str,
    query: impl FnOnce(&mut wabot_store::AnyConnection) -> T + Send + 'static,
) -> T {
    let url = url.to_owned();
    tokio::task::spawn_blocking(move || query(&mut connect(&url)))
        .await
        .unwrap()
}

/// A step that keeps the state as it was and says nothing.
pub fn unchanged(
    state: wabot_engine::ConversationState,
) -> Result<StepRecord, wabot_app::StoreError> {
    Ok(StepRecord {
        state,
        replies: Vec::new(),
        events: Vec::new(),
        handoff: None,
    })
}

/// The first outbound message in a contact's history.
pub async fn first_outbound(
    store: &wabot_store::DieselStore,
    contact_id: i64,
) -> wabot_app::MessageRecord {
    let history = wabot_app::Contacts::history(store, contact_id, FIRST)
        .await
        .unwrap();
    history
        .into_iter()
        .find(|m| m.direction == wabot_app::Direction::Out)
        .unwrap()
}

/// Status items still waiting for their send.
pub async fn pending_statuses(url: &str) -> i64 {
    use diesel::prelude::*;
    use wabot_store::schema::inbound_items;
    query(url, |c| {
        inbound_items::table
            .filter(inbound_items::state.eq("pending"))
            .filter(inbound_items::kind.eq("status"))
            .count()
            .get_result(c)
            .unwrap()
    })
    .await
}
