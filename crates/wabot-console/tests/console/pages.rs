//! What the pages show: an overview with no traffic still draws its charts and says why they are
//! empty; what a customer wrote is escaped; agents see numbers masked, administrators whole.

use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use wabot_app::{
    ContactIds, CustomerMessage, InboundPayload, Inbox, NewInboundItem, NewWebhookEvent, utc_now,
};
use wabot_engine::Input;
use wabot_store::DieselStore;

use crate::support::{ADMIN_PASSWORD, AGENT_PASSWORD, console, signed_in, store};

async fn customer_writes(store: &DieselStore, wa_id: &str, name: &str, text: &str) {
    let contact = ContactIds {
        wa_id: Some(wa_id.to_owned()),
        user_id: None,
    };
    let item = NewInboundItem {
        dedupe_key: format!("wamid.{wa_id}"),
        contact: contact.clone(),
        profile_name: Some(name.to_owned()),
        occurred_at: utc_now(),
        payload: InboundPayload::Message(CustomerMessage {
            message_id: format!("wamid.{wa_id}"),
            kind: "text".to_owned(),
            input: Input::text(text),
            reply_to: contact,
        }),
    };
    let event = NewWebhookEvent {
        received_at: utc_now(),
        body: "{}".to_owned(),
        items: vec![item],
        account_updates: Vec::new(),
    };
    store.ingest(event).await.unwrap();
}

#[actix_web::test]
async fn an_empty_overview_draws_its_charts_and_says_why() {
    let app = console(store().await).await;
    let admin = signed_in(&app, "ana", ADMIN_PASSWORD).await;
    let request = TestRequest::get()
        .uri("/dashboard")
        .insert_header(("Cookie", admin))
        .to_request();
    let response = test::call_service(&app, request).await;
    assert_eq!(response.status(), StatusCode::OK);
    let page = String::from_utf8(test::read_body(response).await.to_vec()).unwrap();
    assert_eq!(page.matches("<svg").count(), 2, "both charts are drawn");
    assert!(page.contains("No messages in the last 7 days."), "{page}");
    assert!(
        page.contains("Nobody used the menu in the last 7 days."),
        "{page}"
    );
    assert!(
        page.contains("No message failed in the last 7 days."),
        "{page}"
    );
}

