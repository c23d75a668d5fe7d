//! `[business]` and `[business_http]`: where orders and schedule come from. With `source =
//! "tables"` (the default) they are read from wabot's own tables inside each step; with `"http"`
//! they are asked of the business's own API through [`HttpBusinessSource`], outside any
//! transaction. This module holds those settings, their checks (every URL template, the auth, the
//! mapped status names — reported at start by `serve` and `check-config`, each naming its key) and
//! the source built from them.
//!
//! The settings are a section of their own (`[business_http]`, not `[business.http]`) because
//! settings are `section.key`: every scalar, the token included, can then be set by a variable
//! (`WABOT__BUSINESS_HTTP__TOKEN`).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use wabot_app::BusinessSource;
use wabot_business_http::{
    Auth, HttpBusinessSource, HttpSourceConfig, OrderFieldNames, OrderFields, ScheduleFieldNames,
    ScheduleFields, UrlTemplate,
};
use wabot_engine::{OrderStatus, ScheduleKind, ScheduleStatus};

use crate::settings::Settings;

/// `[business]`.
#[derive(Debug, Deserialize)]
pub struct Business {
    /// Where orders and schedule are read from.
    pub source: SourceKind,
}

/// `business.source`.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// wabot's own tables (the demo data, the admin API, CSV imports).
    Tables,
    /// The business's own HTTP API (`[business_http]`).
    Http,
}

/// `business_http.auth`.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum AuthKind {
    /// No credentials.
    None,
    /// `Authorization: Bearer <token>`.
    Bearer,
    /// `<auth_header>: <token>`.
    Header,
}

/// `[business_http]`: the business's API, used when `business.source = "http"`.
#[derive(Debug, Deserialize)]
pub struct BusinessHttp {
    /// A customer's orders: `{customer}`.
    pub orders_url: String,
    /// One order: `{customer}`, `{order}` (empty: found in the orders list).
    pub order_url: String,
    /// A customer's schedule: `{customer}`, `{from}`, `{until}`.
    pub schedule_url: String,
    /// `none`, `bearer` or `header`.
    pub auth: AuthKind,
    /// The header's name with `auth = "header"`.
    pub auth_header: String,
    /// The token or header value.
    pub token: SecretString,
    /// The longest one lookup may take.
    pub timeout_ms: u64,
    /// How long an answer is reused (0: never).
    pub cache_seconds: u64,
    /// How many answers are kept at most.
    pub cache_entries: usize,
    /// JSON pointer to the list in the orders answer (empty: the answer is the list).
    pub orders_list: String,
    /// JSON pointer to the order in the one-order answer (empty: the answer is the order).
    pub order_object: String,
    /// Where each order field is.
    pub order_fields: OrderFieldNames,
    /// The API's order status values → ours.
    pub order_statuses: BTreeMap<String, String>,
    /// JSON pointer to the list in the schedule answer (empty: the answer is the list).
    pub schedule_list: String,
    /// Where each schedule field is.
    pub schedule_fields: ScheduleFieldNames,
    /// The API's schedule kinds → ours.
    pub schedule_kinds: BTreeMap<String, String>,
    /// The API's schedule statuses → ours.
    pub schedule_statuses: BTreeMap<String, String>,
}

/// Maps the API's values to ours; a value that is not one of ours is a problem naming its key.
fn value_map<T>(
    map: &BTreeMap<String, String>,
    key: &str,
    parse: fn(&str) -> Option<T>,
    names: &[&str],
    problems: &mut Vec<String>,
) -> BTreeMap<String, T> {
    let mut mapped = BTreeMap::new();
    for (theirs, ours) in map {
        match parse(ours.trim()) {
            Some(value) => {
                mapped.insert(theirs.clone(), value);
            }
            None => problems.push(format!(
                "business_http.{key}.{theirs} `{ours}` is not one of {}",
                names.join(", ")
            )),
        }
    }
    mapped
}

