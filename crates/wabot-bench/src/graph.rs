//! The fake Graph API: accepts every message with a fresh id, after a delay as the real one takes
//! (`--graph-ms`), and records when it arrived, per recipient; read receipts are counted apart.
//! It also lists one template, for the `campaign` scenario.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::{App, HttpResponse, HttpServer, web};

/// Arrivals by recipient.
#[derive(Default)]
pub struct Arrivals {
    pub by_recipient: Mutex<HashMap<String, Vec<Instant>>>,
    /// Read receipts (`"status": "read"`): not messages, not counted as replies.
    pub receipts: AtomicU64,
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

/// How long the fake Graph API takes to answer.
#[derive(Clone, Copy)]
struct Delay(Duration);

async fn accept(
    arrivals: web::Data<Arrivals>,
    delay: web::Data<Delay>,
    body: web::Bytes,
) -> HttpResponse {
    // Meta answers `delay` after the send arrives; the reply counts as delivered then.
    tokio::time::sleep(delay.0).await;
    let now = Instant::now();
    let json = serde_json::from_slice::<serde_json::Value>(&body).unwrap_or_default();
    if json["status"] == "read" {
        arrivals.receipts.fetch_add(1, Ordering::Relaxed);
    } else if let Ok(mut map) = arrivals.by_recipient.lock() {
        let to = json["to"].as_str().unwrap_or_default().to_owned();
        map.entry(to).or_default().push(now);
    }
    let id = arrivals.next_id.fetch_add(1, Ordering::Relaxed);
    HttpResponse::Ok().json(serde_json::json!({
        "messaging_product": "whatsapp",
        // This process's id too: a database reused by another run already holds the low numbers.
        "messages": [{"id": format!("wamid.bench.{}.{id}", std::process::id())}]
    }))
}

/// The template list: one approved marketing template with two body parameters (`campaign`).
async fn templates() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({"data": [{"id": "1", "name": "fall_sale",
        "language": "en_US", "category": "MARKETING", "status": "APPROVED",
        "components": [{"type": "BODY", "text": "Hi {{1}}, use promo code {{2}}"}]}]}))
}

/// Starts the fake Graph API on a free local port, answering after `delay`; returns its base URL.
pub fn start(arrivals: Arc<Arrivals>, delay: Duration) -> anyhow::Result<String> {
    let data = web::Data::from(arrivals);
    let delay = web::Data::new(Delay(delay));
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .app_data(delay.clone())
            .route("/{version}/{phone}/messages", web::post().to(accept))
            .route(
                "/{version}/{waba}/message_templates",
                web::get().to(templates),
            )
    })
    .workers(1)
    .bind("127.0.0.1:0")?;
    let address = server.addrs()[0];
    tokio::spawn(server.run());
    Ok(format!("http://{address}"))
}
