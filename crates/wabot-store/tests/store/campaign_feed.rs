//! Feeding campaigns into the outbox: at the campaign's pace, never more than its window waiting,
//! behind replies in the claim order; a recipient opted out since creation is skipped when fed; the
//! counts follow the messages' statuses (131050 opts the customer out); a send taken over after a
//! sender died is counted; every recipient is fed exactly once.

use std::collections::{BTreeMap, HashSet};

use chrono::TimeDelta;
use wabot_app::{
    CampaignState, Campaigns, ContactRef, Contacts, DeliveryStatus, Inbox, Outbox, SendOutcome,
    StatusUpdate,
};
use wabot_store::DieselStore;

use crate::campaigns::{campaign_to, numbers};
use crate::support::{LEASE, engine, event, noon, phone, say, status_item};

crate::both_backends!(
    a_campaign_is_fed_at_its_pace_behind_replies,
    |url| async move {
        let store = DieselStore::open(&url, 4).await.unwrap();
        let campaign = campaign_to(&store, &numbers(25), 10.0).await;
        // Nothing at the start: the pace has given no message yet.
        assert_eq!(store.feed_campaigns(noon(), 10).await.unwrap().fed, 0);
        let t1 = noon() + TimeDelta::milliseconds(500);
        assert_eq!(store.feed_campaigns(t1, 10).await.unwrap().fed, 5);
        let t2 = noon() + TimeDelta::seconds(3);
        // Three seconds at 10/s, but at most one second's worth catches up and the window holds 10.
        assert_eq!(store.feed_campaigns(t2, 10).await.unwrap().fed, 5);
        assert_eq!(
            store
                .feed_campaigns(t2 + TimeDelta::seconds(1), 10)
                .await
                .unwrap()
                .fed,
            0
        );
        // A customer writes now: the reply is claimed before the ten campaign messages queued earlier.
        say(&store, &engine(), "15559999999", "w1", "hi", t2).await;
        let claimed = store.claim_due("s", t2, LEASE, 1).await.unwrap();
        let customer = store
            .find_contact(ContactRef::Phone("15559999999".into()))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(claimed[0].contact_id, customer.id);
        let campaign_jobs = store.claim_due("s", t2, LEASE, 100).await.unwrap();
        assert_eq!(campaign_jobs.len(), 10);
        for job in &campaign_jobs {
            let sent = SendOutcome::Sent {
                wa_message_id: format!("wamid.c{}", job.outbox_id),
                wa_id: None,
            };
            store.record_outcome(job, "s", t2, sent).await.unwrap();
        }
        // The rest, in rounds, then it completes.
        let mut at = t2;
        let mut fed = 10;
        for _ in 0..10 {
            at += TimeDelta::seconds(1);
            fed += store.feed_campaigns(at, 10).await.unwrap().fed;
            for job in store.claim_due("s", at, LEASE, 100).await.unwrap() {
                let sent = SendOutcome::Sent {
                    wa_message_id: format!("wamid.c{}", job.outbox_id),
                    wa_id: None,
                };
                store.record_outcome(&job, "s", at, sent).await.unwrap();
            }
        }
        assert_eq!(fed, 25);
        let done = store.campaign(campaign.id).await.unwrap().unwrap();
        assert_eq!(done.state, CampaignState::Completed);
        assert_eq!(
            (done.counts.sent, done.counts.waiting, done.counts.queued),
            (25, 0, 0)
        );
    }
);

crate::both_backends!(
    a_recipient_opted_out_after_creation_is_skipped_when_fed,
    |url| async move {
        let store = DieselStore::open(&url, 4).await.unwrap();
        let list = numbers(3);
        let campaign = campaign_to(&store, &list, 10.0).await;
        store
            .set_marketing_opt_out(&list[1], Some("user_preferences".into()), noon())
            .await
            .unwrap();
        let round = store
            .feed_campaigns(noon() + TimeDelta::seconds(1), 10)
            .await
            .unwrap();
        assert_eq!((round.fed, round.skipped, round.completed), (2, 1, 1));
        let jobs = store
            .claim_due("s", noon() + TimeDelta::seconds(1), LEASE, 10)
            .await
            .unwrap();
        let opted_out = store
            .find_contact(ContactRef::Phone(list[1].clone()))
            .await
            .unwrap()
            .unwrap();
        assert!(jobs.iter().all(|job| job.contact_id != opted_out.id));
        let counts = store.campaign(campaign.id).await.unwrap().unwrap().counts;
        assert_eq!(
            counts.skipped,
            BTreeMap::from([("opted_out".to_owned(), 1)])
        );
    }
);

