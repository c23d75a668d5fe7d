//! A step deferred for a lookup (the business's own API): nothing of it is written, the
//! conversation is held from other turns while its worker fetches, `step_contact` takes it back
//! at once, and should that worker stop, the hold runs out and any turn takes it up.

use chrono::TimeDelta;
use wabot_app::{Conversations, StoreError};
use wabot_store::DieselStore;

use crate::support::{ingest_text, noon, unchanged};

fn deferred(
    _: &str,
    _: &wabot_app::CustomerMessage,
    _: wabot_engine::ConversationState,
    _: &mut wabot_app::StepData<'_>,
) -> Result<wabot_app::StepRecord, StoreError> {
    Err(StoreError::StepDeferred {
        until: noon() + TimeDelta::seconds(30),
    })
}

crate::both_backends!(
    a_deferred_step_holds_its_conversation_until_its_worker_comes_back,
    |url| async move {
        let store = DieselStore::open(&url, 4).await.unwrap();
        ingest_text(&store, "777", "d1", "hi", noon()).await;
        ingest_text(&store, "777", "d2", "1", noon()).await;
        ingest_text(&store, "888", "o1", "hi", noon() + TimeDelta::seconds(1)).await;
        let held = store
            .step_next(noon(), 10, deferred)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(held.steps, 0);
        assert!(matches!(held.failed, Some(StoreError::StepDeferred { .. })));
        assert_eq!(store.session(held.contact_id).await.unwrap(), None);
        // Another customer is answered meanwhile; the held conversation is passed over.
        let other = store
            .step_next(noon(), 10, |_, _, state, _| unchanged(state))
            .await
            .unwrap()
            .unwrap();
        assert_ne!(other.contact_id, held.contact_id);
        assert_eq!(other.steps, 1);
        let none = store
            .step_next(noon(), 10, |_, _, state, _| unchanged(state))
            .await
            .unwrap();
        assert!(none.is_none(), "{none:?}");
        // Its worker comes back with what it fetched: both messages, in order, at once.
        let back = store
            .step_contact(noon(), held.contact_id, 10, |_, _, state, _| {
                unchanged(state)
            })
            .await
            .unwrap()
            .unwrap();
        assert_eq!((back.contact_id, back.steps), (held.contact_id, 2));
        assert!(back.failed.is_none());
        let later = noon() + TimeDelta::minutes(5);
        let done = store
            .step_next(later, 10, |_, _, state, _| unchanged(state))
            .await
            .unwrap();
        assert!(done.is_none(), "{done:?}");
        let gone = store
            .step_contact(later, held.contact_id, 10, |_, _, state, _| {
                unchanged(state)
            })
            .await
            .unwrap();
        assert!(gone.is_none(), "nothing pending: {gone:?}");
    }
);

crate::both_backends!(
    a_hold_whose_worker_stopped_runs_out_and_any_turn_takes_it,
    |url| async move {
        let store = DieselStore::open(&url, 4).await.unwrap();
        ingest_text(&store, "777", "d1", "hi", noon()).await;
        let held = store
            .step_next(noon(), 10, deferred)
            .await
            .unwrap()
            .unwrap();
        let early = store
            .step_next(noon() + TimeDelta::seconds(29), 10, |_, _, state, _| {
                unchanged(state)
            })
            .await
            .unwrap();
        assert!(early.is_none(), "{early:?}");
        let after = store
            .step_next(noon() + TimeDelta::seconds(30), 10, |_, _, state, _| {
                unchanged(state)
            })
            .await
            .unwrap()
            .unwrap();
        assert_eq!((after.contact_id, after.steps), (held.contact_id, 1));
    }
);
