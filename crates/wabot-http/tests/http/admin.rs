//! The admin API's reading routes and its authentication, on a real SQLite store: contacts with
//! paging, one contact's window and menu position, its messages with their status history, stats —
//! and readiness when the database file is gone.

use actix_web::http::StatusCode;
use actix_web::test;

use crate::support::{
    admin_get, bot, converse, deliver, json, signed, status_webhook, text_webhook,
};

#[actix_web::test]
async fn every_admin_route_needs_the_token() {
    let bot = bot().await;
    let app = admin_app!(bot, crate::support::ADMIN_TOKEN);
    let routes = [
        ("GET", "/api/contacts"),
        ("GET", "/api/contacts/1"),
        ("GET", "/api/contacts/1/messages"),
        ("GET", "/api/stats"),
        ("GET", "/api/openapi.json"),
        ("POST", "/api/messages"),
        ("POST", "/api/menu/reload"),
        ("GET", "/api/no-such-route"),
    ];
    for (method, uri) in routes {
        for header in [
            None,
            Some("Bearer wrong"),
            Some("Basic abc"),
            Some("Bearer "),
        ] {
            let mut request = test::TestRequest::default()
                .method(method.parse().unwrap())
                .uri(uri);
            if let Some(header) = header {
                request = request.insert_header(("Authorization", header));
            }
            let response = test::call_service(&app, request.to_request()).await;
            assert_eq!(
                response.status(),
                StatusCode::UNAUTHORIZED,
                "{method} {uri} {header:?}"
            );
            assert_eq!(
                response.headers().get("www-authenticate").unwrap(),
                "Bearer"
            );
            let body = json(response).await;
            assert!(body["error"].as_str().unwrap().contains("token"), "{body}");
        }
    }
    // An unknown route is a 404 once authenticated.
    let response = test::call_service(&app, admin_get("/api/no-such-route").to_request()).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn an_empty_token_disables_the_admin_api() {
    let bot = bot().await;
    let app = admin_app!(bot, "");
    let request = test::TestRequest::get()
        .uri("/api/contacts")
        .insert_header(("Authorization", "Bearer "))
        .to_request();
    let response = test::call_service(&app, request).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let body = json(response).await;
    assert!(
        body["error"].as_str().unwrap().contains("disabled"),
        "{body}"
    );
}

#[actix_web::test]
async fn contacts_are_paged_by_cursor() {
    let bot = bot().await;
    let app = admin_app!(bot, crate::support::ADMIN_TOKEN);
    for n in 1..=5 {
        let body = text_webhook(&format!("1555000000{n}"), &format!("wamid.in{n}"), "hi");
        let response = test::call_service(&app, signed(&body).to_request()).await;
        assert_eq!(response.status(), StatusCode::OK);
    }
    let mut seen = Vec::new();
    let mut uri = "/api/contacts?limit=2".to_owned();
    loop {
        let response = test::call_service(&app, admin_get(&uri).to_request()).await;
        assert_eq!(response.status(), StatusCode::OK);
        let page = json(response).await;
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= 2);
        seen.extend(
            items
                .iter()
                .map(|c| c["wa_id"].as_str().unwrap().to_owned()),
        );
        assert!(items.iter().all(|c| c["window"]["open"] == true));
        match page["next_cursor"].as_str() {
            Some(cursor) => uri = format!("/api/contacts?limit=2&cursor={cursor}"),
            None => break,
        }
    }
    let expected: Vec<String> = (1..=5).map(|n| format!("1555000000{n}")).collect();
    assert_eq!(seen, expected);
    for (uri, field) in [
        ("/api/contacts?limit=0", "limit"),
        ("/api/contacts?limit=201", "limit"),
        ("/api/contacts?cursor=zzz", "cursor"),
        ("/api/contacts/abc", "id"),
        ("/api/contacts/1/messages?limit=x", "limit"),
        ("/api/stats?days=0", "days"),
    ] {
        let response = test::call_service(&app, admin_get(uri).to_request()).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{uri}");
        assert_eq!(json(response).await["field"], field, "{uri}");
    }
    for uri in ["/api/contacts/999", "/api/contacts/999/messages"] {
        let response = test::call_service(&app, admin_get(uri).to_request()).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{uri}");
    }
}