crate::both_backends!(
    counts_follow_statuses_and_131050_opts_out,
    |url| async move {
        let store = DieselStore::open(&url, 4).await.unwrap();
        let list = numbers(4);
        let campaign = campaign_to(&store, &list, 10.0).await;
        let t = noon() + TimeDelta::seconds(1);
        store.feed_campaigns(t, 10).await.unwrap();
        let jobs = store.claim_due("s", t, LEASE, 10).await.unwrap();
        assert_eq!(jobs.len(), 4);
        for job in &jobs {
            let sent = SendOutcome::Sent {
                wa_message_id: format!("wamid.c{}", job.contact_id),
                wa_id: None,
            };
            store.record_outcome(job, "s", t, sent).await.unwrap();
        }
        let id = |i: usize| format!("wamid.c{}", jobs[i].contact_id);
        let mut failed = status_item(phone(&list[0]), &id(2), DeliveryStatus::Failed, t);
        if let wabot_app::InboundPayload::Status(StatusUpdate { error_code, .. }) =
            &mut failed.payload
        {
            *error_code = Some(131_050);
        }
        let items = vec![
            status_item(phone(&list[0]), &id(0), DeliveryStatus::Delivered, t),
            status_item(phone(&list[0]), &id(1), DeliveryStatus::Read, t),
            failed,
        ];
        store.ingest(event(items, t)).await.unwrap();
        let counts = store.campaign(campaign.id).await.unwrap().unwrap().counts;
        assert_eq!((counts.sent, counts.delivered, counts.read), (1, 1, 1));
        assert_eq!(counts.total, 4);
        assert_eq!(
            counts.failed,
            BTreeMap::from([("stopped_marketing".to_owned(), 1)])
        );
        // That customer gets no later marketing campaign.
        let next = campaign_to(&store, &list, 10.0).await;
        assert_eq!(
            next.counts.skipped,
            BTreeMap::from([("opted_out".to_owned(), 1)])
        );
    }
);

crate::both_backends!(
    a_send_taken_over_from_a_dead_sender_is_counted_once_fed,
    |url| async move {
        let store = DieselStore::open(&url, 4).await.unwrap();
        let campaign = campaign_to(&store, &numbers(20), 20.0).await;
        let t = noon() + TimeDelta::seconds(1);
        assert_eq!(store.feed_campaigns(t, 10).await.unwrap().fed, 20);
        // A sender claims two and dies; after its lease, another takes them over.
        let lost = store.claim_due("dead", t, LEASE, 2).await.unwrap();
        let later = t + TimeDelta::seconds(31);
        let mut taken = HashSet::new();
        for job in store.claim_due("alive", later, LEASE, 100).await.unwrap() {
            taken.insert(job.message_id);
        }
        assert!(lost.iter().all(|job| taken.contains(&job.message_id)));
        assert_eq!(taken.len(), 20, "every recipient's message, once");
        // Fed once: no new round feeds anyone again.
        assert_eq!(store.feed_campaigns(later, 10).await.unwrap().fed, 0);
        let counts = store.campaign(campaign.id).await.unwrap().unwrap().counts;
        assert_eq!(counts.resent_after_crash, 2);
    }
);

