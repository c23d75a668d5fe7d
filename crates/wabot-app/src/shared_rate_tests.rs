//! Tests of the shared rate: the schedule's lease rule, and several instances simulated against
//! one schedule (a clock of their own, a round trip per lease, jitter on the way to Meta).

use super::*;
use chrono::TimeZone;

fn t(us: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0).unwrap() + TimeDelta::microseconds(us)
}

fn ask(count: u32) -> SlotRequest {
    SlotRequest {
        phone_number_id: "PN".into(),
        count,
        interval: Duration::from_millis(20),
        horizon: LEASE_HORIZON,
        hold_for: None,
    }
}

#[test]
fn leases_never_overlap_and_stop_at_the_horizon() {
    // An idle schedule starts now.
    let (next, lease) = lease_schedule(0, 1_000_000, &ask(3));
    assert_eq!(
        (next, lease.granted, lease.starts_in),
        (1_060_000, 3, Duration::ZERO)
    );
    // The next lease starts where the last ended.
    let (next, lease) = lease_schedule(next, 1_010_000, &ask(3));
    assert_eq!(next, 1_120_000);
    assert_eq!(lease.starts_in, Duration::from_millis(50));
    // Leased further ahead than the horizon: refused, and told when to ask again.
    let (same, lease) = lease_schedule(1_400_000, 1_100_000, &ask(3));
    assert_eq!((same, lease.granted), (1_400_000, 0));
    assert_eq!(lease.retry_in, Duration::from_millis(50));
    // A pause moves the schedule on for everyone.
    let hold = SlotRequest {
        hold_for: Some(Duration::from_secs(2)),
        ..ask(0)
    };
    let (held, lease) = lease_schedule(1_000_000, 1_000_000, &hold);
    assert_eq!((held, lease.granted), (3_000_000, 0));
    // A schedule absurdly far ahead (the clock was set back) is free again.
    let (next, lease) = lease_schedule(i64::MAX / 2, 1_000_000, &ask(1));
    assert_eq!((next, lease.granted), (1_020_000, 1));
}

/// One simulated instance: its share, and whether it still runs.
struct Instance {
    share: SharedRate,
    alive: bool,
    /// It looks at its slots every this many microseconds.
    every: i64,
}

/// Runs `instances` against one schedule for `seconds`, each always having work; `kill` stops one
/// at a time. Returns when each send reached Meta (its take plus 0–5 ms on the way).
fn simulate(rate: u32, everies: &[i64], seconds: i64, kill: Option<(usize, i64)>) -> Vec<i64> {
    let mut instances: Vec<Instance> = everies
        .iter()
        .map(|every| Instance {
            share: SharedRate::new("PN", rate),
            alive: true,
            every: *every,
        })
        .collect();
    let mut next_slot = 0_i64;
    let mut sends = Vec::new();
    let rtt = 1_500;
    let mut seed = 7_u64;
    for now in (0..seconds * 1_000_000).step_by(250) {
        if let Some((index, at)) = kill
            && now >= at
        {
            instances[index].alive = false;
        }
        for instance in instances.iter_mut().filter(|i| i.alive) {
            if now % instance.every != 0 {
                continue;
            }
            if let Some(request) = instance.share.request(t(now), None) {
                let (next, lease) = lease_schedule(next_slot, now + rtt / 2, &request);
                next_slot = next;
                instance.share.deposit(lease, t(now), t(now + rtt));
            }
            let taken = instance.share.take(usize::MAX, t(now));
            for _ in 0..taken {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                sends.push(now + i64::try_from(seed >> 33).unwrap() % 5_000);
            }
        }
    }
    sends.sort_unstable();
    sends
}

fn busiest_second(sends: &[i64]) -> usize {
    let mut start = 0;
    let mut busiest = 0;
    for end in 0..sends.len() {
        while sends[end] - sends[start] >= 1_000_000 {
            start += 1;
        }
        busiest = busiest.max(end - start + 1);
    }
    busiest
}

#[test]
fn instances_together_keep_the_rate_and_use_most_of_it() {
    for rate in [1, 7, 50, 80, 1_000] {
        for everies in [&[1_000][..], &[1_000, 1_000, 1_000], &[250, 2_000, 5_000]] {
            let sends = simulate(rate, everies, 10, None);
            let busiest = busiest_second(&sends);
            assert!(
                busiest <= rate as usize,
                "rate {rate}, {everies:?}: {busiest}"
            );
            let floor = (f64::from(rate) * 10.0 * 0.9).floor() as usize;
            assert!(
                sends.len() >= floor,
                "rate {rate}, {everies:?}: {} of {}",
                sends.len(),
                rate * 10
            );
        }
    }
}

#[test]
fn a_dead_instance_holds_its_share_a_quarter_of_a_second_at_most() {
    let sends = simulate(50, &[1_000, 1_000, 1_000], 10, Some((2, 5_000_000)));
    assert!(busiest_second(&sends) <= 50);
    // The second after the kill's first 300 ms is served by the two others at the full rate.
    let after: Vec<i64> = sends
        .iter()
        .copied()
        .filter(|at| (5_300_000..6_300_000).contains(at))
        .collect();
    assert!(after.len() >= 45, "{} in the second after", after.len());
}

#[test]
fn an_idle_sender_probes_with_one_slot_and_a_busy_one_leases_batches() {
    let share = SharedRate::new("PN", 80);
    let batch = share.request(t(0), None).unwrap().count;
    assert!(batch >= 2, "{batch}");
    share.set_demand(false);
    assert_eq!(share.request(t(0), None).unwrap().count, 1);
    let lease = SlotLease {
        granted: 1,
        starts_in: Duration::ZERO,
        retry_in: Duration::ZERO,
    };
    share.deposit(lease, t(0), t(1_000));
    assert_eq!(share.request(t(1_000), None), None, "holding its probe");
    assert_eq!(share.take(5, t(500)), 0, "not before the answer came");
    assert_eq!(share.take(5, t(1_000)), 1);
    share.give_back(1);
    assert_eq!(
        share.take(5, t(30_000)),
        0,
        "a slot unused past the tolerance is gone"
    );
    // A pause is published once and drops what is held.
    let hold = share.request(t(0), Some(t(2_000_000))).unwrap();
    assert_eq!(hold.count, 0);
    assert_eq!(hold.hold_for, Some(Duration::from_secs(2)));
    assert_eq!(share.request(t(1_000), Some(t(2_000_000))), None);
}
