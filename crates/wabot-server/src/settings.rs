//! The typed settings, layered: built-in defaults < `DIR/default.toml` < `DIR/local.toml` <
//! environment variables `WABOT__SECTION__KEY` (read strictly by [`crate::layers`]). The built-in
//! defaults are `config/default.toml` as it was when the binary was built (embedded), so every
//! default is written once, in that documented file. Loading never stops at the first mistake: every
//! problem is collected (the value in question keeps its default) and [`Settings::problems`] lists
//! them all, with each value's own checks (`validate.rs`). Secrets are `SecretString`s: Debug prints
//! them masked.

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

/// Development values that `config/default.toml` ships; refused with a real access token.
pub const DEV_APP_SECRET: &str = "dev-app-secret";
/// See [`DEV_APP_SECRET`].
pub const DEV_VERIFY_TOKEN: &str = "dev-verify-token";

use crate::layers::{ConfigDir, EMBEDDED_DEFAULTS, Layers, Source};

/// Everything the binary can be told.
#[derive(Debug, Deserialize)]
pub struct Settings {
    /// The HTTP server.
    pub server: Server,
    /// The database.
    pub database: Database,
    /// Meta's Cloud API.
    pub meta: Meta,
    /// The admin API.
    pub admin: Admin,
    /// The operator console under `/dashboard`.
    pub console: Console,
    /// Conversations handed to a person.
    pub handoff: HandoffSettings,
    /// The menu file.
    pub menu: MenuSettings,
    /// Worker counts and polling.
    pub workers: Workers,
    /// Logging.
    pub log: Log,
    /// Defect tickets: how their customers hear of a status change.
    pub tickets: TicketsSettings,
    /// Where tickets' photos and documents are kept.
    pub media: MediaSettings,
    /// Where orders and schedule are read from.
    pub business: crate::business_source::Business,
    /// The business's own API, when `business.source = "http"`.
    pub business_http: crate::business_source::BusinessHttp,
    /// Campaigns (template broadcasts).
    pub campaigns: CampaignSettings,
    /// Where the values came from, and what was wrong with them.
    #[serde(skip)]
    pub origin: Origin,
}

/// Where the settings were read from, each value's source, and the problems found while reading.
#[derive(Debug, Default)]
pub struct Origin {
    /// The configuration folder.
    pub dir: ConfigDir,
    /// `section.key → source`.
    pub sources: std::collections::BTreeMap<String, Source>,
    /// Unknown keys, unreadable files, values of the wrong type.
    pub problems: Vec<String>,
    /// Variables that look like settings but are not read.
    pub warnings: Vec<String>,
    /// Every setting's value in effect, as read (before paths are resolved).
    pub values: toml::Table,
}

/// `[admin]`.
#[derive(Debug, Deserialize)]
pub struct Admin {
    /// The bearer token of the admin API; empty disables it.
    pub api_token: SecretString,
}

/// The shortest admin token accepted for a live number.
pub const MIN_ADMIN_TOKEN: usize = 16;

/// `[server]`.
#[derive(Debug, Deserialize)]
pub struct Server {
    /// Address and port to listen on.
    pub bind: String,
    /// Largest webhook body accepted.
    pub body_limit_bytes: usize,
    /// On SIGTERM/SIGINT, how long in-flight requests may take to finish before the process exits.
    pub shutdown_timeout_seconds: u64,
}

/// `[database]`.
#[derive(Debug, Deserialize)]
pub struct Database {
    /// `sqlite://PATH` or `postgres://…` (may hold a password: never logged as is).
    pub url: SecretString,
    /// Connections for reads (and PostgreSQL writes).
    pub pool_size: u32,
}

/// `[meta]`.
#[derive(Debug, Deserialize)]
pub struct Meta {
    /// The Graph API's base URL.
    pub api_base_url: String,
    /// The Graph API version.
    pub api_version: String,
    /// The phone number id replies are sent from.
    pub phone_number_id: String,
    /// A system-user token; empty means sandbox.
    pub access_token: SecretString,
    /// The app secret that signs webhooks.
    pub app_secret: SecretString,
    /// The previous app secret, during a rotation.
    pub previous_app_secret: SecretString,
    /// The token Meta's verification request carries.
    pub verify_token: SecretString,
    /// Sending pace for the whole process.
    pub messages_per_second: u32,
    /// Graph API call timeout.
    pub timeout_seconds: u64,
    /// Whether answered messages are marked read (blue ticks).
    pub mark_read: MarkRead,
    /// The WhatsApp Business Account id (the template sync reads its templates).
    pub waba_id: String,
}

