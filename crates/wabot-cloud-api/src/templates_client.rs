//! Reading the business's message templates: `GET /{version}/{waba-id}/message_templates`, every
//! page (Meta pages by cursor: `paging.cursors.after`, while `paging.next` says there is more).

use serde::Deserialize;
use serde_json::Value;
use wabot_app::SyncedTemplate;

use crate::client::CloudApiClient;
use crate::error::ClientError;

/// The fields a sync asks for.
const FIELDS: &str = "id,name,language,category,status,parameter_format,components";
/// Templates per page (Meta's default is 25).
const PAGE_SIZE: &str = "100";
/// The most pages a sync reads (Meta allows a few hundred templates per account).
const MAX_PAGES: usize = 100;

#[derive(Deserialize)]
struct TemplatePage {
    #[serde(default)]
    data: Vec<Value>,
    paging: Option<Paging>,
}

#[derive(Deserialize)]
struct Paging {
    next: Option<String>,
    cursors: Option<Cursors>,
}

#[derive(Deserialize)]
struct Cursors {
    after: Option<String>,
}

fn text(value: &Value, key: &str) -> Option<String> {
    value.get(key).and_then(crate::json::text)
}

/// A listed template, or `None` without a name and language.
fn template(value: &Value) -> Option<SyncedTemplate> {
    Some(SyncedTemplate {
        meta_id: text(value, "id"),
        name: text(value, "name")?,
        language: text(value, "language")?,
        category: text(value, "category").unwrap_or_default(),
        status: text(value, "status").unwrap_or_default(),
        parameter_format: text(value, "parameter_format"),
        components: value
            .get("components")
            .cloned()
            .unwrap_or(Value::Array(Vec::new())),
    })
}

impl CloudApiClient {
    /// Every message template of the WhatsApp Business Account `waba_id`, all pages.
    pub async fn message_templates(
        &self,
        waba_id: &str,
    ) -> Result<Vec<SyncedTemplate>, ClientError> {
        let mut templates = Vec::new();
        let mut after: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let mut query = vec![("fields", FIELDS), ("limit", PAGE_SIZE)];
            if let Some(cursor) = &after {
                query.push(("after", cursor));
            }
            let request = self
                .http()
                .get(self.url(&format!("{waba_id}/message_templates")))
                .query(&query);
            let page: TemplatePage = self.get_json(request).await?;
            templates.extend(page.data.iter().filter_map(template));
            after = match page.paging {
                Some(Paging {
                    next: Some(_),
                    cursors:
                        Some(Cursors {
                            after: Some(cursor),
                        }),
                }) => Some(cursor),
                _ => return Ok(templates),
            };
        }
        Ok(templates)
    }
}
