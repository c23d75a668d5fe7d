//! A ticket's media jobs: queued in the step's transaction that creates the ticket (none without a
//! photo), leased to one worker at a time (a crashed worker's lease runs out), retried with the
//! reason kept, and ended as stored (hash, type, size) or failed with the reason.

use chrono::TimeDelta;
use wabot_app::{Conversations, MediaJobs, MediaOutcome, MediaState, TicketDesk};
use wabot_engine::NewDefect;
use wabot_store::DieselStore;

use crate::support::{ingest_text, noon, unchanged};

/// `wa_id` reports a defect, with the photo `media_id` if given; returns the ticket's id.
async fn report(store: &DieselStore, wa_id: &str, media_id: Option<&str>) -> i64 {
    let at = noon();
    ingest_text(store, wa_id, &format!("m-{wa_id}"), "report", at).await;
    let media_id = media_id.map(str::to_owned);
    store
        .step_next(at, 20, move |customer, _message, state, data| {
            let defect = NewDefect {
                order: None,
                description: "cracked glass".into(),
                photo_media_id: media_id.clone(),
                reference_prefix: "DEF".into(),
            };
            data.create_defect(customer, defect, at)?;
            unchanged(state)
        })
        .await
        .unwrap()
        .unwrap();
    let tickets = store.tickets(None, None, 10).await.unwrap();
    tickets.iter().map(|t| t.id).max().unwrap()
}

crate::both_backends!(media_jobs_are_leased_retried_and_ended, |url| async move {
    let store = DieselStore::open(&url, 2).await.unwrap();
    let with_photo = report(&store, "34600000011", Some("MEDIA-1")).await;
    let without = report(&store, "34600000012", None).await;
    assert!(store.ticket_media(without).await.unwrap().is_empty());
    let queued = store.ticket_media(with_photo).await.unwrap();
    assert_eq!(
        (queued.len(), queued[0].n, queued[0].state),
        (1, 1, MediaState::Pending)
    );

    let lease = TimeDelta::minutes(5);
    let now = noon() + TimeDelta::seconds(1);
    let jobs = store.claim_media("w1", now, lease, 10).await.unwrap();
    assert_eq!(
        jobs.iter()
            .map(|j| (j.media_id.as_str(), j.attempts))
            .collect::<Vec<_>>(),
        vec![("MEDIA-1", 0)]
    );
    // Leased: another worker gets nothing until the lease runs out.
    assert!(
        store
            .claim_media("w2", now, lease, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let after_lease = now + lease + TimeDelta::seconds(1);
    let again = store
        .claim_media("w2", after_lease, lease, 10)
        .await
        .unwrap();
    assert_eq!(again.len(), 1, "a crashed worker's job comes back");

    let retry_at = after_lease + TimeDelta::seconds(40);
    let retry = MediaOutcome::Retry {
        reason: "the Graph API did not answer".into(),
        at: retry_at,
    };
    store
        .media_done(again[0].id, retry, after_lease)
        .await
        .unwrap();
    let waiting = &store.ticket_media(with_photo).await.unwrap()[0];
    assert_eq!(
        (waiting.state, waiting.reason.as_deref()),
        (MediaState::Pending, Some("the Graph API did not answer"))
    );
    assert!(
        store
            .claim_media("w1", retry_at - TimeDelta::seconds(1), lease, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let due = store.claim_media("w1", retry_at, lease, 10).await.unwrap();
    assert_eq!(due[0].attempts, 1);

    let stored = MediaOutcome::Stored {
        sha256: "ab".repeat(32),
        mime_type: "image/jpeg".into(),
        size: 2048,
    };
    store.media_done(due[0].id, stored, retry_at).await.unwrap();
    let kept = &store.ticket_media(with_photo).await.unwrap()[0];
    assert_eq!(
        (
            kept.state,
            kept.size,
            kept.mime_type.as_deref(),
            kept.reason.as_deref()
        ),
        (MediaState::Stored, Some(2048), Some("image/jpeg"), None)
    );
    // A late outcome of the expired lease does not undo it.
    let late = MediaOutcome::Failed {
        reason: "late".into(),
    };
    store.media_done(due[0].id, late, retry_at).await.unwrap();
    assert_eq!(
        store.ticket_media(with_photo).await.unwrap()[0].state,
        MediaState::Stored
    );
    assert!(
        store
            .claim_media("w1", retry_at + TimeDelta::days(1), lease, 10)
            .await
            .unwrap()
            .is_empty()
    );
});

crate::both_backends!(
    a_failed_download_is_kept_on_the_ticket_with_its_reason,
    |url| async move {
        let store = DieselStore::open(&url, 2).await.unwrap();
        let ticket = report(&store, "34600000013", Some("MEDIA-2")).await;
        let now = noon() + TimeDelta::seconds(1);
        let job = store
            .claim_media("w1", now, TimeDelta::minutes(5), 10)
            .await
            .unwrap();
        let failed = MediaOutcome::Failed {
            reason: "the type `text/html` is not kept".into(),
        };
        store.media_done(job[0].id, failed, now).await.unwrap();
        let media = &store.ticket_media(ticket).await.unwrap()[0];
        assert_eq!(
            (media.state, media.reason.as_deref()),
            (MediaState::Failed, Some("the type `text/html` is not kept"))
        );
        // The ticket itself is untouched.
        assert_eq!(
            store
                .ticket(ticket)
                .await
                .unwrap()
                .unwrap()
                .ticket
                .description,
            "cracked glass"
        );
        assert!(
            store
                .claim_media("w1", now + TimeDelta::days(1), TimeDelta::minutes(5), 10)
                .await
                .unwrap()
                .is_empty()
        );
    }
);
