//! `wabot`: the WhatsApp Business chatbot server. Subcommands: `serve` (the default), `migrate`,
//! `seed-demo`, `backup`, `health`, `check-config`, `chat`, `user`, `menu diagram`, `import`, `templates`, `campaign`; each is a function of the `wabot_server` library. The
//! command line is parsed by clap: every subcommand has `--help`, and anything unknown is refused.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use secrecy::ExposeSecret;
use wabot_server::layers::{CONFIG_DIR_VAR, ConfigDir};
use wabot_server::{
    campaign_cli, chat, check, diagram, health, import, serve, settings, telemetry, users,
};
use wabot_store::{DieselStore, Seeded};

/// wabot: a WhatsApp Cloud API chatbot server.
///
/// Settings: built-in defaults < DIR/default.toml < DIR/local.toml < WABOT__SECTION__KEY
/// environment variables (see docs/setup.md).
#[derive(Debug, Parser)]
#[command(name = "wabot", version, about)]
struct Cli {
    /// The configuration folder holding default.toml and local.toml; relative paths in the
    /// settings (the menu file, a SQLite file) are resolved in it. Default: config/ in the
    /// working directory, with paths relative to the working directory.
    #[arg(long, global = true, value_name = "DIR")]
    config: Option<PathBuf>,

    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the server (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Write the demo customer's data (idempotent) and exit.
    SeedDemo,
    /// Copy the SQLite database, while the server runs, to the new file PATH (a consistent copy:
    /// `VACUUM INTO`). On PostgreSQL it refuses and shows the `pg_dump` way.
    Backup {
        /// The new file to write (it must not exist).
        path: PathBuf,
    },
    /// Print every setting (secrets masked) with its source, and every problem; fails if there is one.
    CheckConfig,
    /// Talk to the bot on the terminal (no Meta account, no server).
    Chat {
        /// The customer's WhatsApp id to chat as.
        #[arg(long, value_name = "WA_ID", default_value = wabot_engine::DEMO_CUSTOMER)]
        from: String,
    },
    /// Ask the running server's /health (at server.bind) and succeed on 200: for a container's
    /// HEALTHCHECK and the systemd unit's start check.
    Health {
        /// Ask /ready instead (the database answers and the workers run).
        #[arg(long)]
        ready: bool,
        /// Keep asking for up to SECONDS until it answers 200.
        #[arg(long, value_name = "SECONDS", default_value_t = 0)]
        wait: u64,
    },
    /// Work with the menu file.
    Menu {
        #[command(subcommand)]
        command: MenuCommand,
    },
    /// Manage the console's users (the first administrator is made here).
    User {
        #[command(subcommand)]
        action: users::UserCommand,
    },
    /// Load orders or schedule entries from a CSV or JSON-lines file (idempotent: an unchanged
    /// row writes nothing). A file with an invalid row writes nothing unless --skip-invalid.
    Import(import::ImportArgs),
    /// The business's message templates (synced from the Graph API).
    Templates {
        #[command(subcommand)]
        command: campaign_cli::TemplatesCommand,
    },
    /// Campaigns: template broadcasts, paced, resumable (docs/campaigns.md).
    Campaign {
        #[command(subcommand)]
        command: campaign_cli::CampaignCommand,
    },
}

#[derive(Debug, Subcommand)]
enum MenuCommand {
    /// Draw the menu file as a diagram: every node and option, laid out as a tree. A menu with
    /// problems is refused with the problems `check-config` lists.
    Diagram {
        /// svg (a picture), dot (Graphviz) or mermaid (a Markdown flowchart).
        #[arg(long, value_enum, default_value_t = DiagramFormat::Svg)]
        format: DiagramFormat,
        /// Write to FILE instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Put the traffic of the last DAYS days (1-366) on it, read from the database: times
        /// each option was chosen, and how many conversations went quiet at each node.
        #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(u32).range(1..=366))]
        stats: Option<u32>,
    },
}

/// The diagram's formats, as the command line names them.
#[derive(Clone, Copy, Debug, ValueEnum)]
enum DiagramFormat {
    Svg,
    Dot,
    Mermaid,
}

impl From<DiagramFormat> for wabot_diagram::Format {
    fn from(format: DiagramFormat) -> Self {
        match format {
            DiagramFormat::Svg => Self::Svg,
            DiagramFormat::Dot => Self::Dot,
            DiagramFormat::Mermaid => Self::Mermaid,
        }
    }
}

/// What `seed-demo` did, as a sentence.
fn seeded(seeded: Seeded) -> &'static str {
    match seeded {
        Seeded::Written => "the demo data was written",
        Seeded::AlreadyThere => "the demo data was already there; nothing changed",
    }
}

