//! Keeping a ticket's media through the real client against a local Graph API: the app's
//! [`MediaKeeper`] looks the media up and downloads it with the token; an expired download URL is
//! looked up again; a type outside the allow-list or a file over its limit (announced, or found
//! while reading) is refused with the reason; a server error is retried later.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::json;
use wabot_app::{
    MediaJob, MediaJobs, MediaKeeper, MediaOutcome, MediaStore, StoreError, TicketMedia,
};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::client::{TOKEN, client};

/// One job per media id, and the outcomes recorded.
#[derive(Default)]
struct Jobs {
    due: Mutex<Vec<MediaJob>>,
    done: Mutex<Vec<(i64, MediaOutcome)>>,
}

impl MediaJobs for Jobs {
    async fn claim_media(
        &self,
        _owner: &str,
        _now: DateTime<Utc>,
        _lease: TimeDelta,
        _limit: i64,
    ) -> Result<Vec<MediaJob>, StoreError> {
        Ok(std::mem::take(&mut *self.due.lock().unwrap()))
    }

    async fn media_done(
        &self,
        id: i64,
        outcome: MediaOutcome,
        _now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.done.lock().unwrap().push((id, outcome));
        Ok(())
    }

    async fn ticket_media(&self, _ticket_id: i64) -> Result<Vec<TicketMedia>, StoreError> {
        Ok(Vec::new())
    }
}

/// Kept files by key (shared, to look at after the round).
#[derive(Clone, Default)]
struct Files(Arc<Mutex<HashMap<String, Vec<u8>>>>);

impl MediaStore for Files {
    async fn put(&self, bytes: Vec<u8>) -> Result<String, StoreError> {
        let key = format!("key-{}", bytes.len());
        self.0.lock().unwrap().insert(key.clone(), bytes);
        Ok(key)
    }

    async fn get(&self, sha256: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.0.lock().unwrap().get(sha256).cloned())
    }
}

/// Serves media `id`'s lookup (with `mime` and the announced `size`) and its download `bytes`.
async fn serve(server: &MockServer, id: &str, mime: &str, size: usize, bytes: Vec<u8>) {
    let url = format!("{}/lookaside/{id}", server.uri());
    Mock::given(method("GET"))
        .and(path(format!("/v23.0/{id}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "messaging_product": "whatsapp", "url": url, "mime_type": mime,
            "sha256": "x", "file_size": size, "id": id
        })))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/lookaside/{id}")))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_raw(bytes, mime))
        .mount(server)
        .await;
}

async fn keep(server: &MockServer, media: &[&str]) -> (Vec<(i64, MediaOutcome)>, Files) {
    let jobs = Jobs::default();
    *jobs.due.lock().unwrap() = media
        .iter()
        .enumerate()
        .map(|(n, id)| MediaJob {
            id: n as i64 + 1,
            media_id: (*id).to_owned(),
            attempts: 0,
        })
        .collect();
    let files = Files::default();
    let source = client(server, Duration::from_secs(5));
    let keeper = MediaKeeper::new(jobs, source, files.clone(), "t");
    (keeper.round(wabot_app::utc_now()).await.unwrap(), files)
}

#[tokio::test]
async fn photos_are_kept_and_wrong_types_or_sizes_refused() {
    let server = MockServer::start().await;
    serve(&server, "PHOTO", "image/jpeg", 2048, vec![7; 2048]).await;
    serve(&server, "PAGE", "text/html", 10, vec![b'<'; 10]).await;
    serve(&server, "HUGE", "image/png", 6 * 1024 * 1024, Vec::new()).await;
    // Announced small, but the body is over the image limit.
    serve(
        &server,
        "LIAR",
        "image/webp",
        100,
        vec![0; 5 * 1024 * 1024 + 1],
    )
    .await;
    let (done, files) = keep(&server, &["PHOTO", "PAGE", "HUGE", "LIAR"]).await;
    assert_eq!(
        done[0].1,
        MediaOutcome::Stored {
            sha256: "key-2048".into(),
            mime_type: "image/jpeg".into(),
            size: 2048
        }
    );
    assert_eq!(files.0.lock().unwrap()["key-2048"], vec![7; 2048]);
    let reasons: Vec<String> = done[1..]
        .iter()
        .map(|(_, outcome)| match outcome {
            MediaOutcome::Failed { reason } => reason.clone(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert!(
        reasons[0].contains("`text/html` is not kept"),
        "{reasons:?}"
    );
    assert!(
        reasons[1].contains("over the 5242880-byte limit"),
        "{reasons:?}"
    );
    assert!(
        reasons[2].contains("larger than the 5242880-byte limit"),
        "{reasons:?}"
    );
}

#[tokio::test]
async fn an_expired_url_is_looked_up_again_and_a_server_error_retried() {
    let server = MockServer::start().await;
    let lookups = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&lookups);
    let base = server.uri();
    // Each lookup hands out a new URL; the first one has expired (401) by the time it is used.
    Mock::given(method("GET"))
        .and(path("/v23.0/OLD"))
        .respond_with(move |_: &Request| {
            let n = counted.fetch_add(1, Ordering::SeqCst);
            ResponseTemplate::new(200).set_body_json(json!({
                "url": format!("{base}/lookaside/OLD/{n}"), "mime_type": "application/pdf",
                "file_size": 4, "id": "OLD", "messaging_product": "whatsapp"
            }))
        })
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/lookaside/OLD/0"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"error": {
            "message": "expired", "type": "OAuthException", "code": 190}})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/lookaside/OLD/1"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(b"%PDF".to_vec(), "application/pdf"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v23.0/DOWN"))
        .respond_with(ResponseTemplate::new(503).set_body_string("busy"))
        .mount(&server)
        .await;
    let (done, _) = keep(&server, &["OLD", "DOWN"]).await;
    assert_eq!(lookups.load(Ordering::SeqCst), 2, "looked up again once");
    assert!(
        matches!(&done[0].1, MediaOutcome::Stored { size: 4, mime_type, .. } if mime_type == "application/pdf"),
        "{done:?}"
    );
    assert!(
        matches!(&done[1].1, MediaOutcome::Retry { reason, .. } if reason.contains("503")),
        "{done:?}"
    );
}
