//! Files sent by hand, end to end: an invoice PDF to a customer whose window is open is uploaded
//! to the fake Graph API (multipart, with the token) and sent by its media id with the file name
//! and caption (a body valid against Meta's request schema); outside the window, of a type WhatsApp
//! does not take, or over the type's limit, it is refused before anything is uploaded.

use serde_json::{Value, json};
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::console_traffic::{message, text};
use crate::harness::{
    ADMIN, PHONE, SECRET, TOKEN, Wabot, graph, post_signed, scratch, sent, wait_for,
};
use crate::schema::{request_validator, spec};

async fn attach(
    client: &reqwest::Client,
    wabot: &Wabot,
    query: &str,
    mime: &str,
    body: Vec<u8>,
) -> (u16, Value) {
    let response = client
        .post(format!("{}/api/messages/attachment?{query}", wabot.base))
        .bearer_auth(ADMIN)
        .header("content-type", mime)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invoice_pdf_is_uploaded_then_sent_by_media_id() {
    let (dir, graph) = (scratch(), graph().await);
    Mock::given(method("POST"))
        .and(path(format!("/v23.0/{PHONE}/media")))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(body_string_contains("filename=\"invoice-118.pdf\""))
        .and(body_string_contains("%PDF-1.7 invoice"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "UPLOADED-PDF-1"})))
        .expect(1)
        .mount(&graph)
        .await;
    let wabot = Wabot::start_with(&dir, &graph, &[("WABOT__META__MARK_READ", "never")]);
    let client = reqwest::Client::new();
    let customer = "5511900000020";
    let hello = message(customer, "Rita", "att.1", text("hi"));
    assert_eq!(post_signed(&client, &wabot.base, &hello, SECRET).await, 200);
    wait_for(&graph, 1).await;

    let query = format!("to=%2B{customer}&filename=invoice-118.pdf&caption=Your%20invoice");
    let pdf = b"%PDF-1.7 invoice".to_vec();
    let (status, answer) = attach(&client, &wabot, &query, "application/pdf", pdf).await;
    assert_eq!(status, 202, "{answer}");
    let document = wait_for(&graph, 2)
        .await
        .into_iter()
        .find(|b| b["type"] == "document");
    let document = document.expect("the document was sent");
    assert_eq!(
        document["document"],
        json!({"id": "UPLOADED-PDF-1", "caption": "Your invoice", "filename": "invoice-118.pdf"})
    );
    let errors: Vec<String> = request_validator(spec())
        .iter_errors(&document)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{document}\n{errors:?}");

    // Refused before any upload: a type WhatsApp does not take, an image over 5 MB, a customer
    // who never wrote (window closed).
    let to = format!("to={customer}");
    let (status, answer) = attach(&client, &wabot, &to, "application/zip", b"PK".to_vec()).await;
    assert_eq!(
        (status, answer["field"].as_str()),
        (422, Some("Content-Type"))
    );
    let big = vec![0xff; 5 * 1024 * 1024 + 1];
    let (status, answer) = attach(&client, &wabot, &to, "image/jpeg", big).await;
    assert_eq!(
        (status, answer["field"].as_str()),
        (422, Some("body")),
        "{answer}"
    );
    let stranger = "to=5511900000099";
    let (status, answer) = attach(
        &client,
        &wabot,
        stranger,
        "application/pdf",
        b"%PDF".to_vec(),
    )
    .await;
    assert_eq!(status, 409, "{answer}");
    assert!(answer["error"].as_str().unwrap().contains("24 hours"));
    // Only the one upload happened (the mock expects exactly one), and nothing else was sent.
    assert_eq!(
        sent(&graph)
            .await
            .iter()
            .filter(|b| b["type"] == "document")
            .count(),
        1
    );
    graph.verify().await;
}