#[actix_web::test]
async fn a_contact_shows_its_menu_position_and_messages_with_their_statuses() {
    let bot = bot().await;
    let app = admin_app!(bot, crate::support::ADMIN_TOKEN);
    let from = "15551234567";
    for (id, text) in [("wamid.a", "hi"), ("wamid.b", "1")] {
        test::call_service(&app, signed(&text_webhook(from, id, text)).to_request()).await;
        converse(&bot).await;
        deliver(&bot).await;
    }
    let contact =
        json(test::call_service(&app, admin_get("/api/contacts/1").to_request()).await).await;
    assert_eq!(contact["wa_id"], from);
    assert_eq!(contact["profile_name"], "Ana");
    assert_eq!(contact["menu_node"], "orders");
    // A +1 number: the menu's default language, not chosen.
    assert_eq!(contact["language"], "en");
    assert_eq!(contact["language_chosen"], false);
    assert_eq!(contact["window"]["open"], true);
    assert!(contact["window"]["closes_at"].is_string());
    // The phone number finds it too, written any usual way.
    for uri in [
        "/api/contacts/+15551234567",
        "/api/contacts/+1%20555-123-4567",
        "/api/contacts/15551234567/messages",
    ] {
        let response = test::call_service(&app, admin_get(uri).to_request()).await;
        assert_eq!(response.status(), StatusCode::OK, "{uri}");
    }

    let page =
        json(test::call_service(&app, admin_get("/api/contacts/1/messages").to_request()).await)
            .await;
    let messages = page["items"].as_array().unwrap();
    let directions: Vec<&str> = messages
        .iter()
        .map(|m| m["direction"].as_str().unwrap())
        .collect();
    assert_eq!(directions, ["in", "out", "in", "out"]);
    let first_reply = &messages[1];
    assert_eq!(first_reply["status"], "sent");
    assert_eq!(first_reply["body"]["to"], from, "the request body as JSON");
    let wamid = first_reply["wa_message_id"].as_str().unwrap().to_owned();
    let last_reply = messages[3]["wa_message_id"].as_str().unwrap().to_owned();

    // Meta reports the first delivered and read, the last failed.
    for body in [
        status_webhook(from, &wamid, "delivered", None),
        status_webhook(from, &wamid, "read", None),
        status_webhook(from, &last_reply, "failed", Some(131_026)),
    ] {
        test::call_service(&app, signed(&body).to_request()).await;
    }
    let page = json(
        test::call_service(
            &app,
            admin_get("/api/contacts/1/messages?limit=4").to_request(),
        )
        .await,
    )
    .await;
    let messages = page["items"].as_array().unwrap();
    let history: Vec<&str> = messages[1]["statuses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["status"].as_str().unwrap())
        .collect();
    assert_eq!(history, ["sent", "delivered", "read"]);
    assert_eq!(messages[1]["status"], "read");
    assert_eq!(messages[3]["status"], "failed");
    assert_eq!(messages[3]["error"]["code"], 131_026);
    assert_eq!(messages[3]["error"]["class"], "permanent");

    let stats =
        json(test::call_service(&app, admin_get("/api/stats?days=1").to_request()).await).await;
    assert_eq!(stats["contacts"], 1);
    let count = |list: &str, labels: serde_json::Value| {
        stats[list]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["labels"] == labels)
            .map_or(0, |t| t["count"].as_i64().unwrap())
    };
    let today = wabot_app::utc_now().date_naive().to_string();
    assert_eq!(
        count(
            "messages_by_day",
            serde_json::json!({"day": today, "direction": "in"})
        ),
        2
    );
    assert_eq!(
        count(
            "send_outcomes",
            serde_json::json!({"outcome": "read", "class": "none"})
        ),
        1
    );
    assert_eq!(
        count(
            "send_outcomes",
            serde_json::json!({"outcome": "failed", "class": "permanent"})
        ),
        1
    );
    assert_eq!(
        count(
            "menu_usage",
            serde_json::json!({"event": "option_chosen", "node": "main"})
        ),
        1
    );
    assert_eq!(stats["response_times"]["count"], 2);
}

#[actix_web::test]
async fn ready_is_503_while_the_database_file_is_gone() {
    let bot = bot().await;
    let app = admin_app!(bot, crate::support::ADMIN_TOKEN);
    let now = wabot_app::utc_now();
    bot.readiness.conversations.beat(now);
    bot.readiness.deliveries.beat(now);
    let ready = || test::TestRequest::get().uri("/ready").to_request();
    assert_eq!(
        test::call_service(&app, ready()).await.status(),
        StatusCode::OK
    );
    let aside = bot.path.with_extension("aside");
    std::fs::rename(&bot.path, &aside).unwrap();
    let response = test::call_service(&app, ready()).await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body = json(response).await;
    assert!(
        body["reasons"][0].as_str().unwrap().contains("is gone"),
        "{body}"
    );
    std::fs::rename(&aside, &bot.path).unwrap();
    assert_eq!(
        test::call_service(&app, ready()).await.status(),
        StatusCode::OK
    );
}
