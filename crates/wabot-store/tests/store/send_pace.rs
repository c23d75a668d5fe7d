//! The shared send schedule: leases from many callers at once never hold the same time, a
//! schedule leased past the horizon refuses, a pause holds everyone, and numbers are apart.

use std::time::Duration;

use wabot_app::{LEASE_HORIZON, SendBudget, SlotRequest};
use wabot_store::DieselStore;

fn ask(phone: &str, count: u32) -> SlotRequest {
    SlotRequest {
        phone_number_id: phone.into(),
        count,
        interval: Duration::from_millis(10),
        horizon: LEASE_HORIZON,
        hold_for: None,
    }
}

crate::both_backends!(parallel_leases_share_one_schedule, |url| async move {
    let store = DieselStore::open(&url, 8).await.unwrap();
    // 8 callers at once, 3 leases of 2 slots each: 48 slots = 480 ms of schedule, more than the
    // horizon, so some are refused; those granted hold 20 ms each, end to end.
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let mut leases = Vec::new();
            for _ in 0..3 {
                leases.push(store.lease_slots(ask("PN", 2)).await.unwrap());
            }
            leases
        }));
    }
    let mut granted = 0;
    let mut refused = 0;
    for task in tasks {
        for lease in task.await.unwrap() {
            if lease.granted == 0 {
                refused += 1;
                assert!(lease.retry_in > Duration::ZERO);
            } else {
                assert_eq!(lease.granted, 2);
                assert!(lease.starts_in <= LEASE_HORIZON, "{lease:?}");
                granted += 1;
            }
        }
    }
    assert_eq!(granted + refused, 24);
    assert!(
        granted >= 13,
        "the horizon holds about 25 leases of 20 ms: {granted}"
    );
    // Another number has a schedule of its own: it starts now.
    let other = store.lease_slots(ask("PN2", 2)).await.unwrap();
    assert_eq!(other.granted, 2);
    assert!(other.starts_in < Duration::from_millis(50), "{other:?}");
});

crate::both_backends!(a_pause_holds_every_sender, |url| async move {
    let store = DieselStore::open(&url, 2).await.unwrap();
    let hold = SlotRequest {
        hold_for: Some(Duration::from_secs(2)),
        ..ask("PN", 0)
    };
    assert_eq!(store.lease_slots(hold).await.unwrap().granted, 0);
    let refused = store.lease_slots(ask("PN", 1)).await.unwrap();
    assert_eq!(refused.granted, 0, "{refused:?}");
    assert!(
        refused.retry_in > Duration::from_millis(1_500),
        "{refused:?}"
    );
});
