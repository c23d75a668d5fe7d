//! A bot on a real SQLite store for the admin, metrics and readiness tests: the webhook and admin
//! routes of one app, real signatures, and the real conversation and delivery use cases (sandbox
//! messenger) to move messages along.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use actix_web::body::MessageBody;
use actix_web::dev::ServiceResponse;
use actix_web::test;
use wabot_app::{
    Converse, Deliver, DeliveryObserver, Heartbeat, SandboxMessenger, TokenBucket, utc_now,
};
use wabot_cloud_api::{CloudApiRenderer, SignatureVerifier, sign};
use wabot_engine::{DEFAULT_MENU_TOML, Engine, Menu};
use wabot_http::{
    AdminState, AdminToken, AppState, ContactTag, DEFAULT_BODY_LIMIT, Metrics, Readiness,
    WebhookState,
};
use wabot_store::DieselStore;

pub const SECRET: &[u8] = b"admin-test-secret";
pub const ADMIN_TOKEN: &str = "an-admin-token-of-some-length";

static NEXT: AtomicUsize = AtomicUsize::new(0);

/// A store in a file of its own (removed on drop), and what the app is built from.
pub struct Bot {
    pub store: DieselStore,
    pub path: PathBuf,
    pub metrics: Arc<Metrics>,
    pub sender_wakes: Arc<AtomicUsize>,
    pub readiness: Readiness,
}

impl Drop for Bot {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.path.display()));
        }
    }
}

pub async fn bot() -> Bot {
    let path = std::env::temp_dir().join(format!(
        "wabot_http_{}_{}.db",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let store = DieselStore::open(&format!("sqlite://{}", path.display()), 2)
        .await
        .unwrap();
    let readiness = Readiness {
        conversations: Arc::new(Heartbeat::new()),
        deliveries: Arc::new(Heartbeat::new()),
        max_silence: chrono::TimeDelta::seconds(30),
    };
    Bot {
        store,
        path,
        metrics: Arc::new(Metrics::new()),
        sender_wakes: Arc::new(AtomicUsize::new(0)),
        readiness,
    }
}

/// What the app is built from over a [`Bot`], with `token` as the admin token.
pub fn app_state(bot: &Bot, token: &str) -> AppState<DieselStore> {
    let wakes = Arc::clone(&bot.sender_wakes);
    let webhook = WebhookState {
        inbox: bot.store.clone(),
        verifier: SignatureVerifier::new(&[SECRET]).unwrap(),
        verify_token: "verify".to_owned(),
        wake: Arc::new(|| {}),
        readiness: bot.readiness.clone(),
        metrics: Arc::clone(&bot.metrics),
        tags: Arc::new(ContactTag::new(SECRET)),
        business_app_takes_over: true,
    };
    let current_engine = Arc::new(wabot_app::CurrentEngine::new(Arc::new(
        wabot_engine::Engine::new(
            wabot_engine::Menu::from_toml_str(wabot_engine::DEFAULT_MENU_TOML).unwrap(),
        ),
    )));
    let admin = AdminState {
        store: bot.store.clone(),
        wake_senders: Arc::new(move || {
            wakes.fetch_add(1, Ordering::SeqCst);
        }),
        idle_after: chrono::TimeDelta::minutes(30),
        tags: Arc::new(ContactTag::new(SECRET)),
        reload_menu: Arc::new(|| {
            Ok(wabot_http::MenuReloaded {
                path: "config/menu.toml".to_owned(),
                nodes: 1,
            })
        }),
        handoff_desk: Arc::new(wabot_app::HandoffDesk::new(
            bot.store.clone(),
            Arc::clone(&current_engine),
            Arc::new(wabot_cloud_api::CloudApiRenderer),
        )),
        ticket_mover: Arc::new(wabot_app::TicketMover::new(
            bot.store.clone(),
            Arc::clone(&current_engine),
            Arc::new(wabot_cloud_api::CloudApiRenderer),
            None,
        )),
        read_media: Arc::new(|_| Box::pin(async { Ok(None) })),
        upload_media: Arc::new(|bytes, _, _| {
            Box::pin(async move { Ok(format!("uploaded-{}", bytes.len())) })
        }),
        current_engine,
        campaigns: wabot_http::CampaignsConfig {
            pace: wabot_app::CampaignPace {
                default_per_second: 20.0,
                max_per_second: 60.0,
            },
            fetch_templates: Arc::new(|| {
                Box::pin(async {
                    Err(wabot_http::TemplateFetchError::NotConfigured(
                        "meta.waba_id is not set".into(),
                    ))
                })
            }),
        },
    };
    AppState::new(
        webhook,
        admin,
        AdminToken::new(token).unwrap(),
        DEFAULT_BODY_LIMIT,
    )
}

/// The full app (webhook, health, readiness, admin API, metrics) over a [`Bot`], with `$token` as the
/// admin token: `wabot_http::app`, the server's own assembly, run in-process. (A macro only because
/// the service `init_service` returns is named with `actix_http`'s request type, which this crate
/// does not depend on.)
macro_rules! admin_app {
    ($bot:expr, $token:expr) => {
        actix_web::test::init_service(wabot_http::app(crate::support::app_state(&$bot, $token)))
            .await
    };
}

/// A text message webhook from `from`.
pub fn text_webhook(from: &str, id: &str, text: &str) -> String {
    serde_json::json!({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{
    "field": "messages",
    "value": {
        "metadata": {"phone_number_id": "PN"},
        "contacts": [{"profile": {"name": "Ana"}, "wa_id": from}],
        "messages": [{"from": from, "id": id, "timestamp": utc_now().timestamp().to_string(),
                      "type": "text", "text": {"body": text}}]
    }}]}]})
    .to_string()
}

