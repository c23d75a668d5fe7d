//! A sender's cycle in one write (`Outbox::record_and_claim`): the outcomes of one write each
//! recorded as if alone, a lost lease reported for its send only; a status webhook that overtook a
//! send settled by the write that records the send; the next reply of a customer whose send has
//! just ended leased by that same write, in order; and the send pool, when that write fails, still
//! recording what ended (so nothing is sent twice).

use chrono::TimeDelta;
use wabot_app::{
    Contacts, DeliveryStatus, Inbox, LeaseRequest, MessageStatus, Outbox, SendOutcome,
};
use wabot_store::DieselStore;

use crate::support::{LEASE, engine, event, first_outbound, noon, phone, say, status_item};

/// Leases for sender `s`, at most `limit`.
fn lease(limit: usize) -> LeaseRequest<'static> {
    LeaseRequest {
        owner: "s",
        lease: LEASE,
        limit,
    }
}

/// How long a status waits for its send.
const STATUS_WAIT: Option<std::time::Duration> = Some(std::time::Duration::from_secs(3600));

crate::both_backends!(
    the_outcomes_of_one_write_are_each_recorded_as_alone,
    |url| async move {
        let store = DieselStore::open(&url, 4).await.unwrap();
        let engine = engine();
        for n in 1..=5 {
            say(
                &store,
                &engine,
                &format!("60{n}"),
                &format!("m{n}"),
                "hi",
                noon(),
            )
            .await;
        }
        // Another sender holds the first reply; this one holds the other four.
        let theirs = store.claim_due("t", noon(), LEASE, 1).await.unwrap();
        let ours = store.claim_due("s", noon(), LEASE, 10).await.unwrap();
        assert_eq!((theirs.len(), ours.len()), (1, 4));
        let sent = |id: &str| SendOutcome::Sent {
            wa_message_id: id.into(),
            wa_id: None,
        };
        let outcomes = vec![
            (ours[0].clone(), sent("wamid.one")),
            (theirs[0].clone(), sent("wamid.theirs")),
            (
                ours[1].clone(),
                SendOutcome::Sandboxed {
                    wa_message_id: "wamid.sandbox".into(),
                },
            ),
            (
                ours[2].clone(),
                SendOutcome::Retry {
                    at: noon() + TimeDelta::seconds(5),
                    error: "HTTP 500".into(),
                },
            ),
            (ours[3].clone(), sent("wamid.four")),
        ];
        let written = store
            .record_and_claim(outcomes, lease(0), noon(), STATUS_WAIT)
            .await
            .unwrap();
        assert!(written.claimed.is_empty(), "a limit of 0 leases nothing");
        let recorded = written.recorded;
        let lost = |r: &Result<(), wabot_app::StoreError>| {
            matches!(r, Err(wabot_app::StoreError::LeaseLost))
        };
        assert_eq!(
            recorded
                .iter()
                .map(|r| (r.is_ok(), lost(r)))
                .collect::<Vec<_>>(),
            [
                (true, false),
                (false, true),
                (true, false),
                (true, false),
                (true, false)
            ],
            "{recorded:?}"
        );
        let status = |contact_id| {
            let store = store.clone();
            async move {
                let message = first_outbound(&store, contact_id).await;
                (message.status, message.wa_message_id)
            }
        };
        let sent_as = |status: DeliveryStatus, id: &str| {
            (MessageStatus::Delivery(status), Some(id.to_owned()))
        };
        let pending = (MessageStatus::Delivery(DeliveryStatus::Pending), None);
        assert_eq!(
            status(ours[0].contact_id).await,
            sent_as(DeliveryStatus::Sent, "wamid.one")
        );
        assert_eq!(
            status(theirs[0].contact_id).await,
            pending,
            "not ours to record"
        );
        assert_eq!(
            status(ours[1].contact_id).await,
            sent_as(DeliveryStatus::Sandboxed, "wamid.sandbox")
        );
        assert_eq!(
            status(ours[2].contact_id).await,
            pending,
            "to be tried again"
        );
        assert_eq!(
            status(ours[3].contact_id).await,
            sent_as(DeliveryStatus::Sent, "wamid.four")
        );
        // The retried reply comes back when its time comes; the other sender's is still its own.
        let again = store
            .claim_due("s", noon() + TimeDelta::seconds(5), LEASE, 10)
            .await
            .unwrap();
        assert_eq!(
            again.iter().map(|job| job.outbox_id).collect::<Vec<_>>(),
            [ours[2].outbox_id]
        );
    }
);

