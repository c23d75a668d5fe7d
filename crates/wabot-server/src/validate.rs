//! Each setting's own checks, run when the settings are loaded: the secrets a live number needs,
//! `server.bind` as an address, `log.level` as a filter directive, `database.url` (with the fix for
//! each malformed form, and the SQLite file's folder, which must exist unless it is the default
//! `data/`), and generous ranges for the numbers. Each problem names its key (and where the value
//! came from).

use std::net::SocketAddr;
use std::path::Path;

use secrecy::ExposeSecret;
use wabot_store::DatabaseUrl;

use crate::settings::{DEV_APP_SECRET, DEV_VERIFY_TOKEN, MIN_ADMIN_TOKEN, Settings};

/// The levels `log.level` (and each `target=level` in it) may name.
const LEVELS: [&str; 6] = ["trace", "debug", "info", "warn", "error", "off"];

/// Every problem of the values in `settings`.
pub fn problems(settings: &Settings) -> Vec<String> {
    let mut problems = secrets(settings);
    problems.extend(bind(settings));
    problems.extend(log(settings));
    problems.extend(database(settings));
    problems.extend(ranges(settings));
    problems.extend(lease_outlives_a_send(settings));
    problems.extend(ticket_template(settings));
    problems.extend(crate::business_source::problems(settings));
    problems.extend(campaign_pace(settings));
    if !(settings.meta.api_base_url.starts_with("https://")
        || settings.meta.api_base_url.starts_with("http://"))
    {
        problems.push(format!(
            "{} `{}` must start with https:// (or http:// for a local stand-in)",
            settings.named("meta.api_base_url"),
            settings.meta.api_base_url
        ));
    }
    problems
}

fn secrets(settings: &Settings) -> Vec<String> {
    let mut problems = Vec::new();
    let app_secret = settings.meta.app_secret.expose_secret();
    let verify_token = settings.meta.verify_token.expose_secret();
    if app_secret.is_empty() {
        problems.push("meta.app_secret is empty: webhooks could not be verified".to_owned());
    }
    if verify_token.is_empty() {
        problems
            .push("meta.verify_token is empty: Meta's verification request would fail".to_owned());
    }
    if !settings.sandbox() {
        if app_secret == DEV_APP_SECRET {
            problems.push(
                "meta.app_secret is still the development value; set your app's secret".to_owned(),
            );
        }
        if verify_token == DEV_VERIFY_TOKEN {
            problems.push(
                "meta.verify_token is still the development value; choose your own".to_owned(),
            );
        }
        let admin_token = settings.admin.api_token.expose_secret().trim();
        if !admin_token.is_empty() && admin_token.chars().count() < MIN_ADMIN_TOKEN {
            problems.push(format!(
                "admin.api_token is shorter than {MIN_ADMIN_TOKEN} characters; use a long random \
                 value (e.g. `openssl rand -hex 32`)"
            ));
        }
        if settings.meta.phone_number_id.trim().is_empty() {
            problems.push("meta.phone_number_id is empty: replies could not be sent".to_owned());
        }
    }
    problems
}

/// `server.bind` must be `HOST:PORT` (an IP address or a host name, and a port number).
fn bind(settings: &Settings) -> Option<String> {
    let bind = settings.server.bind.trim();
    if bind.parse::<SocketAddr>().is_ok() {
        return None;
    }
    let host_and_port = bind
        .rsplit_once(':')
        .is_some_and(|(host, port)| !host.is_empty() && port.parse::<u16>().is_ok());
    (!host_and_port).then(|| {
        format!(
            "{} `{bind}` is not an address and port: write it like `127.0.0.1:8080` \
             (`0.0.0.0:8080` for every interface)",
            settings.named("server.bind")
        )
    })
}

