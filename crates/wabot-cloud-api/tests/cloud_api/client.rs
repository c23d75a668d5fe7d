//! The client against a real local HTTP server (wiremock): exact requests, and every error class.

use std::time::Duration;

use serde_json::json;
use wabot_cloud_api::{
    ClientError, CloudApiClient, CloudApiConfig, ErrorClass, MarkRead, OutboundMessage,
    SecretString,
};
use wiremock::matchers::{body_json, body_string_contains, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

pub const TOKEN: &str = "EAAG-test-token";
const PHONE: &str = "106540352242922";

pub fn client(server: &MockServer, timeout: Duration) -> CloudApiClient {
    let mut config = CloudApiConfig::new(PHONE, SecretString::from(TOKEN));
    config.base_url = server.uri();
    config.timeout = timeout;
    CloudApiClient::new(config).unwrap()
}

fn accepted() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "messaging_product": "whatsapp",
        "contacts": [{"input": "15551234567", "wa_id": "15551234567"}],
        "messages": [{"id": "wamid.SENT1"}]
    }))
}

#[tokio::test]
async fn send_posts_the_exact_request_and_returns_the_message_id() {
    let server = MockServer::start().await;
    let message = OutboundMessage::text("15551234567", "Hello")
        .unwrap()
        .in_reply_to("wamid.IN");
    Mock::given(method("POST"))
        .and(path(format!("/v23.0/{PHONE}/messages")))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(header("content-type", "application/json"))
        .and(body_json(json!({
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": "15551234567",
            "context": {"message_id": "wamid.IN"},
            "type": "text",
            "text": {"body": "Hello"}
        })))
        .respond_with(accepted())
        .expect(1)
        .mount(&server)
        .await;
    let sent = client(&server, Duration::from_secs(5))
        .send(&message)
        .await
        .unwrap();
    assert_eq!(sent.id, "wamid.SENT1");
    assert_eq!(sent.wa_id.as_deref(), Some("15551234567"));
}

/// A failure whose body is an HTML page, not a Graph error.
async fn failure(status: u16) -> ClientError {
    let server = MockServer::start().await;
    let page = ResponseTemplate::new(status)
        .set_body_raw("<html><body>Bad gateway</body></html>", "text/html");
    Mock::given(method("POST"))
        .respond_with(page)
        .mount(&server)
        .await;
    let message = OutboundMessage::text("15551234567", "Hello").unwrap();
    client(&server, Duration::from_secs(5))
        .send(&message)
        .await
        .unwrap_err()
}

async fn graph_failure(status: u16, code: i64) -> ClientError {
    let server = MockServer::start().await;
    let body = json!({"error": {
        "message": format!("(#{code}) Something"), "type": "OAuthException", "code": code,
        "error_data": {"messaging_product": "whatsapp", "details": "details here"},
        "error_subcode": 2_494_055, "fbtrace_id": "AbCdEf"
    }});
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .mount(&server)
        .await;
    let message = OutboundMessage::text("15551234567", "Hello").unwrap();
    client(&server, Duration::from_secs(5))
        .send(&message)
        .await
        .unwrap_err()
}

#[tokio::test]
async fn graph_errors_are_classified_by_code_not_by_status() {
    let cases = [
        (1, 400, ErrorClass::Retry),
        (2, 503, ErrorClass::Retry),
        (131_000, 500, ErrorClass::Retry),
        (4, 400, ErrorClass::Throttled),
        (80_007, 429, ErrorClass::Throttled),
        (130_429, 400, ErrorClass::Throttled),
        (131_056, 400, ErrorClass::PairLimited),
        (131_047, 400, ErrorClass::OutsideWindow),
        (190, 401, ErrorClass::TokenExpired),
        (100, 400, ErrorClass::Permanent),
        (131_026, 400, ErrorClass::Permanent),
        (131_051, 400, ErrorClass::Permanent),
        (133_010, 400, ErrorClass::Permanent),
        (368, 403, ErrorClass::Permanent),
        // A throttling code with a 500 status is still throttling.
        (130_429, 500, ErrorClass::Throttled),
    ];
    for (code, status, class) in cases {
        let error = graph_failure(status, code).await;
        assert_eq!(error.class(), class, "code {code} with HTTP {status}");
        let ClientError::Graph(graph) = &error else {
            panic!("{error}")
        };
        assert_eq!((graph.code, graph.status), (code, status));
        assert_eq!(graph.subcode, Some(2_494_055));
        assert_eq!(graph.kind.as_deref(), Some("OAuthException"));
        assert_eq!(graph.details.as_deref(), Some("details here"));
        assert_eq!(graph.fbtrace_id.as_deref(), Some("AbCdEf"));
    }
}