/// `meta.mark_read`: when a customer's message is marked read.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum MarkRead {
    /// Once the bot has answered it (at the lowest priority: never before a reply).
    OnAnswer,
    /// Never: customers see grey ticks only.
    Never,
}

/// `[campaigns]`.
#[derive(Debug, Deserialize)]
pub struct CampaignSettings {
    /// A campaign's pace unless it names one.
    pub messages_per_second: f64,
    /// The most a campaign may ask for.
    pub max_messages_per_second: f64,
    /// Words (a whole message, any case) that ask to stop marketing messages, outside a form.
    pub stop_words: Vec<String>,
    /// Words that ask to receive them again.
    pub start_words: Vec<String>,
}

/// `[menu]`.
#[derive(Debug, Deserialize)]
pub struct MenuSettings {
    /// Path of the menu file.
    pub path: String,
}

/// `[workers]`.
#[derive(Debug, Deserialize)]
pub struct Workers {
    /// Conversation workers.
    pub conversations: usize,
    /// The most sends (and read receipts) under way at once: Meta's rate × its latency is what
    /// keeps the sender at the rate (1,000/s × 0.3 s = 300); also the connection pool's size.
    pub sends_in_flight: usize,
    /// How often idle workers look for work without being woken.
    pub poll_interval_ms: u64,
    /// How long an outbound message stays leased to a sender; after a crash, another sender (or the
    /// restarted server) takes over when it runs out. (Conversation turns need no lease: each is one
    /// transaction.)
    pub lease_seconds: u64,
}

/// `[console]`.
#[derive(Debug, Deserialize)]
pub struct Console {
    /// Whether `/dashboard` is served.
    pub enabled: bool,
    /// A signed-in session unused this long ends.
    pub idle_timeout_minutes: u32,
    /// A session ends this long after sign-in, used or not.
    pub session_hours: u32,
    /// Trust `X-Forwarded-Proto` and `X-Forwarded-For` from the proxy in front (only when one you
    /// run always sets them).
    pub trust_proxy_headers: bool,
    /// Whether agents see full phone numbers (otherwise the last four digits; admins always do).
    pub agents_see_numbers: bool,
}

/// `[handoff]`.
#[derive(Debug, Deserialize)]
pub struct HandoffSettings {
    /// A handoff nobody claims for this long: the customer is told and may leave a message.
    pub unclaimed_seconds: u32,
    /// A claimed handoff without a message either way for this long goes back to the queue.
    pub idle_claim_seconds: u32,
    /// A message the business sends from the WhatsApp Business app (coexistence) hands the
    /// conversation to a person (claimed by "business app"), so the bot does not talk over them.
    pub business_app_takes_over: bool,
}

/// `[log]`.
#[derive(Debug, Deserialize)]
pub struct Log {
    /// `pretty` or `json`.
    pub format: String,
    /// The default level filter (`RUST_LOG` overrides it).
    pub level: String,
}

/// `[media]`.
#[derive(Debug, Deserialize)]
pub struct MediaSettings {
    /// The folder kept files go in (a relative path resolved like `menu.path`).
    pub folder: String,
    /// The longest one lookup or download may take.
    pub download_timeout_seconds: u64,
}

/// `[tickets]`.
#[derive(Debug, Deserialize)]
pub struct TicketsSettings {
    /// The approved template a status change goes out as when the customer's 24-hour window is
    /// closed; empty: no message then (the answer says so).
    pub update_template: String,
    /// Its language code.
    pub update_template_language: String,
    /// Its body's parameters in placeholder order: `reference`, `status`, `note`.
    pub update_template_parameters: Vec<String>,
}

impl TicketsSettings {
    /// The template as the app uses it (`None` when none is configured); the parameters that are
    /// not a field's name are left out (`validate` reports them).
    pub fn update_template(&self) -> Option<wabot_app::UpdateTemplate> {
        let name = self.update_template.trim();
        (!name.is_empty()).then(|| wabot_app::UpdateTemplate {
            name: name.to_owned(),
            language: self.update_template_language.trim().to_owned(),
            parameters: self
                .update_template_parameters
                .iter()
                .filter_map(|field| wabot_app::TemplateField::parse(field))
                .collect(),
        })
    }
}

impl Settings {
    /// Loads the layers from `dir` and the process's environment. Mistakes do not fail it: they are
    /// in [`Settings::problems`]; only built-in defaults that do not deserialize (a broken build) do.
    pub fn load(dir: ConfigDir) -> Result<Self, String> {
        let env = std::env::vars_os().filter_map(|(name, value)| {
            Some((name.into_string().ok()?, value.into_string().ok()?))
        });
        Self::load_from(dir, env)
    }