/// `log.format`, and `log.level` as a filter directive whose every part names a level (a bare word
/// would be taken as a module name at trace level, and the server would log nothing else).
fn log(settings: &Settings) -> Vec<String> {
    let mut problems = Vec::new();
    if !matches!(settings.log.format.as_str(), "pretty" | "text" | "json") {
        problems.push(format!(
            "{} `{}` must be pretty (or text) or json",
            settings.named("log.format"),
            settings.log.format
        ));
    }
    let level = settings.log.level.trim();
    let each_names_a_level = level.split(',').all(|directive| {
        let level = directive
            .rsplit_once('=')
            .map_or(directive, |(_, level)| level);
        LEVELS.contains(&level.trim().to_lowercase().as_str())
    });
    if !each_names_a_level || tracing_subscriber::EnvFilter::try_new(level).is_err() {
        problems.push(format!(
            "{} `{level}` is not a log filter: use one of {} (or `info,wabot=debug`: a level, \
             then TARGET=LEVEL parts)",
            settings.named("log.level"),
            LEVELS.join(", ")
        ));
    }
    problems
}

/// `database.url`: a scheme wabot knows, written in full, and an existing folder for a SQLite file.
fn database(settings: &Settings) -> Option<String> {
    let key = settings.named("database.url");
    let url = settings.database.url.expose_secret().trim();
    let fix = |message: String| Some(format!("{key}: {message}"));
    if let Some(rest) = url.strip_prefix("sqlite:")
        && !rest.starts_with("//")
    {
        return fix(format!(
            "`sqlite:{rest}` lacks the `//`: write `sqlite://{rest}`"
        ));
    }
    // A PostgreSQL URL may hold a password: it is not repeated.
    if (url.starts_with("postgres:") || url.starts_with("postgresql:")) && !url.contains("://") {
        return fix(
            "a PostgreSQL URL lacks the `//`: write `postgres://USER:PASSWORD@HOST/DB`".into(),
        );
    }
    if !url.contains("://") {
        return fix(if url.is_empty() {
            "it is empty: write `sqlite://data/wabot.db` or `postgres://USER:PASSWORD@HOST/DB`"
                .to_owned()
        } else {
            "it has no scheme: write `sqlite://PATH` for a file, or `postgres://USER:PASSWORD@HOST/DB`"
                .to_owned()
        });
    }
    let parsed = match DatabaseUrl::parse(url) {
        Ok(parsed) => parsed,
        Err(error) => return fix(error.to_string()),
    };
    let DatabaseUrl::Sqlite { path } = parsed else {
        return None;
    };
    let folder = Path::new(&path).parent()?;
    if folder.as_os_str().is_empty() || folder.is_dir() {
        return None;
    }
    // The default `data/` (inside the configuration folder when one is named) is created.
    let default_folder = settings.origin.dir.resolve("data");
    if folder == Path::new(&default_folder) {
        return None;
    }
    fix(format!(
        "the folder {} does not exist: create it (only the default `data/` is created)",
        folder.display()
    ))
}

/// Generous ranges: wrong by orders of magnitude, not by Meta's tiers (load tests go far above).
fn ranges(settings: &Settings) -> Vec<String> {
    let checks: [(&str, u64, u64, u64); 10] = [
        (
            "server.body_limit_bytes",
            settings.server.body_limit_bytes as u64,
            1024,
            1 << 30,
        ),
        (
            "server.shutdown_timeout_seconds",
            settings.server.shutdown_timeout_seconds,
            0,
            3600,
        ),
        (
            "database.pool_size",
            u64::from(settings.database.pool_size),
            1,
            1000,
        ),
        (
            // A media job makes at most four calls of this length under one lease
            // (`wabot_app::MEDIA_LEASE`, 15 minutes): a longer timeout could outlive it.
            "media.download_timeout_seconds",
            settings.media.download_timeout_seconds,
            1,
            180,
        ),
        (
            "meta.messages_per_second",
            u64::from(settings.meta.messages_per_second),
            1,
            1_000_000,
        ),
        (
            "meta.timeout_seconds",
            settings.meta.timeout_seconds,
            1,
            600,
        ),
        (
            "workers.conversations",
            settings.workers.conversations as u64,
            1,
            1024,
        ),
        (
            "workers.sends_in_flight",
            settings.workers.sends_in_flight as u64,
            1,
            1_000_000,
        ),
        (
            "workers.poll_interval_ms",
            settings.workers.poll_interval_ms,
            10,
            3_600_000,
        ),
        (
            "workers.lease_seconds",
            settings.workers.lease_seconds,
            1,
            86_400,
        ),
    ];
    checks
        .iter()
        .filter(|(_, value, low, high)| value < low || value > high)
        .map(|(key, value, low, high)| {
            format!(
                "{} is {value}: it must be between {low} and {high}",
                settings.named(key)
            )
        })
        .collect()
}

