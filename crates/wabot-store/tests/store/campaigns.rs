//! Templates and campaigns: a sync stores the templates with their parameters; creating a campaign
//! stores every recipient (opted-out ones skipped); a template paused by webhook stops its
//! campaign with the reason; pause, resume and cancel; the counts follow the messages' statuses.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::json;
use wabot_app::{
    AccountUpdate, AudienceRow, CampaignAction, CampaignProgress, CampaignState, Campaigns, Inbox,
    NewCampaign, StoreError, SyncedTemplate, TemplateChange, TemplateUpdate, recipients,
};
use wabot_store::DieselStore;

use crate::support::noon;

/// Meta's example template (the OpenAPI description's `2023_april_promo`), approved.
pub fn fall_sale(status: &str) -> SyncedTemplate {
    SyncedTemplate {
        meta_id: Some("920070352646140".into()),
        name: "fall_sale".into(),
        language: "en_US".into(),
        category: "MARKETING".into(),
        status: status.into(),
        parameter_format: None,
        components: json!([
            {"format": "TEXT", "text": "Fall Sale", "type": "HEADER"},
            {"text": "Hi {{1}}, our Fall Sale is on! Use promo code {{2}}", "type": "BODY"},
            {"buttons": [{"text": "Stop promotions", "type": "QUICK_REPLY"}], "type": "BUTTONS"}
        ]),
    }
}

/// A campaign of the fall sale to `numbers` at `rate` per second, created at noon.
pub async fn campaign_to(store: &DieselStore, numbers: &[String], rate: f64) -> CampaignProgress {
    store
        .store_templates(vec![fall_sale("APPROVED")], noon())
        .await
        .unwrap();
    let template = store.template("fall_sale", "en_US").await.unwrap().unwrap();
    let rows: Vec<AudienceRow> = numbers
        .iter()
        .map(|to| AudienceRow {
            to: to.clone(),
            values: BTreeMap::from([
                ("1".to_owned(), "Ana".to_owned()),
                ("2".to_owned(), "FALL25".to_owned()),
            ]),
        })
        .collect();
    let campaign = NewCampaign {
        name: "Fall sale".into(),
        template_id: template.id,
        messages_per_second: rate,
        starts_at: noon(),
        recipients: recipients(&template, &rows).unwrap(),
    };
    store.create_campaign(campaign, noon()).await.unwrap()
}

/// `n` numbers.
pub fn numbers(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("1555{i:07}")).collect()
}

/// A webhook that changes the fall sale's status.
async fn status_webhook(store: &DieselStore, status: &str, at: DateTime<Utc>) {
    let mut event = crate::support::event(Vec::new(), at);
    event.account_updates = vec![AccountUpdate::Template(TemplateUpdate {
        meta_id: Some("920070352646140".into()),
        name: None,
        language: None,
        change: TemplateChange::Status {
            status: status.into(),
            reason: Some("LOW_QUALITY".into()),
        },
    })];
    store.ingest(event).await.unwrap();
}

crate::both_backends!(
    a_sync_stores_templates_with_their_parameters,
    |url| async move {
        let store = DieselStore::open(&url, 4).await.unwrap();
        let mut other = fall_sale("APPROVED");
        other.name = "old_promo".into();
        store
            .store_templates(vec![fall_sale("APPROVED"), other], noon())
            .await
            .unwrap();
        let stored = store.template("fall_sale", "en_US").await.unwrap().unwrap();
        let keys: Vec<_> = stored.parameters.iter().map(|p| p.key.as_str()).collect();
        assert_eq!(keys, ["1", "2"]);
        assert!(stored.approved() && stored.marketing());
        // A later sync that no longer lists `old_promo` keeps it, marked deleted.
        let later = noon() + TimeDelta::hours(1);
        store
            .store_templates(vec![fall_sale("APPROVED")], later)
            .await
            .unwrap();
        let all = store.templates().await.unwrap();
        let statuses: Vec<_> = all
            .iter()
            .map(|t| (t.name.as_str(), t.status.as_str()))
            .collect();
        assert_eq!(
            statuses,
            [("fall_sale", "APPROVED"), ("old_promo", "DELETED")]
        );
    }
);

