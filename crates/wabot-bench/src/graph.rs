//! The fake Graph API: accepts every message with a fresh id (optionally after a delay, as the real one
//! takes) and records when it arrived, per recipient.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use actix_web::{App, HttpResponse, HttpServer, web};

/// Arrivals by recipient.
#[derive(Default)]
pub struct Arrivals {
    pub by_recipient: Mutex<HashMap<String, Vec<Instant>>>,
    next_id: AtomicU64,
}

impl Arrivals {
    /// How many messages arrived in all.
    pub fn total(&self) -> usize {
        self.by_recipient
            .lock()
            .map(|map| map.values().map(Vec::len).sum())
            .unwrap_or(0)
    }

    /// Every arrival time.
    pub fn all(&self) -> Vec<Instant> {
        self.by_recipient
            .lock()
            .map(|map| map.values().flatten().copied().collect())
            .unwrap_or_default()
    }
}

/// How long the fake Graph API takes to answer: `WABOT_BENCH_GRAPH_DELAY_MS` (default 0; the real
/// one takes 100–300 ms).
fn delay() -> std::time::Duration {
    let millis = std::env::var("WABOT_BENCH_GRAPH_DELAY_MS")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(0);
    std::time::Duration::from_millis(millis)
}

async fn accept(arrivals: web::Data<Arrivals>, body: web::Bytes) -> HttpResponse {
    tokio::time::sleep(delay()).await;
    let now = Instant::now();
    let to = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|json| json["to"].as_str().map(str::to_owned))
        .unwrap_or_default();
    if let Ok(mut map) = arrivals.by_recipient.lock() {
        map.entry(to).or_default().push(now);
    }
    let id = arrivals.next_id.fetch_add(1, Ordering::Relaxed);
    HttpResponse::Ok().json(serde_json::json!({
        "messaging_product": "whatsapp",
        "messages": [{"id": format!("wamid.bench.{id}")}]
    }))
}

/// Starts the fake Graph API on a free local port; returns its base URL.
pub fn start(arrivals: Arc<Arrivals>) -> anyhow::Result<String> {
    let data = web::Data::from(arrivals);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .route("/{version}/{phone}/messages", web::post().to(accept))
    })
    .workers(1)
    .bind("127.0.0.1:0")?;
    let address = server.addrs()[0];
    tokio::spawn(server.run());
    Ok(format!("http://{address}"))
}