/// A campaign's pace must be above 0 and the default within the maximum (which is capped at the
/// number's rate where it is used).
fn campaign_pace(settings: &Settings) -> Vec<String> {
    let campaigns = &settings.campaigns;
    let mut problems = Vec::new();
    if !(campaigns.max_messages_per_second > 0.0 && campaigns.max_messages_per_second.is_finite()) {
        problems.push(format!(
            "{} is {}: it must be above 0",
            settings.named("campaigns.max_messages_per_second"),
            campaigns.max_messages_per_second,
        ));
    }
    if !(campaigns.messages_per_second > 0.0
        && campaigns.messages_per_second <= campaigns.max_messages_per_second)
    {
        problems.push(format!(
            "{} is {}: it must be above 0 and at most campaigns.max_messages_per_second ({})",
            settings.named("campaigns.messages_per_second"),
            campaigns.messages_per_second,
            campaigns.max_messages_per_second
        ));
    }
    problems
}

/// A send's lease must outlive the longest a send can take, or a send still waiting on the Graph
/// API is taken over and sent a second time.
fn lease_outlives_a_send(settings: &Settings) -> Option<String> {
    (settings.workers.lease_seconds <= settings.meta.timeout_seconds).then(|| {
        format!(
            "{} is {} but {} is {}: a send still waiting on the Graph API would be sent again; \
             make the lease longer than the timeout",
            settings.named("workers.lease_seconds"),
            settings.workers.lease_seconds,
            settings.named("meta.timeout_seconds"),
            settings.meta.timeout_seconds
        )
    })
}

/// `[tickets]`: the update template's parameters name fields the app knows, and it has a language.
fn ticket_template(settings: &Settings) -> Vec<String> {
    let tickets = &settings.tickets;
    let mut problems: Vec<String> = tickets
        .update_template_parameters
        .iter()
        .filter(|field| wabot_app::TemplateField::parse(field).is_none())
        .map(|field| {
            format!(
                "{} `{field}` is not a ticket field: use `reference`, `status` or `note`",
                settings.named("tickets.update_template_parameters")
            )
        })
        .collect();
    if !tickets.update_template.trim().is_empty()
        && tickets.update_template_language.trim().is_empty()
    {
        problems.push(format!(
            "{} is empty: the update template needs its language code",
            settings.named("tickets.update_template_language")
        ));
    }
    problems
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use crate::layers::ConfigDir;
    use crate::settings::Settings;

    fn problems(name: &str, value: &str) -> String {
        let env = [(name.to_owned(), value.to_owned())];
        Settings::load_from(ConfigDir::default(), env)
            .unwrap()
            .problems()
            .join("\n")
    }

    #[test]
    fn each_malformed_value_says_what_to_write() {
        let url = "WABOT__DATABASE__URL";
        assert!(problems(url, "sqlite:data/x.db").contains("write `sqlite://data/x.db`"));
        let postgres = problems(url, "postgres:u:secret@h/db");
        assert!(postgres.contains("write `postgres://USER:PASSWORD@HOST/DB`"));
        assert!(!postgres.contains("secret"), "{postgres}");
        assert!(problems(url, "data/x.db").contains("it has no scheme"));
        assert!(problems(url, "").contains("it is empty"));
        assert!(problems("WABOT__SERVER__BIND", "9090").contains("like `127.0.0.1:8080`"));
        assert!(problems("WABOT__SERVER__BIND", "localhost:9090").is_empty());
        assert!(problems("WABOT__LOG__LEVEL", "verbose").contains("is not a log filter"));
        assert!(problems("WABOT__LOG__LEVEL", "warn,wabot=debug").is_empty());
        assert!(problems("WABOT__META__MESSAGES_PER_SECOND", "20000").is_empty());
        assert!(problems("WABOT__META__MESSAGES_PER_SECOND", "0").contains("between 1 and"));
    }
}
