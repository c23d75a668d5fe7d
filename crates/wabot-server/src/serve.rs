//! `wabot serve`: migrations, the menu, the store, the workers and the HTTP server, wired together.

use std::sync::Arc;
use std::time::Duration;

use actix_web::HttpServer;
use anyhow::Context;
use secrecy::ExposeSecret;
use wabot_app::{Converse, Deliver, SandboxMessenger, TokenBucket, utc_now};
use wabot_cloud_api::{
    CloudApiClient, CloudApiConfig, CloudApiRenderer, SecretString, SignatureVerifier,
};
use wabot_engine::{Engine, Menu};
use wabot_http::{AdminState, AdminToken, AppState, ContactTag, Metrics, Readiness, WebhookState};
use wabot_store::{DatabaseUrl, DieselStore};

use crate::messenger::AnyMessenger;
use crate::settings::Settings;
use crate::workers::{self, Signals};

fn chrono_seconds(seconds: u64) -> wabot_app::TimeDelta {
    wabot_app::TimeDelta::seconds(i64::try_from(seconds).unwrap_or(i64::MAX))
}

/// Reads and compiles the menu file, or explains every problem in it.
pub fn load_menu(path: &str) -> anyhow::Result<Menu> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the menu file {path}"))?;
    Menu::from_toml_str(&text).map_err(|errors| anyhow::anyhow!("{path}: {errors}"))
}

fn messenger(settings: &Settings) -> anyhow::Result<AnyMessenger> {
    if settings.sandbox() {
        return Ok(AnyMessenger::Sandbox(SandboxMessenger::new()));
    }
    let meta = &settings.meta;
    let mut config = CloudApiConfig::new(
        &meta.phone_number_id,
        SecretString::from(meta.access_token.expose_secret()),
    );
    config.base_url = meta.api_base_url.clone();
    config.api_version = meta.api_version.clone();
    config.timeout = Duration::from_secs(meta.timeout_seconds.max(1));
    Ok(AnyMessenger::Live(CloudApiClient::new(config)?))
}

/// Runs the server until it is stopped (SIGINT or SIGTERM). The banner goes to standard output for
/// the person who started it; everything else is logged.
#[allow(clippy::print_stdout)]
pub async fn serve(settings: Settings) -> anyhow::Result<()> {
    let problems = settings.problems();
    if !problems.is_empty() {
        anyhow::bail!(
            "the settings cannot run as they are:\n  {}",
            problems.join("\n  ")
        );
    }
    let url = settings.database.url.expose_secret().to_owned();
    let shown = DatabaseUrl::parse(&url)?.to_string();
    let applied = DieselStore::migrate(&url).await?;
    tracing::info!(database = %shown, applied = applied.len(), versions = ?applied, "migrations applied");
    let store = DieselStore::open(&url, settings.database.pool_size).await?;
    let menu = load_menu(&settings.menu.path)?;
    let idle_after = menu.idle_timeout();
    let engine = Arc::new(Engine::new(menu));
    let metrics = Arc::new(Metrics::new());
    let messenger = Arc::new(messenger(&settings)?);
    let secrets = [
        settings.meta.app_secret.expose_secret(),
        settings.meta.previous_app_secret.expose_secret(),
    ];
    let verifier = SignatureVerifier::new(&secrets)?;
    let tags = Arc::new(ContactTag::new(secrets[0].as_bytes()));
    let signals = Signals::default();
    let poll = Duration::from_millis(settings.workers.poll_interval_ms.max(10));
    let bucket = Arc::new(TokenBucket::new(
        settings.meta.messages_per_second,
        utc_now(),
    ));
    let renderer = Arc::new(CloudApiRenderer);
    let lease = Duration::from_secs(settings.workers.lease_seconds.max(1));
    let instance = format!("{}-{}", std::process::id(), utc_now().timestamp_micros());
    for _ in 0..settings.workers.conversations.max(1) {
        let worker = Converse::new(store.clone(), Arc::clone(&engine), Arc::clone(&renderer));
        tokio::spawn(workers::conversations(worker, signals.clone(), poll));
    }
    for n in 0..settings.workers.senders.max(1) {
        let worker = Deliver::new(
            store.clone(),
            Arc::clone(&messenger),
            Arc::clone(&bucket),
            format!("{instance}-s{n}"),
            16,
        )
        .with_lease(lease)
        .with_observer(Arc::clone(&metrics) as Arc<dyn wabot_app::DeliveryObserver>);
        tokio::spawn(workers::deliveries(
            worker,
            Arc::clone(&bucket),
            signals.clone(),
            poll,
        ));
    }
    let inbound = Arc::clone(&signals.inbound);
    let webhook = WebhookState {
        inbox: store.clone(),
        verifier,
        verify_token: settings.meta.verify_token.expose_secret().to_owned(),
        wake: Arc::new(move || inbound.notify_waiters()),
        readiness: Readiness {
            conversations: Arc::clone(&signals.conversations_alive),
            deliveries: Arc::clone(&signals.deliveries_alive),
            // A worker may spend a whole Graph API timeout on one send, plus a few poll intervals.
            max_silence: chrono_seconds(settings.meta.timeout_seconds + 20),
        },
        metrics: Arc::clone(&metrics),
        tags: Arc::clone(&tags),
    };
    let admin_token = AdminToken::new(settings.admin.api_token.expose_secret())?;
    if !admin_token.enabled() {
        tracing::info!("admin API disabled: admin.api_token is empty");
    }
    let outbound = Arc::clone(&signals.outbound);
    let admin = AdminState {
        store: store.clone(),
        wake_senders: Arc::new(move || outbound.notify_waiters()),
        idle_after,
        tags,
    };
    let state = AppState::new(
        webhook,
        admin,
        admin_token,
        settings.server.body_limit_bytes,
    );
    let server = HttpServer::new(move || wabot_http::app(state.clone()))
        .shutdown_timeout(settings.server.shutdown_timeout_seconds)
        .bind(&settings.server.bind)
        .with_context(|| format!("cannot listen on {}", settings.server.bind))?;
    let address = server
        .addrs()
        .first()
        .map(ToString::to_string)
        .unwrap_or_default();
    let mode = if settings.sandbox() {
        "sandbox (replies are recorded, not sent)"
    } else {
        "live"
    };
    tracing::info!(%address, %mode, database = %shown, "wabot is listening");
    println!("wabot listening on http://{address} — {mode}; database {shown}");
    if settings.sandbox() {
        println!(
            "Try it: see docs/setup.md for a signed test webhook, or `curl http://{address}/health`."
        );
    }
    // On SIGTERM or SIGINT actix stops accepting, lets in-flight requests finish (up to the shutdown
    // timeout) and returns. The workers stop with the runtime: a conversation turn they had not
    // committed is still pending in the database, for the next start (or another instance) at once.
    server.run().await?;
    tracing::info!("wabot stopped");
    Ok(())
}