#[actix_web::test]
async fn customer_text_is_escaped_and_numbers_masked_for_agents() {
    let store = store().await;
    customer_writes(
        &store,
        "5511987654321",
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(2)>",
    )
    .await;
    let app = console(store).await;
    let agent = signed_in(&app, "bo", AGENT_PASSWORD).await;
    let admin = signed_in(&app, "ana", ADMIN_PASSWORD).await;
    let get = |uri: String, cookie: String| {
        let app = &app;
        async move {
            let request = TestRequest::get()
                .uri(&uri)
                .insert_header(("Cookie", cookie))
                .to_request();
            let response = test::call_service(app, request).await;
            assert_eq!(response.status(), StatusCode::OK, "{uri}");
            String::from_utf8(test::read_body(response).await.to_vec()).unwrap()
        }
    };
    let list = get("/dashboard/conversations".into(), agent.clone()).await;
    assert!(!list.contains("<script>alert"), "{list}");
    assert!(
        list.contains("&lt;script&gt;alert(1)&lt;/script&gt;") || list.contains("&#60;script&#62;"),
        "{list}"
    );
    assert!(
        list.contains("•••• 4321") && !list.contains("5511987654321"),
        "agents see the last four digits"
    );
    let id = list
        .split("/dashboard/conversations/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let transcript = get(format!("/dashboard/conversations/{id}"), agent).await;
    assert!(!transcript.contains("<img src=x"), "{transcript}");
    let list = get("/dashboard/conversations".into(), admin).await;
    assert!(list.contains("5511987654321"), "admins see the number");
}

#[actix_web::test]
async fn the_contact_page_shows_the_conversations_language() {
    use std::sync::Arc;

    use wabot_app::Converse;
    use wabot_cloud_api::CloudApiRenderer;
    use wabot_engine::{DEFAULT_MENU_TOML, Engine, Menu};

    let store = store().await;
    customer_writes(&store, "34600111222", "Lucía", "hola").await;
    let engine = Arc::new(Engine::new(Menu::from_toml_str(DEFAULT_MENU_TOML).unwrap()));
    let worker = Converse::new(store.clone(), engine, Arc::new(CloudApiRenderer));
    while worker.run_once(utc_now()).await.unwrap() > 0 {}
    let app = console(store).await;
    let admin = signed_in(&app, "ana", ADMIN_PASSWORD).await;
    let request = TestRequest::get()
        .uri("/dashboard/contacts/1")
        .insert_header(("Cookie", admin))
        .to_request();
    let response = test::call_service(&app, request).await;
    assert_eq!(response.status(), StatusCode::OK);
    let page = String::from_utf8(test::read_body(response).await.to_vec()).unwrap();
    assert!(
        page.contains("<dt>Language</dt><dd>es (by calling code, or the menu default)</dd>"),
        "{page}"
    );
}

#[actix_web::test]
async fn the_ticket_page_shows_its_photo_and_serves_it_to_operators() {
    use std::sync::Arc;

    use wabot_app::{Conversations, MediaJobs, MediaOutcome, StepRecord};
    use wabot_engine::NewDefect;

    const PHOTO: &[u8] = b"\xff\xd8\xff\xe0 a scratched door";
    let store = store().await;
    customer_writes(&store, "34600333444", "Marta", "report").await;
    let now = utc_now();
    store
        .step_next(now, 20, move |customer, _message, state, data| {
            let defect = NewDefect {
                order: None,
                description: "scratched door".into(),
                photo_media_id: Some("MEDIA-9".into()),
                reference_prefix: "DEF".into(),
            };
            data.create_defect(customer, defect, now)?;
            Ok(StepRecord {
                state,
                replies: Vec::new(),
                events: Vec::new(),
                handoff: None,
            })
        })
        .await
        .unwrap()
        .unwrap();
    let job = store
        .claim_media("test", now, chrono::TimeDelta::minutes(1), 1)
        .await
        .unwrap();
    let kept = MediaOutcome::Stored {
        sha256: "cd".repeat(32),
        mime_type: "image/jpeg".into(),
        size: PHOTO.len() as i64,
    };
    store.media_done(job[0].id, kept, now).await.unwrap();
    let reader: wabot_app::MediaReader = Arc::new(|sha256: String| {
        Box::pin(async move { Ok((sha256 == "cd".repeat(32)).then(|| PHOTO.to_vec())) })
    });
    let app = crate::support::console_with_media(store, reader).await;
    let agent = signed_in(&app, "bo", AGENT_PASSWORD).await;
    let get = |uri: &str| {
        TestRequest::get()
            .uri(uri)
            .insert_header(("Cookie", agent.clone()))
            .to_request()
    };
    let response = test::call_service(&app, get("/dashboard/tickets/1")).await;
    assert_eq!(response.status(), StatusCode::OK);
    let page = String::from_utf8(test::read_body(response).await.to_vec()).unwrap();
    assert!(
        page.contains(r#"<img src="/dashboard/tickets/1/media/1""#),
        "{page}"
    );
    let photo = test::call_service(&app, get("/dashboard/tickets/1/media/1")).await;
    assert_eq!(photo.status(), StatusCode::OK);
    assert_eq!(photo.headers().get("content-type").unwrap(), "image/jpeg");
    assert_eq!(
        photo.headers().get("x-content-type-options").unwrap(),
        "nosniff"
    );
    assert_eq!(
        photo.headers().get("content-security-policy").unwrap(),
        "sandbox; default-src 'none'",
        "a customer's file never runs in the console's origin"
    );
    assert_eq!(test::read_body(photo).await.as_ref(), PHOTO);
    let missing = test::call_service(&app, get("/dashboard/tickets/1/media/2")).await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    // Without a session: the sign-in page, not the photo.
    let anonymous = TestRequest::get()
        .uri("/dashboard/tickets/1/media/1")
        .to_request();
    let response = test::call_service(&app, anonymous).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
}
