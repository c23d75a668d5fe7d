//! [`Application`]: the whole server, wired from its settings in one place. [`Application::build`]
//! opens the store (once: that applies pending migrations), compiles the menu, chooses the messenger,
//! prepares the workers, assembles the HTTP app (`wabot_http::app`) and **binds** its address — so
//! `server.bind = "127.0.0.1:0"` works and [`Application::address`] tells which port was taken.
//! [`Application::run`] starts the workers (and the menu reload on SIGHUP) and serves until SIGINT or
//! SIGTERM.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use actix_web::HttpServer;
use actix_web::dev::Server;
use anyhow::Context;
use secrecy::ExposeSecret;
use wabot_app::{DeliveryObserver, HandoffDesk, MediaReader, TicketMover, media_reader};
use wabot_cloud_api::{CloudApiRenderer, SignatureVerifier};
use wabot_console::{ConsoleConfig, ConsoleState};
use wabot_http::{AdminState, AdminToken, AppState, ContactTag, Metrics, Readiness, WebhookState};
use wabot_store::{DieselStore, DiskMediaStore};

use crate::components::Components;
use crate::handoff_timer;
use crate::media_worker;
use crate::messenger::AnyMessenger;
use crate::observer::Logged;
use crate::reload::{self, MenuReloader};
use crate::settings::Settings;
use crate::workers::{self, Signals, Stopping, Task};

/// The server, bound and ready to run.
pub struct Application {
    server: Server,
    address: SocketAddr,
    database: String,
    /// The conversation workers and the menu reloader.
    workers: Vec<Task>,
    /// The sender, stopped apart: it finishes the sends in flight.
    sender: Task,
    stopping: Arc<Stopping>,
    /// The longest the sender may take to finish at shutdown: one Graph API call and a little.
    drain_limit: Duration,
}

impl Application {
    /// Wires everything the settings describe and binds the listening socket. Nothing is served and
    /// no worker runs before [`Application::run`].
    pub async fn build(settings: &Settings) -> anyhow::Result<Self> {
        let mut components = Components::open(settings, settings.database.pool_size).await?;
        let messenger = Arc::new(AnyMessenger::from_settings(settings)?);
        let metrics = Arc::new(Metrics::new());
        components.observe_lookups(Arc::clone(&metrics) as Arc<dyn wabot_app::LookupObserver>);
        let signals = Signals::default();
        let observer: Arc<dyn DeliveryObserver> = Arc::new(Logged::new(
            Arc::clone(&metrics) as Arc<dyn DeliveryObserver>
        ));
        let upload_media = crate::messenger::uploader(Arc::clone(&messenger));
        let mut workers = workers::tasks(settings, &components, messenger, &signals, observer);
        let sender = workers.pop().context("the workers include the sender")?;
        let reloader = Arc::new(MenuReloader::new(
            &settings.menu.path,
            Arc::clone(&components.engine),
            Arc::clone(&metrics),
        ));
        workers.push(reload::on_sighup(Arc::clone(&reloader)));
        let desk = Arc::new(HandoffDesk::new(
            components.store.clone(),
            Arc::clone(&components.engine),
            Arc::new(CloudApiRenderer),
        ));
        workers.push(Box::pin(handoff_timer::run(
            Arc::clone(&desk),
            Duration::from_secs(u64::from(settings.handoff.unclaimed_seconds)),
            Duration::from_secs(u64::from(settings.handoff.idle_claim_seconds)),
            Arc::clone(&signals.outbound),
        )));
        workers.push(Box::pin(crate::planner_statistics::keep_fresh(
            components.store.clone(),
        )));
        workers.push(Box::pin(crate::campaigns::feeder(
            components.store.clone(),
            Arc::clone(&signals.outbound),
        )));
        let ticket_mover = Arc::new(TicketMover::new(
            components.store.clone(),
            Arc::clone(&components.engine),
            Arc::new(CloudApiRenderer),
            settings.tickets.update_template(),
        ));
        let files = DiskMediaStore::new(&settings.media.folder);
        let read_media = media_reader(Arc::new(files.clone()));
        workers.extend(media_worker::task(
            settings,
            components.store.clone(),
            files,
            &signals,
        )?);
        let console = console_state(settings, &components, &signals)
            .map(|console| {
                console
                    .with_ticket_mover(Arc::clone(&ticket_mover))
                    .with_media_reader(Arc::clone(&read_media))
            })
            .map(actix_web::web::Data::new);
        let admin = AdminParts {
            reloader,
            handoff_desk: desk,
            ticket_mover,
            read_media,
            upload_media,
        };
        let state = app_state(settings, &components, &signals, metrics, admin)?;
        let server = HttpServer::new(move || {
            let console = console.clone();
            wabot_http::app(state.clone()).configure(move |config| {
                if let Some(console) = console {
                    wabot_console::configure(console)(config);
                }
            })
        })
            .shutdown_timeout(settings.server.shutdown_timeout_seconds)
            .bind(&settings.server.bind)
            .with_context(|| {
                format!(
                    "cannot listen on {}: another program may use this port; choose another                      address with server.bind (or WABOT__SERVER__BIND)",
                    settings.server.bind
                )
            })?;
        let address = *server
            .addrs()
            .first()
            .with_context(|| format!("{} names no address", settings.server.bind))?;
        Ok(Self {
            server: server.run(),
            address,
            database: components.store.url().to_string(),
            workers,
            sender,
            stopping: Arc::clone(&signals.stopping),
            drain_limit: Duration::from_secs(settings.meta.timeout_seconds.max(1) + 2),
        })
    }

