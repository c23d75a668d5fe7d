//! The fake Graph API: accepts every message with a fresh id and records when it arrived, per recipient.

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

async fn accept(arrivals: web::Data<Arrivals>, body: web::Bytes) -> HttpResponse {
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
