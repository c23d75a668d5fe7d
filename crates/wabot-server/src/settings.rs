//! The typed settings, layered: built-in defaults < `config/default.toml` < `config/local.toml` <
//! environment variables `WABOT__SECTION__KEY`. The built-in defaults are `config/default.toml` as it
//! was when the binary was built (embedded), so every default is written once, in that documented
//! file. Secrets are `SecretString`s: Debug prints them masked.

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

/// Development values that `config/default.toml` ships; refused with a real access token.
pub const DEV_APP_SECRET: &str = "dev-app-secret";
/// See [`DEV_APP_SECRET`].
pub const DEV_VERIFY_TOKEN: &str = "dev-verify-token";

/// The built-in defaults: `config/default.toml` itself, compiled in, so that every key has a value
/// (written once, in that file) even where the file is not on disk.
const EMBEDDED_DEFAULTS: &str = include_str!("../../../config/default.toml");

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
    /// The menu file.
    pub menu: MenuSettings,
    /// Worker counts and polling.
    pub workers: Workers,
    /// Logging.
    pub log: Log,
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

/// `[log]`.
#[derive(Debug, Deserialize)]
pub struct Log {
    /// `pretty` or `json`.
    pub format: String,
    /// The default level filter (`RUST_LOG` overrides it).
    pub level: String,
}

impl Settings {
    /// Loads the layers; `dir` holds `default.toml` and the optional `local.toml`.
    pub fn load(dir: &str) -> Result<Self, config::ConfigError> {
        config::Config::builder()
            .add_source(config::File::from_str(
                EMBEDDED_DEFAULTS,
                config::FileFormat::Toml,
            ))
            .add_source(config::File::with_name(&format!("{dir}/default.toml")).required(false))
            .add_source(config::File::with_name(&format!("{dir}/local.toml")).required(false))
            .add_source(
                config::Environment::with_prefix("WABOT")
                    .prefix_separator("__")
                    .separator("__")
                    .try_parsing(true),
            )
            .build()?
            .try_deserialize()
    }

    /// Whether replies are only recorded (no access token).
    pub fn sandbox(&self) -> bool {
        self.meta.access_token.expose_secret().trim().is_empty()
    }

    /// Every reason the settings cannot run as they are.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let app_secret = self.meta.app_secret.expose_secret();
        let verify_token = self.meta.verify_token.expose_secret();
        if app_secret.is_empty() {
            problems.push("meta.app_secret is empty: webhooks could not be verified".to_owned());
        }
        if verify_token.is_empty() {
            problems.push(
                "meta.verify_token is empty: Meta's verification request would fail".to_owned(),
            );
        }
        if !self.sandbox() {
            if app_secret == DEV_APP_SECRET {
                problems.push(
                    "meta.app_secret is still the development value; set your app's secret"
                        .to_owned(),
                );
            }
            if verify_token == DEV_VERIFY_TOKEN {
                problems.push(
                    "meta.verify_token is still the development value; choose your own".to_owned(),
                );
            }
            let admin_token = self.admin.api_token.expose_secret().trim();
            if !admin_token.is_empty() && admin_token.chars().count() < MIN_ADMIN_TOKEN {
                problems.push(format!(
                    "admin.api_token is shorter than {MIN_ADMIN_TOKEN} characters; use a long random \
                     value (e.g. `openssl rand -hex 32`)"
                ));
            }
            if self.meta.phone_number_id.trim().is_empty() {
                problems
                    .push("meta.phone_number_id is empty: replies could not be sent".to_owned());
            }
        }
        if !matches!(self.log.format.as_str(), "pretty" | "text" | "json") {
            problems.push(format!(
                "log.format `{}` must be pretty (or text) or json",
                self.log.format
            ));
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn the_embedded_defaults_alone_are_complete_safe_settings() {
        let settings: Settings = config::Config::builder()
            .add_source(config::File::from_str(
                EMBEDDED_DEFAULTS,
                config::FileFormat::Toml,
            ))
            .build()
            .unwrap()
            .try_deserialize()
            .unwrap();
        assert_eq!(settings.server.bind, "127.0.0.1:8080");
        assert_eq!(
            settings.server.body_limit_bytes,
            wabot_http::DEFAULT_BODY_LIMIT
        );
        assert_eq!(
            settings.database.url.expose_secret(),
            "sqlite://data/wabot.db"
        );
        assert!(settings.sandbox());
        assert!(settings.problems().is_empty(), "{:?}", settings.problems());
    }
}
