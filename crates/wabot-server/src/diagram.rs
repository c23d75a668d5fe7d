//! `wabot menu diagram`: the menu file the server would load, as a picture (SVG), DOT or Mermaid
//! text, written to a file or to standard output. A menu with problems is refused with the same
//! problems `check-config` lists. With `--stats DAYS` it reads the traffic of the last DAYS days
//! from the store, through the `Statistics` port, and puts it on the diagram.

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use secrecy::ExposeSecret;
use wabot_app::{Statistics, TimeDelta, utc_now};
use wabot_diagram::{Format, Traffic};
use wabot_engine::Menu;
use wabot_store::DieselStore;

use crate::settings::Settings;

/// The traffic of the last `days` days: since then, and counting as left the conversations idle
/// for longer than the menu's idle timeout (as `/api/stats` does).
pub async fn traffic(store: &impl Statistics, menu: &Menu, days: u32) -> anyhow::Result<Traffic> {
    let now = utc_now();
    let since = now - TimeDelta::days(i64::from(days));
    let stats = store
        .stats(since, now - menu.idle_timeout())
        .await
        .context("cannot read the statistics")?;
    let period = if days == 1 {
        "the last day".to_owned()
    } else {
        format!("the last {days} days")
    };
    Ok(Traffic::from_stats(&stats, period))
}

/// Draws the menu file of `settings` in `format` (with the traffic of the last `days` days, if
/// given) to `out`, or to standard output.
pub async fn diagram(
    settings: &Settings,
    format: Format,
    out: Option<&Path>,
    days: Option<u32>,
) -> anyhow::Result<()> {
    let menu = crate::components::load_menu(&settings.menu.path)?;
    let traffic = match days {
        None => None,
        Some(days) => {
            let store = DieselStore::open(settings.database.url.expose_secret(), 1).await?;
            Some(traffic(&store, &menu, days).await?)
        }
    };
    let text = wabot_diagram::render(format, &menu, traffic.as_ref());
    match out {
        Some(path) => std::fs::write(path, text)
            .with_context(|| format!("cannot write the diagram to {}", path.display())),
        None => std::io::stdout()
            .write_all(text.as_bytes())
            .context("cannot write the diagram to standard output"),
    }
}
