//! Several instances claiming at once never share an outbound message (that they never share a
//! conversation is `turns.rs`'s `parallel_turns_never_step_a_conversation_twice`). On PostgreSQL each
//! instance has its own pool (as separate servers would); on SQLite they contend for the file lock.

use std::collections::HashSet;

use wabot_app::Outbox;
use wabot_store::DieselStore;

use crate::support::{LEASE, engine, noon, say};

const INSTANCES: usize = 4;

async fn instances(url: &str) -> Vec<DieselStore> {
    let mut stores = Vec::new();
    for _ in 0..INSTANCES {
        stores.push(DieselStore::open(url, 2).await.unwrap());
    }
    stores
}

crate::both_backends!(
    parallel_senders_never_share_an_outbound_message,
    |url| async move {
        let seed = DieselStore::open(&url, 2).await.unwrap();
        let engine = engine();
        for n in 0..12 {
            let wa_id = format!("8{n:03}");
            say(&seed, &engine, &wa_id, &format!("a{n}"), "hi", noon()).await;
            say(&seed, &engine, &wa_id, &format!("b{n}"), "what", noon()).await;
        }
        let mut tasks = Vec::new();
        for (index, store) in instances(&url).await.into_iter().enumerate() {
            tasks.push(tokio::spawn(async move {
                let owner = format!("sender-{index}");
                let mut mine = Vec::new();
                loop {
                    let jobs = store.claim_due(&owner, noon(), LEASE, 3).await.unwrap();
                    if jobs.is_empty() {
                        break mine;
                    }
                    mine.extend(jobs.into_iter().map(|job| (job.outbox_id, job.contact_id)));
                }
            }));
        }
        let mut all = Vec::new();
        for task in tasks {
            all.extend(task.await.unwrap());
        }
        let rows: HashSet<i64> = all.iter().map(|(row, _)| *row).collect();
        let recipients: HashSet<i64> = all.iter().map(|(_, contact)| *contact).collect();
        assert_eq!(
            rows.len(),
            all.len(),
            "an outbound row was claimed twice: {all:?}"
        );
        assert_eq!(
            recipients.len(),
            all.len(),
            "two messages in flight for one recipient: {all:?}"
        );
        assert_eq!(
            all.len(),
            12,
            "the oldest message of each of the 12 recipients"
        );
    }
);
