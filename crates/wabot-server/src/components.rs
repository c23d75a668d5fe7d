//! [`Components`]: the parts every way of running the bot shares, built once from the settings — the
//! store (opened once, which applies pending migrations), the engine over the compiled menu, and the
//! renderer — and the conversation and delivery use cases over them. The server
//! ([`crate::Application`]) and the terminal chat ([`crate::chat`]) both start here, so neither
//! wires these parts a second time.

use std::sync::Arc;

use secrecy::ExposeSecret;
use wabot_app::{
    Converse, CurrentEngine, Deliver, LookupObserver, Lookups, Messenger, TimeDelta, TokenBucket,
    Unobserved,
};
use wabot_cloud_api::CloudApiRenderer;
use wabot_engine::{Engine, Menu};
use wabot_store::DieselStore;

use crate::settings::Settings;

/// The store, the engine and the renderer, ready for workers.
pub struct Components {
    /// The database, migrated.
    pub store: DieselStore,
    /// The conversation engine over the compiled menu, shared by the workers and replaced by a
    /// menu reload.
    pub engine: Arc<CurrentEngine>,
    /// Turns the engine's replies into Cloud API request bodies.
    pub renderer: Arc<CloudApiRenderer>,
    /// The menu's idle timeout: a conversation quiet for longer counts as left.
    pub idle_after: TimeDelta,
    /// Where orders and schedule are fetched from outside the step (`business.source = "http"`),
    /// and who is told of each lookup; `None`: the store's tables, inside the step.
    pub lookups: Option<Lookups>,
}

impl Components {
    /// Opens the store with `pool_size` connections — applying pending migrations, logged with their
    /// versions — and compiles the menu file.
    pub async fn open(settings: &Settings, pool_size: u32) -> anyhow::Result<Self> {
        let store = DieselStore::open(settings.database.url.expose_secret(), pool_size).await?;
        let applied = store.applied_migrations();
        tracing::info!(
            database = %store.url(),
            applied = applied.len(),
            versions = ?applied,
            "migrations applied"
        );
        let menu = load_menu(&settings.menu.path)?;
        let idle_after = menu.idle_timeout();
        let source = crate::business_source::from_settings(settings)?;
        Ok(Self {
            store,
            engine: Arc::new(CurrentEngine::new(Arc::new(Engine::new(menu)))),
            renderer: Arc::new(CloudApiRenderer),
            idle_after,
            lookups: source.map(|source| Lookups::new(source, Arc::new(Unobserved))),
        })
    }

    /// Tells `observer` (the metrics) of every lookup of the business's API, if there is one.
    pub fn observe_lookups(&mut self, observer: Arc<dyn LookupObserver>) {
        if let Some(lookups) = &mut self.lookups {
            *lookups = lookups.observed_by(observer);
        }
    }

    /// A conversation worker's use case: steps pending conversations through the engine.
    pub fn converse(&self) -> Converse<DieselStore, CloudApiRenderer> {
        let converse = Converse::sharing(
            self.store.clone(),
            Arc::clone(&self.engine),
            Arc::clone(&self.renderer),
        );
        match &self.lookups {
            Some(lookups) => converse.with_lookups(lookups.clone()),
            None => converse,
        }
    }

    /// The sender's use case called `owner`: sends due outbox messages with `messenger`, paced by
    /// `bucket`, at most `max_in_flight` at once.
    pub fn deliver<M: Messenger>(
        &self,
        messenger: M,
        bucket: Arc<TokenBucket>,
        owner: String,
        max_in_flight: usize,
    ) -> Deliver<DieselStore, M> {
        Deliver::new(self.store.clone(), messenger, bucket, owner, max_in_flight)
    }
}

/// Reads and compiles the menu file, or explains every problem in it.
pub fn load_menu(path: &str) -> anyhow::Result<Menu> {
    crate::reload::compile_menu(path).map_err(|problems| {
        anyhow::anyhow!("the menu file has problems:\n  {}", problems.join("\n  "))
    })
}
