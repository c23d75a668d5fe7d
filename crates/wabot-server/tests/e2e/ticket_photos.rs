//! Defect photos end to end, on the real binary: a customer sends a photo in the defect form (a
//! signed webhook with an image message as Meta sends it); the media worker — not the webhook
//! request — looks it up on the fake Graph API and downloads it with the token (the first download
//! URL has expired: it is looked up again); `GET /api/tickets/{ref}/media/1` then serves the bytes.
//! A file of a type that is not kept is marked failed with the reason, and its ticket is intact.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::console_traffic::webhook;
use crate::harness::{ADMIN, SECRET, TOKEN, Wabot, graph, post_signed, scratch, sent, shown, text};

/// A JPEG's first bytes and some more: what the customer's phone uploaded.
const PHOTO: &[u8] = b"\xff\xd8\xff\xe0JFIF-wardrobe-door-scratch";

/// Serves media `id` (`mime` type): each lookup hands out a fresh download URL; the first URL has
/// expired (404) when it is used, later ones give `bytes`. Returns the lookup count.
async fn serve_media(graph: &MockServer, id: &str, mime: &str, bytes: &[u8]) -> Arc<AtomicUsize> {
    let lookups = Arc::new(AtomicUsize::new(0));
    let (counted, base, size) = (Arc::clone(&lookups), graph.uri(), bytes.len());
    let media = id.to_owned();
    Mock::given(method("GET"))
        .and(path(format!("/v23.0/{id}")))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(move |_: &Request| {
            let n = counted.fetch_add(1, Ordering::SeqCst);
            ResponseTemplate::new(200).set_body_json(json!({"messaging_product": "whatsapp",
                "url": format!("{base}/lookaside/{media}/{n}"), "mime_type": mime_of(&media),
                "sha256": "x", "file_size": size, "id": media}))
        })
        .mount(graph)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/lookaside/{id}/0")))
        .respond_with(ResponseTemplate::new(404))
        .mount(graph)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/lookaside/{id}/1")))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_raw(bytes.to_vec(), mime))
        .mount(graph)
        .await;
    lookups
}

fn mime_of(media: &str) -> &'static str {
    if media.starts_with("ZIP") {
        "application/zip"
    } else {
        "image/jpeg"
    }
}

/// `from` reports a defect and sends `media` (an image or document message) at the photo step.
async fn report_with(client: &reqwest::Client, wabot: &Wabot, from: &str, media: Value) {
    let said = ["hi", "2", "1", "skip", "The door is scratched."];
    let mut messages: Vec<Value> = said.iter().map(|s| text(s)).collect();
    messages.push(media);
    messages.push(text("yes"));
    let start = wabot_app::utc_now().timestamp() - 60;
    for (n, content) in messages.into_iter().enumerate() {
        let mut message = json!({"from": from, "id": format!("{from}.p{n}"), "timestamp": (start + n as i64).to_string()});
        for (key, value) in content.as_object().unwrap() {
            message[key] = value.clone();
        }
        let body = webhook(
            json!({"contacts": [{"profile": {"name": "E2E"}, "wa_id": from}], "messages": [message]}),
        );
        assert_eq!(post_signed(client, &wabot.base, &body, SECRET).await, 200);
    }
}

async fn api_get(client: &reqwest::Client, wabot: &Wabot, path: &str) -> reqwest::Response {
    client
        .get(format!("{}{path}", wabot.base))
        .bearer_auth(ADMIN)
        .send()
        .await
        .unwrap()
}

/// Waits (up to 20 s) until the ticket's first file is no longer pending; returns the ticket.
async fn media_settled(client: &reqwest::Client, wabot: &Wabot, reference: &str) -> Value {
    let started = Instant::now();
    loop {
        let response = api_get(client, wabot, &format!("/api/tickets/{reference}")).await;
        if response.status() == 200 {
            let ticket: Value = response.json().await.unwrap();
            if ticket["media"][0]["state"]
                .as_str()
                .is_some_and(|s| s != "pending")
            {
                return ticket;
            }
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the media never settled"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_photo_sent_in_the_defect_form_is_kept_and_served_to_operators() {
    let (dir, graph) = (scratch(), graph().await);
    let lookups = serve_media(&graph, "MEDIA-PHOTO-1", "image/jpeg", PHOTO).await;
    serve_media(&graph, "ZIP-1", "application/zip", b"PK\x03\x04").await;
    let wabot = Wabot::start_with(&dir, &graph, &[("WABOT__META__MARK_READ", "never")]);
    let client = reqwest::Client::new();
    // The image message as Meta's webhook example shapes it.
    let image = json!({"type": "image", "image": {"caption": "the scratch", "mime_type": "image/jpeg",
        "sha256": "v7kO4eCO2pCFOKVSd1o1mOhusIzyW8fDDd1W5L2b5mY=", "id": "MEDIA-PHOTO-1"}});
    report_with(&client, &wabot, "5511900000010", image).await;
    let ticket = media_settled(&client, &wabot, "DEF-001").await;
    assert_eq!(ticket["media"][0]["state"], "stored", "{ticket}");
    assert_eq!(ticket["media"][0]["mime_type"], "image/jpeg");
    assert_eq!(ticket["media"][0]["size"], PHOTO.len());
    assert_eq!(
        lookups.load(Ordering::SeqCst),
        2,
        "the expired URL was looked up again"
    );

    let served = api_get(&client, &wabot, "/api/tickets/DEF-001/media/1").await;
    assert_eq!(served.status(), 200);
    let headers = served.headers().clone();
    assert_eq!(headers["content-type"], "image/jpeg");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(
        headers["content-disposition"],
        "inline; filename=\"DEF-001-1.jpg\""
    );
    assert_eq!(served.bytes().await.unwrap().as_ref(), PHOTO);
    // Operators only: no token, no file. A file that is not there: 404.
    let anonymous = client
        .get(format!("{}/api/tickets/DEF-001/media/1", wabot.base))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    assert_eq!(
        api_get(&client, &wabot, "/api/tickets/DEF-001/media/2")
            .await
            .status(),
        404
    );
    // The file is kept by content under the media folder.
    let kept = ticket["media"][0]["sha256"].as_str().unwrap();
    assert!(dir.join("media").join(&kept[..2]).join(kept).is_file());

    // A document of a type that is not kept: failed with the reason; the ticket is intact.
    let zip = json!({"type": "document", "document": {"filename": "report.zip",
        "mime_type": "application/zip", "sha256": "x", "id": "ZIP-1"}});
    report_with(&client, &wabot, "5511900000011", zip).await;
    let ticket = media_settled(&client, &wabot, "DEF-002").await;
    assert_eq!(ticket["media"][0]["state"], "failed", "{ticket}");
    assert!(
        ticket["media"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("`application/zip` is not kept")
    );
    assert_eq!(ticket["description"], "The door is scratched.");
    // The customer is told the reference (the reply may still be on its way to the Graph API: the
    // download failed as fast as the reply is sent).
    let started = Instant::now();
    while !sent(&graph)
        .await
        .iter()
        .any(|b| b["to"] == "5511900000011" && shown(b).contains("DEF-002"))
    {
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "the reply with DEF-002 never reached the Graph API"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