#[allow(clippy::print_stdout, clippy::print_stderr)]
async fn run(cli: Cli) -> anyhow::Result<()> {
    let dir = ConfigDir::choose(cli.config, std::env::var_os(CONFIG_DIR_VAR));
    let settings = settings::Settings::load(dir).map_err(anyhow::Error::msg)?;
    let command = cli.command.unwrap_or(Command::Serve);
    if let Command::CheckConfig = command {
        if check::check(&settings) {
            return Ok(());
        }
        anyhow::bail!("the configuration has problems (listed above)");
    }
    if let Command::Health { ready, wait } = command {
        let path = if ready { "/ready" } else { "/health" };
        let bind = settings.server.bind.clone();
        let wait = std::time::Duration::from_secs(wait);
        let said = tokio::task::spawn_blocking(move || health::check(&bind, path, wait)).await??;
        println!("{said}");
        return Ok(());
    }
    let problems = settings.problems();
    if !problems.is_empty() {
        anyhow::bail!(
            "the settings cannot run as they are (`wabot check-config` shows them all):\n  {}",
            problems.join("\n  ")
        );
    }
    telemetry::init(&settings.log.format, &settings.log.level);
    for warning in &settings.origin.warnings {
        tracing::warn!("{warning}");
    }
    let url = settings.database.url.expose_secret().to_owned();
    match command {
        Command::Serve => serve::serve(settings).await,
        Command::Migrate => {
            let applied = DieselStore::migrate(&url).await?;
            println!(
                "{} migration(s) applied{}",
                applied.len(),
                if applied.is_empty() {
                    String::new()
                } else {
                    format!(": {}", applied.join(", "))
                }
            );
            Ok(())
        }
        Command::SeedDemo => {
            let store = DieselStore::open(&url, 1).await?;
            let outcome = store.seed_demo(wabot_app::utc_now()).await?;
            println!(
                "{} (customer {}: try `wabot chat --from {}`)",
                seeded(outcome),
                wabot_engine::DEMO_CUSTOMER,
                wabot_engine::DEMO_CUSTOMER
            );
            Ok(())
        }
        Command::Backup { path } => {
            let backup = DieselStore::backup(&url, &path).await?;
            println!(
                "backed up to {} ({} bytes); restore: stop the server, put it in place of the \
                 database file (delete any -wal and -shm files beside it) and start",
                path.display(),
                backup.bytes
            );
            Ok(())
        }
        Command::Chat { from } => chat::chat(&settings, &from).await,
        Command::User { action } => {
            println!("{}", users::run(&url, action).await?);
            Ok(())
        }
        Command::Menu {
            command: MenuCommand::Diagram { format, out, stats },
        } => diagram::diagram(&settings, format.into(), out.as_deref(), stats).await,
        Command::Import(args) => import::import(&settings, args).await,
        Command::Templates { command } => {
            println!("{}", campaign_cli::templates(&settings, command).await?);
            Ok(())
        }
        Command::Campaign { command } => {
            println!("{}", campaign_cli::campaign(&settings, command).await?);
            Ok(())
        }
        Command::CheckConfig | Command::Health { .. } => Ok(()),
    }
}

#[allow(clippy::print_stderr)]
fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("wabot: cannot start the async runtime: {error}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("wabot: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }
}
