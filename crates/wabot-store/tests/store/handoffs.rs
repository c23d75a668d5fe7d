//! Handoffs to a person: asking opens one (and the bot falls silent), two agents racing for it get
//! one claim, replies go through the outbox and are recorded, closing gives the conversation back
//! to the bot with its closing message, and the timeouts tell the customer or requeue the claim.

use std::sync::Arc;
use std::time::Duration;

use chrono::TimeDelta;
use wabot_app::{Claim, HandoffState, Handoffs, OutboundDraft, OutboundKind, Queued, StepRecord};
use wabot_engine::{ConversationState, Engine, HandoffStage};
use wabot_store::DieselStore;

use crate::support::{drafts, engine, noon, say};

fn text(body: &str) -> OutboundDraft {
    OutboundDraft {
        kind: OutboundKind::Text,
        body: serde_json::json!({"text": {"body": body}}).to_string(),
    }
}

fn back_to_bot(
    engine: Arc<Engine>,
) -> impl FnOnce(&ConversationState) -> StepRecord + Send + 'static {
    move |state| {
        let step = engine.handoff_ended(noon(), state);
        StepRecord {
            state: step.state,
            replies: drafts(&step.replies),
            events: step.events,
            handoff: None,
        }
    }
}

async fn asked_for_a_person(store: &DieselStore, engine: &Arc<Engine>, wa_id: &str) -> i64 {
    say(store, engine, wa_id, &format!("{wa_id}-1"), "hi", noon()).await;
    say(store, engine, wa_id, &format!("{wa_id}-2"), "4", noon()).await;
    let replies = say(store, engine, wa_id, &format!("{wa_id}-3"), "2", noon()).await;
    assert!(
        replies[0].to_plain_text().contains("in the queue"),
        "{replies:?}"
    );
    let open = store.open_handoffs().await.unwrap();
    open.iter()
        .find(|h| h.contact.ids.wa_id.as_deref() == Some(wa_id))
        .unwrap()
        .id
}

crate::both_backends!(
    asking_opens_a_handoff_and_the_bot_falls_silent,
    |url| async move {
        let (store, engine) = (DieselStore::open(&url, 4).await.unwrap(), engine());
        let id = asked_for_a_person(&store, &engine, "111").await;
        // The metrics' backlog counts it, from when it was opened.
        let backlog = wabot_app::Statistics::backlog(&store, noon())
            .await
            .unwrap();
        assert_eq!(
            (backlog.handoffs_waiting, backlog.handoff_oldest),
            (1, Some(noon()))
        );
        let (handoff, events) = store.handoff(id).await.unwrap().unwrap();
        assert_eq!(
            (handoff.state, handoff.reason.as_str(), handoff.agent),
            (HandoffState::Waiting, "contact", None)
        );
        assert_eq!(handoff.menu_path, ["main", "help", "contact"]);
        assert_eq!(
            events.iter().map(|e| e.event.as_str()).collect::<Vec<_>>(),
            ["opened"]
        );
        assert!(
            say(&store, &engine, "111", "111-4", "hello? anyone", noon())
                .await
                .is_empty()
        );
        assert!(
            say(&store, &engine, "111", "111-5", "1", noon())
                .await
                .is_empty()
        );
        // Asking again keeps the one handoff.
        assert!(
            say(&store, &engine, "111", "111-6", "agent", noon())
                .await
                .is_empty()
        );
        assert_eq!(store.open_handoffs().await.unwrap().len(), 1);
        // "menu" leaves the queue: closed, and the bot answers again.
        let replies = say(&store, &engine, "111", "111-7", "menu", noon()).await;
        assert!(replies[0].to_plain_text().contains("Main Menu"));
        assert!(store.open_handoffs().await.unwrap().is_empty());
        let (handoff, events) = store.handoff(id).await.unwrap().unwrap();
        assert_eq!(handoff.state, HandoffState::Closed);
        assert_eq!(events.last().unwrap().event, "closed");
    }
);

crate::both_backends!(of_two_agents_racing_one_gets_the_claim, |url| async move {
    let (store, engine) = (DieselStore::open(&url, 4).await.unwrap(), engine());
    let id = asked_for_a_person(&store, &engine, "222").await;
    let (a, b) = tokio::join!(
        store.claim(id, "ana", noon()),
        store.claim(id, "bo", noon())
    );
    let outcomes = [a.unwrap(), b.unwrap()];
    let winner = if outcomes[0] == Claim::Claimed {
        "ana"
    } else {
        "bo"
    };
    assert_eq!(
        outcomes.iter().filter(|c| **c == Claim::Claimed).count(),
        1,
        "{outcomes:?}"
    );
    assert!(
        outcomes.contains(&Claim::TakenBy(winner.to_owned())),
        "{outcomes:?}"
    );
    let (handoff, _) = store.handoff(id).await.unwrap().unwrap();
    assert_eq!(
        (handoff.state, handoff.agent.as_deref()),
        (HandoffState::Claimed, Some(winner))
    );
    assert_eq!(
        store.claim(id + 1000, "cy", noon()).await.unwrap(),
        Claim::NotOpen
    );
});

