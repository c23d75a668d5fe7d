//! `floor RATE SECONDS`: the cost of the acknowledgement alone. Every webhook is an
//! `account_update` (a change about the account, which Meta does send), so the server verifies
//! it, stores it durably (one synced commit, as for every webhook) and answers 200, and that is all:
//! no conversation turn, no reply, no send. Its CPU per acknowledged webhook, at the same rate as
//! a `reply` run, is the part of an answered message's cost that no change to the turn or the
//! sender can remove while each webhook is acknowledged after its own durable commit.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use crate::drive::drive;
use crate::graph::Arrivals;
use crate::{SECRET, database_env, graph, process, report_acks, start};

/// A signed-webhook body that needs no answer: an `account_update` change (`from` and `id` only
/// make each body distinct, as Meta's are).
pub fn account_update(from: &str, id: &str) -> String {
    serde_json::json!({"object": "whatsapp_business_account", "entry": [{"id": "WABA", "changes": [{
        "field": "account_update",
        "value": {"event": "ACCOUNT_UPDATE", "phone_number": from, "request_id": id}
    }]}]})
    .to_string()
}

/// Runs the scenario: `rate` webhooks a second for `seconds`, on a fresh SQLite file or
/// `database`; prints the acks' latencies and the server's CPU per acknowledged webhook.
pub async fn scenario(
    binary: &Path,
    (rate, seconds): (u32, u32),
    database: Option<&str>,
) -> anyhow::Result<()> {
    let arrivals = Arc::new(Arrivals::default());
    let graph = graph::start(Arc::clone(&arrivals), Duration::ZERO)?;
    let server = start(binary, &graph, 1000, &database_env(database))?;
    let before = process::usage(server.child.id());
    println!(
        "floor: {rate} webhooks/s for {seconds} s, each an account update that needs no reply \
         (stored durably and acknowledged, nothing more)"
    );
    let tag = format!("f{}", std::process::id() % 100_000);
    let sent = drive(&server.base, SECRET, (rate, seconds), &tag, account_update).await;
    // Whatever the server does after an ack (nothing is expected) is counted too.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let after = process::usage(server.child.id());
    report_acks(&sent);
    let acknowledged = sent.iter().filter(|s| s.ack.is_ok()).count();
    process::report_per(before, after, acknowledged, "acknowledged webhooks");
    let replies = arrivals.all().len();
    if replies > 0 {
        println!("  unexpected: {replies} messages were sent to the Graph API");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use wabot_cloud_api::{Change, WebhookPayload, account_updates};

    use super::*;

    #[test]
    fn the_floor_webhook_brings_no_message_no_status_and_no_account_update_to_act_on() {
        let body = account_update("15550001", "wamid.f1.0");
        let payload = WebhookPayload::parse(body.as_bytes()).unwrap();
        let changes: Vec<_> = payload.entries.iter().flat_map(|e| &e.changes).collect();
        assert_eq!(changes.len(), 1);
        assert!(
            matches!(changes[0], Change::Unknown { field, .. } if field == "account_update"),
            "{changes:?}"
        );
        assert!(account_updates(&payload).is_empty());
        assert_ne!(body, account_update("15550002", "wamid.f1.1"));
    }
}