crate::both_backends!(
    a_pause_takes_back_only_messages_no_sender_ever_claimed,
    |url| async move {
        let store = DieselStore::open(&url, 4).await.unwrap();
        let campaign = campaign_to(&store, &numbers(30), 20.0).await;
        let t = noon() + TimeDelta::seconds(1);
        assert_eq!(store.feed_campaigns(t, 10).await.unwrap().fed, 20);
        // A sender claims two and dies mid-send: its lease runs out, but the messages may have
        // reached the customers, so a pause after that must not take them back.
        let lost = store.claim_due("dead", t, LEASE, 2).await.unwrap();
        assert_eq!(lost.len(), 2);
        let later = t + TimeDelta::seconds(31);
        let paused = store
            .control_campaign(campaign.id, wabot_app::CampaignAction::Pause, later)
            .await
            .unwrap();
        assert_eq!(
            paused.counts.waiting, 28,
            "the 18 never claimed are unfed again"
        );
        assert_eq!(
            paused.counts.queued, 2,
            "the two a sender had stay in the outbox"
        );
        store
            .control_campaign(campaign.id, wabot_app::CampaignAction::Resume, later)
            .await
            .unwrap();
        // Resumed, every recipient gets one message; the two taken over are counted as resent.
        let mut sent_to = Vec::new();
        let mut at = later;
        for _ in 0..10 {
            at += TimeDelta::seconds(1);
            store.feed_campaigns(at, 10).await.unwrap();
            for job in store.claim_due("alive", at, LEASE, 100).await.unwrap() {
                sent_to.push(job.contact_id);
                let sent = SendOutcome::Sent {
                    wa_message_id: format!("wamid.p{}", job.outbox_id),
                    wa_id: None,
                };
                store.record_outcome(&job, "alive", at, sent).await.unwrap();
            }
        }
        let distinct: HashSet<i64> = sent_to.iter().copied().collect();
        assert_eq!(sent_to.len(), 30, "one message per recipient");
        assert_eq!(distinct.len(), 30);
        let counts = store.campaign(campaign.id).await.unwrap().unwrap().counts;
        assert_eq!(counts.resent_after_crash, 2);
        assert_eq!(counts.sent, 30);
    }
);

crate::both_backends!(
    a_throttled_campaign_goes_at_half_its_pace,
    |url| async move {
        let store = DieselStore::open(&url, 4).await.unwrap();
        let campaign = campaign_to(&store, &numbers(60), 10.0).await;
        let t1 = noon() + TimeDelta::seconds(1);
        assert_eq!(store.feed_campaigns(t1, 10).await.unwrap().fed, 10);
        // Meta throttles the sends (130429): the sender retries them later, as the deliver use
        // case records a throttled answer.
        let retry_at = t1 + TimeDelta::seconds(30);
        for job in store.claim_due("s", t1, LEASE, 100).await.unwrap() {
            let throttled = SendOutcome::Retry {
                at: retry_at,
                error: "throttled: (#130429) Rate limit hit".into(),
            };
            store
                .record_outcome(&job, "s", t1, throttled)
                .await
                .unwrap();
        }
        // The next round sees them: the campaign is slowed (its window is still full).
        let t2 = t1 + TimeDelta::seconds(1);
        assert_eq!(store.feed_campaigns(t2, 10).await.unwrap().fed, 0);
        for job in store.claim_due("s", retry_at, LEASE, 100).await.unwrap() {
            let sent = SendOutcome::Sent {
                wa_message_id: format!("wamid.t{}", job.outbox_id),
                wa_id: None,
            };
            store
                .record_outcome(&job, "s", retry_at, sent)
                .await
                .unwrap();
        }
        // A second's worth at 10/s would be 10; slowed, it is 5.
        let t3 = retry_at + TimeDelta::seconds(1);
        assert_eq!(store.feed_campaigns(t3, 10).await.unwrap().fed, 5);
        // Ten minutes later it is back to its pace.
        let t4 = t2 + TimeDelta::minutes(11);
        for job in store.claim_due("s", t4, LEASE, 100).await.unwrap() {
            let sent = SendOutcome::Sent {
                wa_message_id: format!("wamid.u{}", job.outbox_id),
                wa_id: None,
            };
            store.record_outcome(&job, "s", t4, sent).await.unwrap();
        }
        // (A second's catch-up at the full pace: 10; still slowed it would be 5.)
        assert_eq!(store.feed_campaigns(t4, 10).await.unwrap().fed, 10);
        let counts = store.campaign(campaign.id).await.unwrap().unwrap().counts;
        assert_eq!(counts.waiting, 60 - 25);
    }
);