    /// The address it listens on (the first, if the bind address named several).
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The port it listens on (the one the system chose for port 0).
    pub fn port(&self) -> u16 {
        self.address.port()
    }

    /// The database URL as it may be shown (password masked).
    pub fn database(&self) -> &str {
        &self.database
    }

    /// Starts the workers and serves until SIGINT or SIGTERM. Then actix stops accepting, lets
    /// in-flight requests finish (up to the shutdown timeout) and returns; the sender takes nothing
    /// new and records the sends in flight (up to one Graph API timeout), and the other workers are
    /// stopped: a conversation turn they had not committed is still pending in the database, for the
    /// next start (or another instance) at once.
    pub async fn run(self) -> anyhow::Result<()> {
        let workers: Vec<_> = self.workers.into_iter().map(tokio::spawn).collect();
        let sender = tokio::spawn(self.sender);
        let served = self.server.await;
        for worker in workers {
            worker.abort();
        }
        self.stopping.stop();
        if tokio::time::timeout(self.drain_limit, sender)
            .await
            .is_err()
        {
            tracing::warn!(
                "the sender did not finish in time; its sends will be taken over when their leases run out"
            );
        }
        served?;
        tracing::info!("wabot stopped");
        Ok(())
    }
}

/// What the HTTP app is built from: the webhook routes' state (the inbox, the signature verifier over
/// the app secrets, a way to wake the conversation workers, their heartbeats), the admin API's state
/// (the store, a way to wake the senders) and its token.
fn app_state(
    settings: &Settings,
    components: &Components,
    signals: &Signals,
    metrics: Arc<Metrics>,
    parts: AdminParts,
) -> anyhow::Result<AppState<DieselStore>> {
    let AdminParts {
        reloader,
        handoff_desk,
        ticket_mover,
        read_media,
        upload_media,
    } = parts;
    let secrets = [
        settings.meta.app_secret.expose_secret(),
        settings.meta.previous_app_secret.expose_secret(),
    ];
    let verifier = SignatureVerifier::new(&secrets)?;
    let tags = Arc::new(ContactTag::new(secrets[0].as_bytes()));
    let inbound = Arc::clone(&signals.inbound);
    let webhook = WebhookState {
        inbox: components.store.clone(),
        verifier,
        verify_token: settings.meta.verify_token.expose_secret().to_owned(),
        // One worker per webhook, not all of them: a turn takes up to 16 waiting conversations,
        // and a worker that finds more goes on without waiting. A wake-up that finds every worker
        // busy is kept (as `Notify`'s one permit) for the next to wait. Waking all of them made
        // each webhook cost several empty turns (measured: #20).
        wake: Arc::new(move || inbound.notify_one()),
        readiness: Readiness {
            conversations: Arc::clone(&signals.conversations_alive),
            deliveries: Arc::clone(&signals.deliveries_alive),
            // A worker may spend a whole Graph API timeout on one send, plus a few poll intervals.
            max_silence: chrono_seconds(settings.meta.timeout_seconds + 20),
        },
        metrics,
        tags: Arc::clone(&tags),
        business_app_takes_over: settings.handoff.business_app_takes_over,
    };
    let admin_token = AdminToken::new(settings.admin.api_token.expose_secret())?;
    if !admin_token.enabled() {
        tracing::info!("admin API disabled: admin.api_token is empty");
    }
    let outbound = Arc::clone(&signals.outbound);
    let admin = AdminState {
        store: components.store.clone(),
        wake_senders: Arc::new(move || outbound.notify_waiters()),
        idle_after: components.idle_after,
        tags,
        reload_menu: Arc::new(move || reloader.reload()),
        handoff_desk,
        current_engine: Arc::clone(&components.engine),
        ticket_mover,
        read_media,
        upload_media,
        campaigns: wabot_http::CampaignsConfig {
            pace: crate::campaigns::pace(settings),
            fetch_templates: crate::campaigns::template_fetcher(settings),
        },
    };
    Ok(AppState::new(
        webhook,
        admin,
        admin_token,
        settings.server.body_limit_bytes,
    ))
}

/// The admin API's use cases, built with the workers that share them.
struct AdminParts {
    reloader: Arc<MenuReloader>,
    handoff_desk: Arc<HandoffDesk<DieselStore, CloudApiRenderer>>,
    ticket_mover: Arc<TicketMover<DieselStore, CloudApiRenderer>>,
    read_media: MediaReader,
    upload_media: wabot_app::MediaUploader,
}

/// The console's state, when it is enabled.
fn console_state(
    settings: &Settings,
    components: &Components,
    signals: &Signals,
) -> Option<ConsoleState<DieselStore>> {
    let console = &settings.console;
    if !console.enabled {
        tracing::info!("console disabled: console.enabled is false");
        return None;
    }
    let config = ConsoleConfig {
        idle_timeout: wabot_app::TimeDelta::minutes(i64::from(console.idle_timeout_minutes)),
        max_session: wabot_app::TimeDelta::hours(i64::from(console.session_hours)),
        trust_forwarded_proto: console.trust_proxy_headers,
        agents_see_numbers: console.agents_see_numbers,
    };
    let engine = Arc::clone(&components.engine);
    let outbound = Arc::clone(&signals.outbound);
    Some(ConsoleState::new(
        components.store.clone(),
        config,
        engine,
        Arc::new(move || outbound.notify_waiters()),
    ))
}

fn chrono_seconds(seconds: u64) -> wabot_app::TimeDelta {
    wabot_app::TimeDelta::seconds(i64::try_from(seconds).unwrap_or(i64::MAX))
}