crate::both_backends!(
    an_agent_replies_notes_transfers_and_closes,
    |url| async move {
        let (store, engine) = (DieselStore::open(&url, 4).await.unwrap(), engine());
        let id = asked_for_a_person(&store, &engine, "333").await;
        assert_eq!(
            store.claim(id, "ana", noon()).await.unwrap(),
            Claim::Claimed
        );
        let later = noon() + TimeDelta::seconds(30);
        let Queued::Accepted { .. } = store
            .reply(id, "ana", text("Hello, I am Ana"), true, later)
            .await
            .unwrap()
        else {
            panic!("the window is open");
        };
        assert!(
            store
                .note(id, "ana", "asked about a refund", later)
                .await
                .unwrap()
        );
        assert!(store.transfer(id, "bo", "ana", later).await.unwrap());
        // Outside the window free text is refused.
        let outside = store
            .reply(id, "bo", text("late"), true, noon() + TimeDelta::hours(25))
            .await
            .unwrap();
        assert!(
            matches!(outside, Queued::OutsideWindow { .. }),
            "{outside:?}"
        );
        assert!(
            store
                .close(id, "bo", later, back_to_bot(Arc::clone(&engine)))
                .await
                .unwrap()
        );
        assert!(
            !store
                .close(id, "bo", later, back_to_bot(Arc::clone(&engine)))
                .await
                .unwrap(),
            "closed once"
        );

        let (handoff, events) = store.handoff(id).await.unwrap().unwrap();
        assert_eq!(handoff.state, HandoffState::Closed);
        assert_eq!(handoff.first_reply_at, Some(later));
        let names: Vec<_> = events
            .iter()
            .map(|e| (e.event.as_str(), e.actor.as_deref()))
            .collect();
        assert_eq!(
            names,
            [
                ("opened", None),
                ("claimed", Some("ana")),
                ("replied", Some("ana")),
                ("noted", Some("ana")),
                ("transferred", Some("ana")),
                ("closed", Some("bo"))
            ]
        );
        assert_eq!(events[4].text.as_deref(), Some("bo"));
        // The bot is back: the next message gets the menu.
        let replies = say(&store, &engine, "333", "333-9", "1", later).await;
        assert!(
            replies[0].to_plain_text().contains("Order Status"),
            "{replies:?}"
        );
        let figures = store
            .handoff_figures(noon() - TimeDelta::hours(1))
            .await
            .unwrap();
        assert_eq!(
            (
                figures.opened,
                figures.abandoned,
                figures.first_reply_ms.clone()
            ),
            (1, 0, vec![30_000])
        );
    }
);

crate::both_backends!(
    timeouts_tell_the_customer_and_requeue_idle_claims,
    |url| async move {
        let (store, engine) = (DieselStore::open(&url, 4).await.unwrap(), engine());
        let waiting = asked_for_a_person(&store, &engine, "444").await;
        let claimed = asked_for_a_person(&store, &engine, "555").await;
        store.claim(claimed, "ana", noon()).await.unwrap();
        let unanswered = {
            let engine = Arc::clone(&engine);
            move |state: &ConversationState| {
                engine.handoff_unanswered(state).map(|step| StepRecord {
                    state: step.state,
                    replies: drafts(&step.replies),
                    events: step.events,
                    handoff: None,
                })
            }
        };
        let (minute, ten) = (Duration::from_secs(60), Duration::from_secs(600));
        assert_eq!(
            store
                .expire(
                    noon() + TimeDelta::seconds(30),
                    minute,
                    ten,
                    unanswered.clone()
                )
                .await
                .unwrap(),
            (0, 0)
        );
        assert_eq!(
            store
                .expire(
                    noon() + TimeDelta::minutes(2),
                    minute,
                    ten,
                    unanswered.clone()
                )
                .await
                .unwrap(),
            (1, 0)
        );
        assert_eq!(
            store
                .expire(
                    noon() + TimeDelta::minutes(3),
                    minute,
                    ten,
                    unanswered.clone()
                )
                .await
                .unwrap(),
            (0, 0),
            "told once"
        );
        assert_eq!(
            store
                .expire(
                    noon() + TimeDelta::minutes(11),
                    minute,
                    ten,
                    unanswered.clone()
                )
                .await
                .unwrap(),
            (0, 1)
        );
        // Requeued after a person had it: it waits again, but nobody tells the customer that
        // nobody answered.
        assert_eq!(
            store
                .expire(noon() + TimeDelta::minutes(13), minute, ten, unanswered)
                .await
                .unwrap(),
            (0, 0)
        );
        let (handoff, events) = store.handoff(claimed).await.unwrap().unwrap();
        assert_eq!(
            (handoff.state, handoff.agent),
            (HandoffState::Waiting, None)
        );
        assert_eq!(events.last().unwrap().event, "requeued");
        // The customer who was told leaves a message for a call back.
        let replies = say(
            &store,
            &engine,
            "444",
            "444-9",
            "Call me after 5 please",
            noon() + TimeDelta::minutes(12),
        )
        .await;
        assert!(
            replies[0].to_plain_text().contains("we have your message"),
            "{replies:?}"
        );
        let (handoff, _) = store.handoff(waiting).await.unwrap().unwrap();
        assert_eq!(
            (handoff.state, handoff.message_left.as_deref()),
            (HandoffState::MessageLeft, Some("Call me after 5 please"))
        );
        let session = wabot_app::Conversations::session(&store, handoff.contact.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(session.handoff, Some(HandoffStage::MessageLeft));
    }
);
