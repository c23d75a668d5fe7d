//! `wabot`: the WhatsApp Business chatbot server. Subcommands: `serve` (the default), `migrate`,
//! `seed-demo`, `check-config`, `chat`; each is a function of the `wabot_server` library.

use secrecy::ExposeSecret;
use wabot_server::{chat, check, serve, settings, telemetry};
use wabot_store::DieselStore;

const USAGE: &str = "usage: wabot [serve | migrate | seed-demo | check-config | chat]\n\
  serve         run the server (the default)\n\
  migrate       apply pending database migrations and exit\n\
  seed-demo     write the demo customer's data (idempotent) and exit\n\
  check-config  print the settings (secrets masked) and every problem; fails if there is one\n\
  chat [--from WA_ID]  talk to the bot on the terminal (no Meta account, no server)\n\
Settings: config/default.toml < config/local.toml < WABOT__SECTION__KEY (see docs/setup.md).";

#[allow(clippy::print_stdout)]
async fn run(command: &str) -> anyhow::Result<()> {
    let settings = settings::Settings::load("config")?;
    telemetry::init(&settings.log.format, &settings.log.level);
    let url = settings.database.url.expose_secret().to_owned();
    match command {
        "serve" => serve::serve(settings).await,
        "migrate" => {
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
        "seed-demo" => {
            let store = DieselStore::open(&url, 1).await?;
            let seeded = store.seed_demo(wabot_app::utc_now()).await?;
            println!(
                "demo data: {seeded:?} (customer {})",
                wabot_engine::DEMO_CUSTOMER
            );
            Ok(())
        }
        "chat" => {
            let args: Vec<String> = std::env::args().collect();
            let from = args
                .iter()
                .position(|arg| arg == "--from")
                .and_then(|at| args.get(at + 1))
                .cloned()
                .unwrap_or_else(|| wabot_engine::DEMO_CUSTOMER.to_owned());
            chat::chat(&settings, &from).await
        }
        "check-config" => {
            if check::check(&settings) {
                Ok(())
            } else {
                anyhow::bail!("the configuration has problems")
            }
        }
        other => anyhow::bail!("unknown command `{other}`\n{USAGE}"),
    }
}

#[allow(clippy::print_stdout)]
fn main() -> std::process::ExitCode {
    let command = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "serve".to_owned());
    if command == "--help" || command == "-h" || command == "help" {
        println!("{USAGE}");
        return std::process::ExitCode::SUCCESS;
    }
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
    match runtime.block_on(run(&command)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("wabot: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
