//! `wabot serve`: refuses settings that cannot run, builds the [`Application`], prints the banner and
//! runs it until SIGINT or SIGTERM.

use crate::application::Application;
use crate::settings::Settings;

/// Runs the server until it is stopped (SIGINT or SIGTERM). The banner goes to standard output for
/// the person who started it (and for the end-to-end tests, which read the address from it);
/// everything else is logged.
#[allow(clippy::print_stdout)]
pub async fn serve(settings: Settings) -> anyhow::Result<()> {
    let problems = settings.problems();
    if !problems.is_empty() {
        anyhow::bail!(
            "the settings cannot run as they are:\n  {}",
            problems.join("\n  ")
        );
    }
    let application = Application::build(&settings).await?;
    let address = application.address();
    let shown = application.database();
    let mode = if settings.sandbox() {
        "sandbox (replies are recorded, not sent)"
    } else {
        "live"
    };
    tracing::info!(%address, %mode, database = %shown, "wabot is listening");
    println!("wabot listening on http://{address} — {mode}; database {shown}");
    if settings.sandbox() {
        println!(
            "Try it: see docs/setup.md for a signed test webhook, or `curl http://{address}/health`."
        );
    }
    application.run().await
}