/// A status webhook for one of our messages (`error_code` for `failed`).
pub fn status_webhook(to: &str, wamid: &str, status: &str, error_code: Option<i64>) -> String {
    let mut status = serde_json::json!({"id": wamid, "status": status, "recipient_id": to,
        "timestamp": utc_now().timestamp().to_string()});
    if let Some(code) = error_code {
        status["errors"] = serde_json::json!([{"code": code, "title": "Message undeliverable"}]);
    }
    serde_json::json!({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{
        "field": "messages",
        "value": {"metadata": {"phone_number_id": "PN"}, "statuses": [status]}}]}]})
    .to_string()
}

pub fn signed(body: &str) -> test::TestRequest {
    test::TestRequest::post()
        .uri("/webhook")
        .insert_header(("X-Hub-Signature-256", sign(SECRET, body.as_bytes())))
        .insert_header(("Content-Type", "application/json"))
        .set_payload(body.to_owned())
}

pub fn admin_get(uri: &str) -> test::TestRequest {
    test::TestRequest::get()
        .uri(uri)
        .insert_header(("Authorization", format!("Bearer {ADMIN_TOKEN}")))
}

pub fn admin_post(uri: &str, body: &serde_json::Value) -> test::TestRequest {
    test::TestRequest::post()
        .uri(uri)
        .insert_header(("Authorization", format!("Bearer {ADMIN_TOKEN}")))
        .set_json(body)
}

/// Steps every pending conversation through the default menu.
pub async fn converse(bot: &Bot) {
    let engine = Arc::new(Engine::new(Menu::from_toml_str(DEFAULT_MENU_TOML).unwrap()));
    let worker = Converse::new(bot.store.clone(), engine, Arc::new(CloudApiRenderer));
    while worker.run_once(utc_now()).await.unwrap() > 0 {}
}

/// Sends every due message through the sandbox messenger, observed by the bot's metrics.
pub async fn deliver(bot: &Bot) {
    let bucket = Arc::new(TokenBucket::new(1000, utc_now()));
    let observer: Arc<dyn DeliveryObserver> = bot.metrics.clone();
    let worker = Deliver::new(
        bot.store.clone(),
        AsMeta(SandboxMessenger::new()),
        bucket,
        "s",
        50,
    )
    .with_observer(observer);
    while !worker.run_once(utc_now()).await.unwrap().is_empty() {}
}

/// Meta as the tests need it: accepts every message with a fresh id, and its messages are `sent`
/// (status webhooks move them on), not `sandboxed`.
struct AsMeta(SandboxMessenger);

impl wabot_app::Messenger for AsMeta {
    async fn send(&self, body: &str) -> Result<wabot_app::Accepted, wabot_app::SendFailure> {
        self.0.send(body).await
    }

    async fn mark_read(&self, message_id: &str) -> Result<(), wabot_app::SendFailure> {
        self.0.mark_read(message_id).await
    }
}

/// The body of a response as JSON.
pub async fn json<B: MessageBody>(response: ServiceResponse<B>) -> serde_json::Value {
    let body = test::read_body(response).await;
    serde_json::from_slice(&body).unwrap_or_else(|_| {
        panic!("not JSON: {}", String::from_utf8_lossy(&body));
    })
}