    /// Loads the layers from `dir` and the variables `env`.
    pub fn load_from(
        dir: ConfigDir,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, String> {
        let mut layers = Layers::read(&dir, env);
        let mut settings = typed(&mut layers)?;
        settings.menu.path = dir.resolve(&settings.menu.path);
        settings.media.folder = dir.resolve(&settings.media.folder);
        let url = settings.database.url.expose_secret();
        if let Some(path) = url.trim().strip_prefix("sqlite://") {
            let resolved = format!("sqlite://{}", dir.resolve(path));
            settings.database.url = SecretString::from(resolved);
        }
        settings.origin = Origin {
            dir,
            sources: layers.sources,
            problems: layers.problems,
            warnings: layers.warnings,
            values: layers.table,
        };
        Ok(settings)
    }

    /// Whether replies are only recorded (no access token).
    pub fn sandbox(&self) -> bool {
        self.meta.access_token.expose_secret().trim().is_empty()
    }

    /// `key` as a problem names it: with the file or variable its value came from.
    pub fn named(&self, key: &str) -> String {
        match self.origin.sources.get(key) {
            Some(Source::Env(name)) => format!("{key} (from {name})"),
            Some(Source::File(path)) => format!("{key} (in {})", path.display()),
            _ => key.to_owned(),
        }
    }

    /// Every reason the settings cannot run as they are: what reading them found, then each
    /// value's own checks.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = self.origin.problems.clone();
        problems.extend(crate::validate::problems(self));
        problems
    }
}

/// Deserializes the merged table; a value serde refuses (an unknown `mark_read`, a negative count)
/// is a problem naming its key, and that key keeps its default.
fn typed(layers: &mut Layers) -> Result<Settings, String> {
    let defaults: toml::Table = EMBEDDED_DEFAULTS.parse().unwrap_or_default();
    for _ in 0..64 {
        let value = toml::Value::Table(layers.table.clone());
        match serde_path_to_error::deserialize::<_, Settings>(value) {
            Ok(settings) => return Ok(settings),
            Err(error) => {
                let key = error.path().to_string();
                let source = layers.sources.get(&key).cloned().unwrap_or(Source::Default);
                layers.problems.push(format!(
                    "`{key}` (from {source}): {}",
                    error.inner().message()
                ));
                // A key inside a table value (`business_http.order_fields.numbr`) resets the
                // whole table: settings are `section.key`.
                let mut parts = key.split('.');
                let reset = parts.next().zip(parts.next()).and_then(|(section, name)| {
                    let default = defaults.get(section)?.as_table()?.get(name)?.clone();
                    let keys = layers.table.get_mut(section)?.as_table_mut()?;
                    keys.insert(name.to_owned(), default);
                    Some(())
                });
                layers.sources.insert(key, Source::Default);
                if reset.is_none() {
                    break;
                }
            }
        }
    }
    Err(format!(
        "the settings cannot be read: {}",
        layers.problems.join("; ")
    ))
}

#[cfg(test)]
pub(crate) mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// The settings with the embedded defaults and the variables `env`.
    pub(crate) fn load(env: &[(&str, &str)]) -> Settings {
        let env = env.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned()));
        Settings::load_from(ConfigDir::choose(None, None), env).unwrap()
    }

    #[test]
    fn the_embedded_defaults_alone_are_complete_safe_settings() {
        let dir = ConfigDir::choose(Some("/nonexistent-wabot".into()), None);
        let settings = Settings::load_from(dir, Vec::new()).unwrap();
        assert_eq!(settings.server.bind, "127.0.0.1:8080");
        assert_eq!(
            settings.server.body_limit_bytes,
            wabot_http::DEFAULT_BODY_LIMIT
        );
        assert_eq!(
            settings.database.url.expose_secret(),
            "sqlite:///nonexistent-wabot/data/wabot.db"
        );
        assert!(settings.sandbox());
        let problems = settings.problems();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("does not exist"));
    }

    #[test]
    fn a_value_serde_refuses_names_its_key_and_keeps_the_default() {
        let settings = load(&[
            ("WABOT__META__MARK_READ", "sometimes"),
            ("WABOT__WORKERS__CONVERSATIONS", "-2"),
        ]);
        assert_eq!(settings.meta.mark_read, MarkRead::OnAnswer);
        assert_eq!(settings.workers.conversations, 4);
        let problems = settings.problems().join("\n");
        assert!(problems.contains("`meta.mark_read` (from env WABOT__META__MARK_READ)"));
        assert!(problems.contains("`workers.conversations`"), "{problems}");
    }
}
