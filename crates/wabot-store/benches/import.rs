//! `wabot import` at 100,000 orders: the rows as a file gives them (every field text), checked by
//! the app's validation (`plan_orders`) and written through `BusinessRecords::put_orders` in
//! batches of 1,000 (the command's default), one transaction each — what the command does after
//! reading the file. Three runs on a fresh SQLite file: the first import (all created), the same
//! rows again (all unchanged: nothing written), and every row with a new status (all updated).
//! Goal: each ≤ 10 s.
//!
//! ```sh
//! cargo bench -p wabot-store --bench import                    # 100,000 rows
//! cargo bench -p wabot-store --bench import -- 20000           # another count
//! cargo bench -p wabot-store --bench import -- 100000 /tmp/orders.csv   # also write the rows as
//!                                       # CSV, to time the whole command: wabot import orders FILE
//! ```
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    missing_docs
)]

use std::io::Write;
use std::time::{Duration, Instant};

use wabot_app::{
    BusinessRecords, OrderFields, ReadRow, WriteCounts, plan_orders, utc_now, write_batches,
};
use wabot_store::DieselStore;

const BATCH: usize = 1000;

fn row(n: usize, status: &str) -> OrderFields {
    OrderFields {
        customer: Some(format!("+1 555 {:07}", n / 5)),
        order_number: Some(format!("ORD-{n}")),
        status: Some(status.to_owned()),
        items: Some(format!("{}x Oak chair, {}x table", n % 4 + 1, n % 2 + 1)),
        placed_on: Some("2026-11-20".to_owned()),
        expected_delivery: Some(format!("2026-12-{:02}", n % 28 + 1)),
        tracking_note: None,
        tracking_url: Some(format!("https://track.example/ORD-{n}")),
    }
}

fn rows(count: usize, status: &str) -> Vec<ReadRow<OrderFields>> {
    (1..=count)
        .map(|n| (n as u64 + 1, Ok(row(n, status))))
        .collect()
}

fn write_csv(path: &str, count: usize) {
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(
        file,
        "customer,order_number,status,items,placed_on,expected_delivery,tracking_url"
    )
    .unwrap();
    for n in 1..=count {
        let r = row(n, "shipped");
        let text = |v: Option<String>| v.unwrap_or_default();
        writeln!(
            file,
            "{},{},{},\"{}\",{},{},{}",
            text(r.customer),
            text(r.order_number),
            text(r.status),
            text(r.items),
            text(r.placed_on),
            text(r.expected_delivery),
            text(r.tracking_url)
        )
        .unwrap();
    }
}

/// Checks and writes `rows`; the time of each part and the counts.
async fn import(
    store: &DieselStore,
    rows: Vec<ReadRow<OrderFields>>,
) -> (Duration, Duration, WriteCounts) {
    let started = Instant::now();
    let plan = plan_orders(rows, "ORD");
    assert!(plan.rejected.is_empty(), "{:?}", plan.rejected.first());
    let checked = started.elapsed();
    let today = utc_now().date_naive();
    let counts = write_batches(
        plan.records,
        BATCH,
        |batch| store.put_orders(batch, today),
        |_| {},
    )
    .await
    .unwrap();
    (checked, started.elapsed() - checked, counts)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let count: usize = args.first().map_or(100_000, |n| n.parse().unwrap());
    if let Some(path) = args.get(1) {
        write_csv(path, count);
        println!("wrote {count} rows to {path}");
    }
    let file = std::env::temp_dir().join(format!("wabot_import_bench_{}.db", std::process::id()));
    let store = DieselStore::open(&format!("sqlite://{}", file.display()), 2)
        .await
        .unwrap();
    println!(
        "{count} orders, batches of {BATCH}, SQLite {}",
        file.display()
    );
    for (run, status) in [
        ("first import", "shipped"),
        ("same rows again", "shipped"),
        ("every status changed", "delivered"),
    ] {
        let (checked, written, counts) = import(&store, rows(count, status)).await;
        let total = checked + written;
        println!(
            "{run:<22} check {:>6.2} s  write {:>6.2} s  total {:>6.2} s  ({:>7.0} rows/s)  \
             created {} updated {} unchanged {}",
            checked.as_secs_f64(),
            written.as_secs_f64(),
            total.as_secs_f64(),
            count as f64 / total.as_secs_f64(),
            counts.created,
            counts.updated,
            counts.unchanged
        );
    }
    drop(store);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
    }
}
