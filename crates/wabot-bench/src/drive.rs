//! Driving signed webhooks at a fixed rate, and the latency figures.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Mutex;
use wabot_cloud_api::sign;

/// One sent webhook: the recipient it comes from, when it was sent, and how long the ack took (or
/// why there was none: the status, or the client's error).
pub struct Sent {
    pub from: String,
    pub at: Instant,
    pub ack: Result<Duration, String>,
}

/// A signed-webhook body: one text message "hi" from `from` with message id `id`, sent now (as
/// Meta stamps a live message: one stamped on an earlier day takes the rarer path of a late
/// message, which also refreshes that day's stored figures).
pub fn webhook(from: &str, id: &str) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_secs());
    serde_json::json!({"object": "whatsapp_business_account", "entry": [{"id": "WABA", "changes": [{"field": "messages", "value": {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550000000", "phone_number_id": "PN1"},
        "contacts": [{"profile": {"name": "Bench"}, "wa_id": from}],
        "messages": [{"from": from, "id": id, "timestamp": now.to_string(), "type": "text", "text": {"body": "hi"}}]
    }}]}]})
    .to_string()
}

/// The client that posts the webhooks, keeping up to `max_idle` connections to each server.
pub fn webhook_client(max_idle: usize) -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(max_idle)
        // Never reuse a connection idle long enough for the server to be closing it (actix closes
        // an idle keep-alive connection after 5 s): a request sent as it closes is lost in transit.
        .pool_idle_timeout(Duration::from_secs(2))
        .build()
        .unwrap_or_default()
}

/// Sends `rate` webhooks per second for `seconds`, each from a new customer, each on its own task,
/// each body made by `body` from the customer's number and a message id ([`webhook`] for a "hi").
/// Bodies and signatures are made before the clock starts, so the load generator spends as little
/// as it can of the two cores it shares with the server while the figures are taken.
pub async fn drive(
    base: &str,
    secret: &str,
    (rate, seconds): (u32, u32),
    tag: &str,
    body: fn(&str, &str) -> String,
) -> Vec<Sent> {
    let client = webhook_client(256);
    let results = Arc::new(Mutex::new(Vec::new()));
    let total = rate * seconds;
    let interval = Duration::from_secs_f64(1.0 / f64::from(rate.max(1)));
    let requests: Vec<(String, String, String)> = (0..total)
        .map(|n| {
            let from = format!("1{tag}{n:07}");
            let body = body(&from, &format!("wamid.{tag}.{n}"));
            let signature = sign(secret.as_bytes(), body.as_bytes());
            (from, body, signature)
        })
        .collect();
    let url = format!("{base}/webhook");
    let start = Instant::now();
    let mut tasks = Vec::with_capacity(total as usize);
    for (n, (from, body, signature)) in (0..total).zip(requests) {
        let due = start + interval * n;
        tokio::time::sleep_until(due.into()).await;
        let (client, url, results) = (client.clone(), url.clone(), Arc::clone(&results));
        tasks.push(tokio::spawn(async move {
            let at = Instant::now();
            let response = client
                .post(url)
                .header("X-Hub-Signature-256", signature)
                .header("Content-Type", "application/json")
                .body(body)
                .send()
                .await;
            let ack = match response {
                Ok(r) if r.status().as_u16() == 200 => Ok(at.elapsed()),
                Ok(r) => Err(format!("status {}", r.status().as_u16())),
                Err(error) if error.is_connect() => Err("could not connect".to_owned()),
                Err(error) if error.is_timeout() => Err("timed out".to_owned()),
                Err(_) => Err("request failed".to_owned()),
            };
            results.lock().await.push(Sent { from, at, ack });
        }));
    }
    for task in tasks {
        let _ = task.await;
    }
    std::mem::take(&mut *results.lock().await)
}

/// The p-th percentile (nearest rank) of sorted durations, in milliseconds.
pub fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize;
    sorted[rank.min(sorted.len()) - 1].as_secs_f64() * 1000.0
}
