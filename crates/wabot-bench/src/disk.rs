//! The disk's own sync latency: every acknowledged webhook waits for one sync of the database's
//! log, so no ack can be faster than the disk, and a pause of the disk delays every ack meanwhile.
//! `disk SECONDS` writes 4 KiB and syncs it every 2 ms, with nothing else running, and prints the
//! figures, to tell a slow or pausing disk from a slow server.

use std::io::{Seek, SeekFrom, Write};
use std::time::{Duration, Instant};

use crate::drive::percentile;

/// Syncs 4 KiB every 2 ms for `seconds` in a file under the temporary folder; prints the latencies.
pub fn probe(seconds: u32) -> anyhow::Result<()> {
    let path = std::env::temp_dir().join(format!("wabot_bench_disk_{}", std::process::id()));
    let mut file = std::fs::File::create(&path)?;
    let block = [0x5a_u8; 4096];
    let mut latencies = Vec::new();
    let end = Instant::now() + Duration::from_secs(u64::from(seconds));
    while Instant::now() < end {
        file.seek(SeekFrom::Start(0))?;
        file.write_all(&block)?;
        let started = Instant::now();
        file.sync_all()?;
        latencies.push(started.elapsed());
        std::thread::sleep(Duration::from_millis(2));
    }
    drop(file);
    std::fs::remove_file(&path)?;
    latencies.sort();
    let slow = latencies
        .iter()
        .filter(|l| **l > Duration::from_millis(20))
        .count();
    println!(
        "disk: {} syncs of 4 KiB in {seconds} s; p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms; {slow} over 20 ms",
        latencies.len(),
        percentile(&latencies, 50.0),
        percentile(&latencies, 99.0),
        percentile(&latencies, 100.0),
    );
    Ok(())
}
