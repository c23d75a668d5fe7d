//! What the server process spent: its CPU time (user + system, all threads) and its peak resident
//! memory, read from Linux's `/proc/<pid>/stat` and `/proc/<pid>/status`.
//!
//! The bench takes a reading before and after the load; the difference in CPU time divided by the
//! replies answered is the "CPU per answered message" figure, which does not depend on how busy the
//! rest of the machine was (unlike a rate).
//!
//! With `--database` on a local PostgreSQL, the CPU time of every `postgres` process (the
//! server's backends and the cluster's own workers) is read the same way and reported beside it.

use std::time::Duration;

/// Linux reports `utime`/`stime` in clock ticks of `USER_HZ`, which is 100 on every architecture's
/// user-space ABI (`sysconf(_SC_CLK_TCK)`), so one tick is 10 ms.
const TICK: Duration = Duration::from_millis(10);

/// One reading of a process.
#[derive(Clone, Copy, Debug, Default)]
pub struct Usage {
    /// User plus system CPU time of all its threads so far.
    pub cpu: Duration,
    /// Its peak resident set size (`VmHWM`), in KiB.
    pub peak_rss_kib: u64,
}

/// Reads the process `pid`; `None` when `/proc` cannot tell (not Linux, or the process is gone).
pub fn usage(pid: u32) -> Option<Usage> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
    let after_name = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // After the name: state is field 3 (index 0 here), utime field 14 (index 11), stime 15 (12).
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let peak_rss_kib = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|kib| kib.parse().ok())
        .unwrap_or(0);
    let ticks = u32::try_from(utime + stime).unwrap_or(u32::MAX);
    Some(Usage {
        cpu: TICK * ticks,
        peak_rss_kib,
    })
}

/// The readings of several processes together: their CPU times added, the largest peak memory.
pub fn usage_of(pids: &[u32]) -> Option<Usage> {
    pids.iter().try_fold(Usage::default(), |total, pid| {
        let reading = usage(*pid)?;
        Some(Usage {
            cpu: total.cpu + reading.cpu,
            peak_rss_kib: total.peak_rss_kib.max(reading.peak_rss_kib),
        })
    })
}

/// The CPU time of every process named `postgres` on this machine (a local cluster's backends
/// and workers); `None` when there is none or `/proc` cannot tell.
pub fn database_cpu() -> Option<Duration> {
    let mut total = Duration::ZERO;
    let mut found = false;
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        let named_postgres = std::fs::read_to_string(format!("/proc/{pid}/comm"))
            .is_ok_and(|comm| comm.trim_end() == "postgres");
        if let (true, Some(reading)) = (named_postgres, usage(pid)) {
            total += reading.cpu;
            found = true;
        }
    }
    found.then_some(total)
}

/// Prints the database's CPU per answered message between two readings of [`database_cpu`].
pub fn report_database(before: Option<Duration>, after: Option<Duration>, answered: usize) {
    if let (Some(before), Some(after)) = (before, after)
        && answered > 0
    {
        let spent = after.saturating_sub(before);
        println!(
            "  cpu: PostgreSQL spent {:.2} s of CPU for {answered} answered messages = {:.0} µs each",
            spent.as_secs_f64(),
            spent.as_secs_f64() * 1e6 / answered as f64
        );
    }
}

/// Prints the server's CPU per answered message between two readings, and its peak memory.
pub fn report(before: Option<Usage>, after: Option<Usage>, answered: usize) {
    report_per(before, after, answered, "answered messages");
}

/// Prints the server's CPU per one of `count` things done (`what`, e.g. "answered messages")
/// between two readings, and its peak memory.
pub fn report_per(before: Option<Usage>, after: Option<Usage>, count: usize, what: &str) {
    match (before, after) {
        (Some(before), Some(after)) if count > 0 => {
            let spent = after.cpu.saturating_sub(before.cpu);
            let per_message = spent.as_secs_f64() * 1e6 / count as f64;
            println!(
                "  cpu: server spent {:.2} s of CPU for {count} {what} = {per_message:.0} µs each; peak RSS {:.1} MiB",
                spent.as_secs_f64(),
                after.peak_rss_kib as f64 / 1024.0
            );
        }
        _ => println!("  cpu: not measured (no /proc reading, or none {what})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_this_process_and_its_cpu_grows_with_work() {
        let pid = std::process::id();
        let first = usage(pid).unwrap_or_default();
        // Spin until the kernel has counted at least one more tick (bounded, for a busy machine).
        let started = std::time::Instant::now();
        let mut second = first;
        while second.cpu <= first.cpu && started.elapsed() < Duration::from_secs(20) {
            std::hint::black_box((0..10_000u64).sum::<u64>());
            second = usage(pid).unwrap_or_default();
        }
        assert!(second.cpu > first.cpu, "{first:?} then {second:?}");
        assert!(second.peak_rss_kib > 0);
    }
}