crate::both_backends!(
    creation_stores_every_recipient_and_skips_opted_out_ones,
    |url| async move {
        let store = DieselStore::open(&url, 4).await.unwrap();
        store
            .set_marketing_opt_out("15550000001", Some("stop_word".into()), noon())
            .await
            .unwrap();
        let mut list = numbers(5);
        list.push("not a number".into());
        list.push(list[0].clone());
        let campaign = campaign_to(&store, &list, 10.0).await;
        assert_eq!(campaign.state, CampaignState::Running);
        let counts = &campaign.counts;
        assert_eq!(counts.total, 7);
        assert_eq!(counts.waiting, 4);
        assert_eq!(
            counts.skipped,
            BTreeMap::from([
                ("duplicate".to_owned(), 1),
                ("invalid".to_owned(), 1),
                ("opted_out".to_owned(), 1)
            ])
        );
    }
);

crate::both_backends!(
    a_template_paused_by_webhook_stops_its_campaign,
    |url| async move {
        let store = DieselStore::open(&url, 4).await.unwrap();
        let campaign = campaign_to(&store, &numbers(30), 10.0).await;
        let later = noon() + TimeDelta::seconds(1);
        assert_eq!(store.feed_campaigns(later, 10).await.unwrap().fed, 10);
        status_webhook(&store, "PAUSED", later).await;
        let stopped = store.campaign(campaign.id).await.unwrap().unwrap();
        assert_eq!(stopped.state, CampaignState::Stopped);
        assert_eq!(
            stopped.stop_reason.as_deref(),
            Some("template fall_sale (en_US) is PAUSED: LOW_QUALITY")
        );
        // Its unclaimed messages were taken back: nothing of it is left to send.
        assert_eq!(stopped.counts.waiting, 30);
        assert_eq!(stopped.counts.queued, 0);
        assert_eq!(
            store
                .feed_campaigns(later + TimeDelta::seconds(5), 10)
                .await
                .unwrap()
                .fed,
            0
        );
        let refused = store
            .control_campaign(campaign.id, CampaignAction::Resume, later)
            .await;
        assert!(
            matches!(refused, Err(StoreError::Conflict(_))),
            "{refused:?}"
        );
        // Reinstated by Meta (the webhook says REINSTATED): approved again, so an operator
        // resumes it and it carries on.
        status_webhook(&store, "REINSTATED", later).await;
        let templates = store.templates().await.unwrap();
        assert!(templates.iter().all(|template| template.approved()));
        let resumed = store
            .control_campaign(campaign.id, CampaignAction::Resume, later)
            .await
            .unwrap();
        assert_eq!(resumed.state, CampaignState::Running);
        assert_eq!(resumed.stop_reason, None);
    }
);

crate::both_backends!(pause_resume_and_cancel, |url| async move {
    let store = DieselStore::open(&url, 4).await.unwrap();
    let campaign = campaign_to(&store, &numbers(30), 10.0).await;
    let t1 = noon() + TimeDelta::seconds(1);
    assert_eq!(store.feed_campaigns(t1, 10).await.unwrap().fed, 10);
    let paused = store
        .control_campaign(campaign.id, CampaignAction::Pause, t1)
        .await
        .unwrap();
    assert_eq!(
        (paused.state, paused.counts.waiting),
        (CampaignState::Paused, 30)
    );
    assert_eq!(
        store
            .feed_campaigns(t1 + TimeDelta::seconds(5), 10)
            .await
            .unwrap()
            .fed,
        0
    );
    let again = store
        .control_campaign(campaign.id, CampaignAction::Pause, t1)
        .await;
    assert!(matches!(again, Err(StoreError::Conflict(_))));
    let t2 = t1 + TimeDelta::seconds(10);
    store
        .control_campaign(campaign.id, CampaignAction::Resume, t2)
        .await
        .unwrap();
    assert_eq!(
        store
            .feed_campaigns(t2 + TimeDelta::seconds(1), 10)
            .await
            .unwrap()
            .fed,
        10
    );
    let cancelled = store
        .control_campaign(
            campaign.id,
            CampaignAction::Cancel,
            t2 + TimeDelta::seconds(1),
        )
        .await
        .unwrap();
    assert_eq!(cancelled.state, CampaignState::Cancelled);
    assert_eq!(
        (cancelled.counts.cancelled, cancelled.counts.waiting),
        (30, 0)
    );
    assert!(matches!(
        store
            .control_campaign(campaign.id, CampaignAction::Resume, t2)
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        store.control_campaign(999, CampaignAction::Pause, t2).await,
        Err(StoreError::NotFound(_))
    ));
});