fn names<T>(all: &[T], name: fn(&T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(name).collect()
}

/// The source's configuration from `settings`, or every problem of `[business_http]`.
pub fn config(settings: &Settings) -> Result<HttpSourceConfig, Vec<String>> {
    let http = &settings.business_http;
    let mut problems = Vec::new();
    let mut url = |key: &str, text: &str, allowed: &[&'static str]| {
        if text.trim().is_empty() {
            return None;
        }
        // Every placeholder a template may use is one it needs.
        UrlTemplate::parse(text, allowed, allowed)
            .map_err(|error| problems.push(format!("{} {error}", settings.named(key))))
            .ok()
    };
    let orders_url = url("business_http.orders_url", &http.orders_url, &["customer"]);
    let order_url = url(
        "business_http.order_url",
        &http.order_url,
        &["customer", "order"],
    );
    let schedule_url = url(
        "business_http.schedule_url",
        &http.schedule_url,
        &["customer", "from", "until"],
    );
    if http.orders_url.trim().is_empty() && http.schedule_url.trim().is_empty() {
        problems.push(
            "business.source is \"http\" but neither business_http.orders_url nor \
             business_http.schedule_url is set"
                .to_owned(),
        );
    }
    let token = SecretString::from(http.token.expose_secret().trim());
    let auth = match http.auth {
        AuthKind::None => Auth::None,
        AuthKind::Bearer => Auth::Bearer(token),
        AuthKind::Header => Auth::Header {
            name: http.auth_header.trim().to_owned(),
            value: token,
        },
    };
    if http.auth != AuthKind::None && http.token.expose_secret().trim().is_empty() {
        problems.push(format!(
            "{} is empty but business_http.auth is not \"none\"",
            settings.named("business_http.token")
        ));
    }
    if http.auth == AuthKind::Header && http.auth_header.trim().is_empty() {
        problems.push(format!(
            "{} is empty but business_http.auth is \"header\"",
            settings.named("business_http.auth_header")
        ));
    }
    if !(100..=60_000).contains(&http.timeout_ms) {
        problems.push(format!(
            "{} must be between 100 and 60000 (milliseconds)",
            settings.named("business_http.timeout_ms")
        ));
    }
    let order_status_names = names(OrderStatus::ALL, |s| s.as_str());
    let kind_names = names(ScheduleKind::ALL, |s| s.as_str());
    let status_names = names(ScheduleStatus::ALL, |s| s.as_str());
    let orders = OrderFields {
        list: http.orders_list.trim().to_owned(),
        one: http.order_object.trim().to_owned(),
        names: http.order_fields.clone(),
        statuses: value_map(
            &http.order_statuses,
            "order_statuses",
            OrderStatus::parse,
            &order_status_names,
            &mut problems,
        ),
    };
    let schedule = ScheduleFields {
        list: http.schedule_list.trim().to_owned(),
        names: http.schedule_fields.clone(),
        kinds: value_map(
            &http.schedule_kinds,
            "schedule_kinds",
            ScheduleKind::parse,
            &kind_names,
            &mut problems,
        ),
        statuses: value_map(
            &http.schedule_statuses,
            "schedule_statuses",
            ScheduleStatus::parse,
            &status_names,
            &mut problems,
        ),
    };
    for (key, pointer) in [
        ("orders_list", &http.orders_list),
        ("order_object", &http.order_object),
        ("schedule_list", &http.schedule_list),
    ] {
        let pointer = pointer.trim();
        if !pointer.is_empty() && !pointer.starts_with('/') {
            problems.push(format!(
                "{} `{pointer}` must be a JSON pointer such as `/data` (or empty)",
                settings.named(&format!("business_http.{key}"))
            ));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(HttpSourceConfig {
        orders_url,
        order_url,
        schedule_url,
        auth,
        timeout: Duration::from_millis(http.timeout_ms),
        cache_ttl: Duration::from_secs(http.cache_seconds),
        cache_entries: http.cache_entries,
        orders,
        schedule,
    })
}

/// Every problem of the business source settings (none with `source = "tables"`).
pub fn problems(settings: &Settings) -> Vec<String> {
    match settings.business.source {
        SourceKind::Tables => Vec::new(),
        SourceKind::Http => config(settings).err().unwrap_or_default(),
    }
}

/// The source the settings choose: `None` for the built-in tables.
pub fn from_settings(settings: &Settings) -> anyhow::Result<Option<Arc<dyn BusinessSource>>> {
    if settings.business.source == SourceKind::Tables {
        return Ok(None);
    }
    let config = config(settings)
        .map_err(|problems| anyhow::anyhow!("[business_http]: {}", problems.join("; ")))?;
    let timeout = config.timeout;
    let source = HttpBusinessSource::new(config)?;
    tracing::info!(
        timeout_ms = u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX),
        "orders and schedule are read from the business's API"
    );
    Ok(Some(Arc::new(source)))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::settings::tests::load;

    #[test]
    fn the_default_is_the_tables_and_has_no_problem() {
        let settings = load(&[]);
        assert_eq!(settings.business.source, SourceKind::Tables);
        assert!(problems(&settings).is_empty());
    }

    #[test]
    fn bad_templates_and_missing_credentials_are_named_at_start() {
        let settings = load(&[
            ("WABOT__BUSINESS__SOURCE", "http"),
            (
                "WABOT__BUSINESS_HTTP__ORDERS_URL",
                "https://shop.example/c/{customr}/orders",
            ),
            ("WABOT__BUSINESS_HTTP__ORDER_URL", "https://shop.example/o"),
            ("WABOT__BUSINESS_HTTP__AUTH", "bearer"),
        ]);
        let problems = problems(&settings).join("\n");
        assert!(
            problems.contains("business_http.orders_url (from WABOT__BUSINESS_HTTP__ORDERS_URL) unknown placeholder `{customr}`"),
            "{problems}"
        );
        assert!(problems.contains("order_url"), "{problems}");
        assert!(problems.contains("business_http.token"), "{problems}");
    }

    #[test]
    fn a_good_configuration_builds_a_source() {
        let settings = load(&[
            ("WABOT__BUSINESS__SOURCE", "http"),
            (
                "WABOT__BUSINESS_HTTP__ORDERS_URL",
                "https://shop.example/customers/{customer}/orders",
            ),
            ("WABOT__BUSINESS_HTTP__AUTH", "header"),
            ("WABOT__BUSINESS_HTTP__AUTH_HEADER", "X-Api-Key"),
            ("WABOT__BUSINESS_HTTP__TOKEN", "secret-key"),
        ]);
        assert!(problems(&settings).is_empty(), "{:?}", problems(&settings));
        assert!(from_settings(&settings).unwrap().is_some());
    }

    #[test]
    fn a_mistyped_field_name_is_a_problem_and_the_table_keeps_its_defaults() {
        let dir = std::env::temp_dir().join(format!("wabot-business-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("local.toml"),
            "[business_http.order_fields]\nnumbr = \"id\"\n\n[business_http.order_statuses]\nDISPATCHED = \"sent\"\n",
        )
        .unwrap();
        let dir_setting = crate::layers::ConfigDir::choose(Some(dir.clone()), None);
        let mut settings = Settings::load_from(dir_setting, Vec::new()).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        let problems = settings.problems().join("\n");
        assert!(
            problems.contains("business_http.order_fields"),
            "{problems}"
        );
        assert!(problems.contains("numbr"), "{problems}");
        assert_eq!(settings.business_http.order_fields.number, "number");
        settings.business.source = SourceKind::Http;
        settings.business_http.orders_url = "https://shop.example/{customer}".into();
        let problems = super::problems(&settings).join("\n");
        assert!(
            problems.contains("business_http.order_statuses.DISPATCHED `sent` is not one of"),
            "{problems}"
        );
    }
}