crate::both_backends!(
    one_write_records_a_send_settles_its_early_status_and_leases_the_next_reply,
    |url| async move {
        let store = DieselStore::open(&url, 4).await.unwrap();
        let engine = engine();
        say(&store, &engine, "701", "a1", "hi", noon()).await;
        let first = store.claim_due("s", noon(), LEASE, 10).await.unwrap();
        assert_eq!(first.len(), 1);
        // The customer writes again while the first reply is in flight: their second reply waits
        // behind it (one in flight per customer).
        let later = noon() + TimeDelta::seconds(1);
        say(&store, &engine, "701", "a2", "2", later).await;
        // Meta's "delivered" for the first reply arrives before its send is recorded.
        let early = status_item(
            phone("701"),
            "wamid.FIRST",
            DeliveryStatus::Delivered,
            later,
        );
        store.ingest(event(vec![early], later)).await.unwrap();
        let sent = SendOutcome::Sent {
            wa_message_id: "wamid.FIRST".into(),
            wa_id: None,
        };
        let written = store
            .record_and_claim(
                vec![(first[0].clone(), sent)],
                lease(10),
                later,
                STATUS_WAIT,
            )
            .await
            .unwrap();
        assert!(written.recorded.iter().all(Result::is_ok), "{written:?}");
        assert_eq!(
            first_outbound(&store, first[0].contact_id).await.status,
            MessageStatus::Delivery(DeliveryStatus::Delivered),
            "the early status applied by the write that recorded its send"
        );
        assert_eq!(
            crate::support::pending_statuses(&url).await,
            0,
            "nothing left waiting"
        );
        assert_eq!(
            written.claimed.len(),
            1,
            "the second reply, freed by the record"
        );
        assert_eq!(written.claimed[0].contact_id, first[0].contact_id);
        assert!(written.claimed[0].outbox_id > first[0].outbox_id);
        // Leased to `s`: another sender finds nothing.
        assert!(
            store
                .claim_due("t", later, LEASE, 10)
                .await
                .unwrap()
                .is_empty()
        );
    }
);

/// The real store, whose sender's write can be made to fail when it would lease (as a claim that
/// keeps failing would), while a write that only records still goes through.
struct FailingLeases {
    store: DieselStore,
    failing: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl Outbox for FailingLeases {
    async fn claim_due(
        &self,
        owner: &str,
        now: chrono::DateTime<chrono::Utc>,
        lease: std::time::Duration,
        limit: usize,
    ) -> Result<Vec<wabot_app::OutboundJob>, wabot_app::StoreError> {
        self.store.claim_due(owner, now, lease, limit).await
    }

    async fn record_outcome(
        &self,
        job: &wabot_app::OutboundJob,
        owner: &str,
        now: chrono::DateTime<chrono::Utc>,
        outcome: SendOutcome,
    ) -> Result<(), wabot_app::StoreError> {
        self.store.record_outcome(job, owner, now, outcome).await
    }

    async fn record_and_claim(
        &self,
        outcomes: Vec<(wabot_app::OutboundJob, SendOutcome)>,
        lease: LeaseRequest<'_>,
        now: chrono::DateTime<chrono::Utc>,
        settle: Option<std::time::Duration>,
    ) -> Result<wabot_app::SenderWrite, wabot_app::StoreError> {
        if lease.limit > 0 && self.failing.load(std::sync::atomic::Ordering::Relaxed) {
            return Err(wabot_app::StoreError::Database("claim refused".into()));
        }
        self.store
            .record_and_claim(outcomes, lease, now, settle)
            .await
    }

    async fn apply_status(
        &self,
        update: &wabot_app::StatusUpdate,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<wabot_app::StatusApplied, wabot_app::StoreError> {
        self.store.apply_status(update, at).await
    }
}

impl wabot_app::SendBudget for FailingLeases {
    async fn lease_slots(
        &self,
        request: wabot_app::SlotRequest,
    ) -> Result<wabot_app::SlotLease, wabot_app::StoreError> {
        self.store.lease_slots(request).await
    }
}

crate::both_backends!(
    a_send_that_ended_is_recorded_even_when_leasing_fails,
    |url| async move {
        let store = DieselStore::open(&url, 4).await.unwrap();
        let engine = engine();
        say(&store, &engine, "801", "a1", "hi", noon()).await;
        let failing = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let leases = FailingLeases {
            store: store.clone(),
            failing: std::sync::Arc::clone(&failing),
        };
        let bucket = std::sync::Arc::new(wabot_app::TokenBucket::new(1000, noon()));
        let deliver =
            wabot_app::Deliver::new(leases, wabot_app::SandboxMessenger::new(), bucket, "s", 10);
        let mut pool = wabot_app::SendPool::new(&deliver);
        let first = pool.cycle(noon()).await.unwrap();
        assert_eq!(first.started, 1);
        pool.finished().await;
        assert_eq!(pool.in_flight(), 0);
        // Another customer's reply waits; the write that would record the first send and lease it
        // fails.
        say(&store, &engine, "802", "b1", "hi", noon()).await;
        failing.store(true, std::sync::atomic::Ordering::Relaxed);
        let failed = pool.cycle(noon()).await;
        assert!(
            matches!(failed, Err(wabot_app::StoreError::Database(_))),
            "{failed:?}"
        );
        let recorded = |wa_id: &'static str| {
            let store = store.clone();
            async move {
                let contacts = store.list_contacts(crate::support::FIRST).await.unwrap();
                let contact = contacts
                    .iter()
                    .find(|c| c.ids.wa_id.as_deref() == Some(wa_id))
                    .unwrap();
                first_outbound(&store, contact.id).await.status
            }
        };
        let pending = MessageStatus::Delivery(DeliveryStatus::Pending);
        assert_ne!(
            recorded("801").await,
            pending,
            "the first send recorded alone"
        );
        assert_eq!(recorded("802").await, pending, "nothing leased or sent");
        // Once leasing works again, the waiting reply goes, and nothing is sent twice.
        failing.store(false, std::sync::atomic::Ordering::Relaxed);
        let again = pool.cycle(noon()).await.unwrap();
        assert_eq!((again.started, again.recorded.sent), (1, 0));
        pool.finished().await;
        let last = pool.cycle(noon()).await.unwrap();
        assert_eq!((last.started, last.recorded.is_empty()), (0, false));
        assert_ne!(recorded("802").await, pending);
    }
);
