//! `wabot import orders|schedule FILE`: loads the business's orders or schedule entries from a CSV
//! or JSON-lines file. Every row is checked first, with the admin API's validation; a file with a
//! bad row writes nothing (every bad row is listed with its line and reason) unless
//! `--skip-invalid`. Then the rows are written in batches, one transaction each, as upserts by
//! business key: importing the same file again changes nothing and says so. A progress bar shows on
//! a terminal; a summary ends the run.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::bail;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use wabot_app::{
    BusinessRecords, ImportPlan, OrderFields, Rejected, ScheduleFields, WriteCounts, plan_orders,
    plan_schedule, utc_now, write_batches,
};
use wabot_store::DieselStore;

use crate::import_file::{Format, read_rows};
use crate::settings::Settings;

/// What to import.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    /// Orders, keyed by order number.
    Orders,
    /// Schedule entries (deliveries, pickups, visits), keyed by reference.
    Schedule,
}

/// `wabot import`'s arguments.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  wabot import orders orders.csv
  wabot import schedule visits.jsonl
  wabot import orders export.txt --format csv --skip-invalid --batch 5000

Order columns: customer, order_number, status (required), items, placed_on, expected_delivery,
tracking_note, tracking_url. Schedule columns: reference, customer, kind, date, starts, ends
(required), status, note. See docs/business-data.md.")]
pub struct ImportArgs {
    /// orders or schedule.
    #[arg(value_enum)]
    pub kind: Kind,
    /// The file: CSV with a header row, or JSON lines (one object per line).
    pub file: PathBuf,
    /// The file's format; by default its extension says (.csv, .jsonl or .ndjson).
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Write the valid rows even when some are invalid (those are listed and skipped).
    #[arg(long)]
    pub skip_invalid: bool,
    /// Rows per transaction.
    #[arg(long, value_name = "N", default_value_t = 1000,
          value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub batch: u32,
}

/// What an import did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ImportSummary {
    /// The rows written or found unchanged.
    pub counts: WriteCounts,
    /// The rows refused (and skipped).
    pub rejected: usize,
}

/// Runs `wabot import` with `settings`' database and menu; the summary is printed.
#[allow(clippy::print_stdout, clippy::print_stderr)]
pub async fn import(settings: &Settings, args: ImportArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let format = match args.format.or_else(|| Format::of(&args.file)) {
        Some(format) => format,
        None => bail!(
            "cannot tell the format of {} from its name: pass --format csv or --format jsonl",
            args.file.display()
        ),
    };
    let url = secrecy::ExposeSecret::expose_secret(&settings.database.url).to_owned();
    let store = DieselStore::open(&url, 2).await?;
    let summary = match args.kind {
        Kind::Orders => {
            let menu = crate::components::load_menu(&settings.menu.path)?;
            let rows = read_rows::<OrderFields>(&args.file, format)?;
            let plan = plan_orders(rows, menu.order_prefix());
            let today = utc_now().date_naive();
            let store = &store;
            write(&args, plan, |batch| store.put_orders(batch, today)).await?
        }
        Kind::Schedule => {
            let rows = read_rows::<ScheduleFields>(&args.file, format)?;
            let plan = plan_schedule(rows);
            let store = &store;
            write(&args, plan, |batch| store.put_schedule(batch)).await?
        }
    };
    let ImportSummary { counts, rejected } = summary;
    println!(
        "{}: {} created, {} updated, {} unchanged, {} rejected{} in {:.1} s",
        args.file.display(),
        counts.created,
        counts.updated,
        counts.unchanged,
        rejected,
        if rejected > 0 { " (skipped)" } else { "" },
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Lists the refused rows, stops unless `--skip-invalid`, then writes the rest in batches.
#[allow(clippy::print_stderr)]
async fn write<R, Fut>(
    args: &ImportArgs,
    plan: ImportPlan<R>,
    put: impl FnMut(Vec<R>) -> Fut,
) -> anyhow::Result<ImportSummary>
where
    Fut: Future<Output = Result<WriteCounts, wabot_app::StoreError>>,
{
    let ImportPlan { records, rejected } = plan;
    for Rejected { line, reason } in &rejected {
        eprintln!("{}:{line}: {reason}", args.file.display());
    }
    if !rejected.is_empty() && !args.skip_invalid {
        bail!(
            "nothing was written: {} of {} rows are invalid (listed above with their lines). Fix \
             them and run the same command again, or add --skip-invalid to write the {} valid \
             rows and skip these.",
            rejected.len(),
            rejected.len() + records.len(),
            records.len()
        );
    }
    let bar = progress(&args.file, records.len());
    let batch = usize::try_from(args.batch).unwrap_or(1000);
    let counts = write_batches(records, batch, put, |done| bar.set_position(done)).await;
    bar.finish_and_clear();
    Ok(ImportSummary {
        counts: counts?,
        rejected: rejected.len(),
    })
}

/// A progress bar on standard error when it is a terminal; hidden otherwise (a log, a pipe).
fn progress(file: &Path, rows: usize) -> ProgressBar {
    let target = if std::io::stderr().is_terminal() {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    };
    let bar = ProgressBar::with_draw_target(Some(rows as u64), target);
    // The template is a constant known to parse; a failure would only lose the styling.
    if let Ok(style) =
        ProgressStyle::with_template("{msg} [{bar:30}] {human_pos}/{human_len} rows, {eta} left")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    let name = file.file_name().unwrap_or(file.as_os_str());
    bar.set_message(format!("importing {}", name.to_string_lossy()));
    bar
}