#[tokio::test]
async fn non_json_error_bodies_are_classified_by_status() {
    assert_eq!(failure(502).await.class(), ErrorClass::Retry);
    assert_eq!(failure(429).await.class(), ErrorClass::Throttled);
    let bad = failure(400).await;
    assert_eq!(bad.class(), ErrorClass::Permanent);
    assert!(matches!(
        bad,
        ClientError::UnexpectedResponse { status: 400, .. }
    ));
}

#[tokio::test]
async fn a_slow_server_is_a_timeout_to_retry() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(accepted().set_delay(Duration::from_millis(1500)))
        .mount(&server)
        .await;
    let message = OutboundMessage::text("15551234567", "Hello").unwrap();
    let error = client(&server, Duration::from_millis(200))
        .send(&message)
        .await
        .unwrap_err();
    assert!(matches!(error, ClientError::Timeout(_)), "{error}");
    assert_eq!(error.class(), ErrorClass::Retry);
}

#[tokio::test]
async fn an_unreachable_server_is_a_network_error_to_retry() {
    // A port that was free a moment ago: nothing listens there now.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let mut config = CloudApiConfig::new(PHONE, SecretString::from(TOKEN));
    config.base_url = format!("http://127.0.0.1:{port}");
    let error = CloudApiClient::new(config)
        .unwrap()
        .send(&OutboundMessage::text("1", "x").unwrap())
        .await
        .unwrap_err();
    assert!(matches!(error, ClientError::Network(_)), "{error}");
    assert_eq!(error.class(), ErrorClass::Retry);
    assert!(!error.to_string().contains(TOKEN));
}

#[tokio::test]
async fn mark_read_posts_the_receipt_with_the_typing_indicator() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/v23.0/{PHONE}/messages")))
        .and(body_json(json!({
            "messaging_product": "whatsapp", "status": "read", "message_id": "wamid.IN",
            "typing_indicator": {"type": "text"}
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"success": true})))
        .expect(1)
        .mount(&server)
        .await;
    let read = MarkRead::new("wamid.IN").unwrap().with_typing_indicator();
    client(&server, Duration::from_secs(5))
        .mark_read(&read)
        .await
        .unwrap();
}

#[tokio::test]
async fn media_is_looked_up_downloaded_with_the_token_and_capped() {
    let server = MockServer::start().await;
    let download = format!("{}/lookaside/MEDIA1", server.uri());
    Mock::given(method("GET"))
        .and(path("/v23.0/MEDIA1"))
        .and(query_param("phone_number_id", PHONE))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "messaging_product": "whatsapp", "url": download, "mime_type": "image/jpeg",
            "sha256": "abc", "file_size": "2048", "id": "MEDIA1"
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/lookaside/MEDIA1"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_raw(vec![7u8; 2048], "image/jpeg"))
        .mount(&server)
        .await;
    let client = client(&server, Duration::from_secs(5));
    let info = client.media_info("MEDIA1").await.unwrap();
    assert_eq!(
        (info.mime_type.as_deref(), info.file_size),
        (Some("image/jpeg"), Some(2048))
    );
    let bytes = client.download_media(&info.url, 4096).await.unwrap();
    assert_eq!(bytes.len(), 2048);
    let capped = client.download_media(&info.url, 1000).await.unwrap_err();
    assert!(matches!(capped, ClientError::MediaTooLarge { max: 1000 }));
}

#[tokio::test]
async fn upload_sends_a_multipart_form_and_returns_the_id() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/v23.0/{PHONE}/media")))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(body_string_contains("name=\"messaging_product\""))
        .and(body_string_contains("whatsapp"))
        .and(body_string_contains("filename=\"photo.jpg\""))
        .and(body_string_contains("JPEGDATA"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "UPLOADED1"})))
        .expect(1)
        .mount(&server)
        .await;
    let id = client(&server, Duration::from_secs(5))
        .upload_media(
            bytes::Bytes::from_static(b"JPEGDATA"),
            "image/jpeg",
            "photo.jpg",
        )
        .await
        .unwrap();
    assert_eq!(id, "UPLOADED1");
}

#[test]
fn the_token_never_shows_in_debug_output() {
    let config = CloudApiConfig::new(PHONE, SecretString::from(TOKEN));
    assert!(!format!("{config:?}").contains(TOKEN));
}
