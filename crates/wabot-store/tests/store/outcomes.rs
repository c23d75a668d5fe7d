//! Send outcomes recorded together (`Outbox::record_outcomes`): the outcomes of one sender's write
//! each recorded as if alone, a lost lease reported for its send only.

use chrono::TimeDelta;
use wabot_app::{DeliveryStatus, MessageStatus, Outbox, SendOutcome};
use wabot_store::DieselStore;

use crate::support::{LEASE, engine, first_outbound, noon, say};

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
        let recorded = store.record_outcomes(outcomes, "s", noon()).await.unwrap();
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
