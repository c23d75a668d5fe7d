//! The OpenAPI document against the handlers: it is what `/api/openapi.json` serves, it matches the
//! checked-in `docs/openapi.json` (run with `WABOT_UPDATE_OPENAPI=1` to rewrite it after a change),
//! it lists exactly the admin routes, and every operation in it answers with a status it documents.

use std::collections::BTreeSet;

use actix_web::test;
use serde_json::Value;

use crate::records;
use crate::support::{ADMIN_TOKEN, bot, json, signed, text_webhook};

fn checked_in() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/openapi.json")
}

#[actix_web::test]
async fn the_document_is_served_and_checked_in() {
    let generated = wabot_http::openapi_document();
    if std::env::var_os("WABOT_UPDATE_OPENAPI").is_some() {
        std::fs::write(checked_in(), format!("{generated}\n")).unwrap();
    }
    let file = std::fs::read_to_string(checked_in()).unwrap();
    assert_eq!(
        file.trim_end(),
        generated,
        "docs/openapi.json is stale: run WABOT_UPDATE_OPENAPI=1 cargo test -p wabot-http"
    );
    let bot = bot().await;
    let app = admin_app!(bot, ADMIN_TOKEN);
    let response = test::call_service(
        &app,
        crate::support::admin_get("/api/openapi.json").to_request(),
    )
    .await;
    assert_eq!(
        json(response).await,
        serde_json::from_str::<Value>(&generated).unwrap()
    );
}

#[actix_web::test]
async fn every_documented_operation_answers_as_documented() {
    let document: Value = serde_json::from_str(&wabot_http::openapi_document()).unwrap();
    let paths = document["paths"].as_object().unwrap();
    let documented: BTreeSet<(String, String)> = paths
        .iter()
        .flat_map(|(path, operations)| {
            operations
                .as_object()
                .unwrap()
                .keys()
                .map(move |method| (method.to_uppercase(), path.clone()))
        })
        .collect();
    let served: BTreeSet<(String, String)> = [
        ("POST", "/api/messages"),
        ("GET", "/api/contacts"),
        ("GET", "/api/contacts/{id}"),
        ("GET", "/api/contacts/{id}/messages"),
        ("GET", "/api/stats"),
        ("POST", "/api/menu/reload"),
        ("GET", "/api/openapi.json"),
        ("GET", "/api/handoffs"),
        ("POST", "/api/handoffs/{id}/claim"),
        ("POST", "/api/handoffs/{id}/reply"),
        ("POST", "/api/handoffs/{id}/note"),
        ("POST", "/api/handoffs/{id}/transfer"),
        ("POST", "/api/handoffs/{id}/close"),
        ("GET", "/api/orders"),
        ("PUT", "/api/orders/{number}"),
        ("GET", "/api/orders/{number}"),
        ("DELETE", "/api/orders/{number}"),
        ("GET", "/api/schedule"),
        ("PUT", "/api/schedule/{reference}"),
        ("GET", "/api/schedule/{reference}"),
        ("DELETE", "/api/schedule/{reference}"),
        ("GET", "/api/tickets/{reference}"),
        ("PATCH", "/api/tickets/{reference}"),
        ("GET", "/api/tickets/{reference}/media/{n}"),
        ("POST", "/api/messages/attachment"),
        ("GET", "/api/templates"),
        ("POST", "/api/templates/sync"),
        ("POST", "/api/campaigns"),
        ("GET", "/api/campaigns"),
        ("GET", "/api/campaigns/{id}"),
        ("POST", "/api/campaigns/{id}/{action}"),
    ]
    .into_iter()
    .map(|(method, path)| (method.to_owned(), path.to_owned()))
    .collect();
    assert_eq!(documented, served);

    let bot = bot().await;
    let app = admin_app!(bot, ADMIN_TOKEN);
    test::call_service(
        &app,
        signed(&text_webhook("15551234567", "wamid.1", "hi")).to_request(),
    )
    .await;
    // Records to read, and deletes last, so every record route can succeed.
    for (uri, body) in records::bodies() {
        let request = records::admin_put(uri, &body).to_request();
        assert!(
            test::call_service(&app, request)
                .await
                .status()
                .is_success()
        );
    }
    let mut operations: Vec<_> = documented.iter().collect();
    operations.sort_by_key(|(method, _)| method == "DELETE");
    for (method, path) in operations {
        let operation = &paths[path][method.to_lowercase()];
        assert!(
            operation["security"].to_string().contains("bearer"),
            "{method} {path} must declare the bearer token"
        );
        let uri = if path.starts_with("/api/tickets") {
            path.replace("{reference}", "DEF-001").replace("{n}", "1")
        } else {
            records::uri(&path.replace("{id}", "1").replace("{action}", "pause"))
        };
        let mut request = test::TestRequest::default()
            .method(method.parse().unwrap())
            .uri(&uri)
            .insert_header(("Authorization", format!("Bearer {ADMIN_TOKEN}")));
        if method == "POST" || method == "PATCH" {
            request = request.set_json(
                serde_json::json!({"to": "15551234567", "text": "hello", "agent": "ana", "status": "closed"}),
            );
        }
        if method == "PUT" {
            request = request.set_json(records::body_for(&uri));
        }
        let response = test::call_service(&app, request.to_request()).await;
        let status = response.status().as_u16().to_string();
        assert!(
            operation["responses"].get(&status).is_some(),
            "{method} {uri} answered {status}, which its operation does not document"
        );
        // No handoff is open here (no conversation is stepped in-process): those routes answer a
        // documented 404, and the end-to-end handoff test drives them to success.
        let no_handoff = path.starts_with("/api/handoffs/") && status == "404";
        // Likewise no ticket exists here (the end-to-end ticket tests drive those routes), and a
        // JSON body is not a file to attach (the end-to-end attachment test sends one).
        let no_ticket = path.starts_with("/api/tickets/") && status == "404";
        let not_a_file = path == "/api/messages/attachment" && status == "422";
        // Nor any template or campaign (no Graph API to sync from): a documented 404 (no such
        // campaign), 409 (sync not configured) or 422 (this body is no campaign); the end-to-end
        // campaign tests drive them to success.
        let no_campaign = (path.starts_with("/api/campaigns") || path == "/api/templates/sync")
            && ["404", "409", "422"].contains(&status.as_str());
        assert!(
            response.status().is_success() || no_handoff || no_ticket || not_a_file || no_campaign,
            "{method} {uri}: {status}"
        );
        let unauthenticated = test::TestRequest::default()
            .method(method.parse().unwrap())
            .uri(&uri)
            .to_request();
        let status = test::call_service(&app, unauthenticated).await.status();
        assert!(
            operation["responses"]
                .get(status.as_u16().to_string())
                .is_some()
        );
    }
}
