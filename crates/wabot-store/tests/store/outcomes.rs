//! A sender's cycle in one write (`Outbox::record_and_claim`): the outcomes of one write each
//! recorded as if alone, a lost lease reported for its send only; a status webhook that overtook a
//! send settled by the write that records the send; and the next reply of a customer whose send
//! has just ended leased by that same write, in order.

use chrono::TimeDelta;
use wabot_app::{DeliveryStatus, Inbox, LeaseRequest, MessageStatus, Outbox, SendOutcome};
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
