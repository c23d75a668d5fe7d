//! `/api/templates`: the business's message templates as last synced from the Graph API, and
//! the sync itself. One handler per file; the view here.

pub mod list;
pub mod sync;

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use wabot_app::TemplateRecord;

/// A template.
#[derive(Debug, Serialize, ToSchema)]
pub struct TemplateView {
    /// Its name.
    pub name: String,
    /// Its language code.
    pub language: String,
    /// `MARKETING` (opt-outs apply), `UTILITY` or `AUTHENTICATION`.
    pub category: String,
    /// `APPROVED` (sendable), `PAUSED`, `DISABLED`, `REJECTED`, `PENDING`, `DELETED` (gone from
    /// the account at the last sync), …
    pub status: String,
    /// Meta's quality score (`GREEN`, `YELLOW`, `RED`), once reported.
    pub quality: Option<String>,
    /// Meta's reason for its last status change.
    pub reason: Option<String>,
    /// The parameter keys a send must give, in order (`1`, `2`, `header.1`, `header.image`,
    /// `button.0`, or a named placeholder).
    pub parameters: Vec<String>,
    /// When it was last synced or changed by a webhook.
    pub updated_at: DateTime<Utc>,
}

impl From<TemplateRecord> for TemplateView {
    fn from(template: TemplateRecord) -> Self {
        Self {
            parameters: template.parameters.into_iter().map(|p| p.key).collect(),
            name: template.name,
            language: template.language,
            category: template.category,
            status: template.status,
            quality: template.quality,
            reason: template.reason,
            updated_at: template.updated_at,
        }
    }
}
