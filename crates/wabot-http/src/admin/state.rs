//! What the admin handlers share: the store (behind its ports), a way to wake the senders, how
//! long a conversation may be quiet before it counts as left, and a way to reload the menu.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use chrono::TimeDelta;
use wabot_app::{
    CampaignPace, CurrentEngine, HandoffDesk, MediaReader, MediaUploader, SyncedTemplate,
    TicketMover,
};
use wabot_cloud_api::CloudApiRenderer;

use crate::contact_tag::ContactTag;

/// The admin handlers' state.
pub struct AdminState<S> {
    /// The store, used through the contacts, conversations, statistics and outreach ports.
    pub store: S,
    /// Called after a message was queued (the senders poll as well).
    pub wake_senders: Arc<dyn Fn() + Send + Sync>,
    /// A conversation quiet for longer is no longer active; in the stats it counts as dropped off at
    /// the node it was left at.
    pub idle_after: TimeDelta,
    /// How logs name recipients (never by phone number).
    pub tags: Arc<ContactTag>,
    /// Reads the menu file again and puts it in use if it is valid (`POST /api/menu/reload`).
    pub reload_menu: Arc<dyn Fn() -> MenuReload + Send + Sync>,
    /// What agents do with handoffs (replies rendered like the bot's).
    pub handoff_desk: Arc<HandoffDesk<S, CloudApiRenderer>>,
    /// The menu in use: orders written through the API take its `settings.order_prefix`.
    pub current_engine: Arc<CurrentEngine>,
    /// Moves defect tickets and tells their customers (`PATCH /api/tickets/{reference}`).
    pub ticket_mover: Arc<TicketMover<S, CloudApiRenderer>>,
    /// Reads tickets' kept files (`GET /api/tickets/{reference}/media/{n}`).
    pub read_media: MediaReader,
    /// Uploads files to WhatsApp (`POST /api/messages/attachment`).
    pub upload_media: MediaUploader,
    /// Campaigns: their pace limits, and how the business's templates are read from the Graph API.
    pub campaigns: CampaignsConfig,
}

/// What the campaign and template routes need besides the store.
#[derive(Clone)]
pub struct CampaignsConfig {
    /// The pace limits (`[campaigns]` settings).
    pub pace: CampaignPace,
    /// Reads every template of the business account (`POST /api/templates/sync`).
    pub fetch_templates: Arc<dyn Fn() -> TemplateFetch + Send + Sync>,
}

/// A template read under way: the templates, or why they could not be read.
pub type TemplateFetch =
    Pin<Box<dyn Future<Output = Result<Vec<SyncedTemplate>, TemplateFetchError>> + Send>>;

/// Why the templates could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TemplateFetchError {
    /// There is nothing to read them from (`meta.waba_id` or the access token is not set).
    #[error("{0}")]
    NotConfigured(String),
    /// The Graph API refused or failed.
    #[error("the Graph API failed: {0}")]
    Graph(String),
}

/// What a menu reload did: the new menu in use, or every problem of the file (the running menu
/// kept).
pub type MenuReload = Result<MenuReloaded, Vec<String>>;

/// A menu put in use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MenuReloaded {
    /// The file it was read from.
    pub path: String,
    /// How many nodes it has.
    pub nodes: usize,
}
