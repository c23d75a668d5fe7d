//! Who gets in where: no session → the sign-in page; agents kept out of admin pages; forms without
//! the session's CSRF token refused; a new session id at every sign-in; logout ends the session;
//! failed sign-ins throttled; every answer carries the security headers.

use actix_web::http::{StatusCode, header};
use actix_web::test::{self, TestRequest};

use crate::support::{ADMIN_PASSWORD, AGENT_PASSWORD, console, csrf_in, set_cookie, store};

const PAGES: [&str; 13] = [
    "/dashboard/campaigns",
    "/dashboard/campaigns/1",
    "/dashboard/menu.svg",
    "/dashboard/handoffs",
    "/dashboard/handoffs/1",
    "/dashboard",
    "/dashboard/conversations",
    "/dashboard/conversations/1",
    "/dashboard/contacts",
    "/dashboard/contacts/1",
    "/dashboard/tickets",
    "/dashboard/users",
    "/dashboard/tickets/1/media/1",
];

/// Signs in through the form as a browser would; the session cookie (`name=value`).
macro_rules! sign_in {
    ($app:expr, $name:expr, $password:expr) => {
        sign_in!($app, $name, $password, None::<String>)
    };
    ($app:expr, $name:expr, $password:expr, $old:expr) => {{
        let form = test::call_service(
            &$app,
            TestRequest::get().uri("/dashboard/login").to_request(),
        )
        .await;
        let login_cookie = set_cookie(&form, "wabot_login").expect("the form sets its cookie");
        let page = String::from_utf8(test::read_body(form).await.to_vec()).unwrap();
        let mut cookies = login_cookie;
        if let Some(old) = $old {
            cookies = format!("{cookies}; {old}");
        }
        let response = test::call_service(
            &$app,
            TestRequest::post()
                .uri("/dashboard/login")
                .insert_header((header::COOKIE, cookies))
                .set_form([
                    ("csrf", csrf_in(&page).as_str()),
                    ("name", $name),
                    ("password", $password),
                ])
                .to_request(),
        )
        .await;
        (response.status(), set_cookie(&response, "wabot_session"))
    }};
}

async fn get_page(
    app: &impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
    >,
    uri: &str,
    cookie: &str,
) -> (StatusCode, String) {
    let response = test::call_service(
        app,
        TestRequest::get()
            .uri(uri)
            .insert_header((header::COOKIE, cookie.to_owned()))
            .to_request(),
    )
    .await;
    let status = response.status();
    let body = test::read_body(response).await;
    (status, String::from_utf8_lossy(&body).into_owned())
}

#[actix_web::test]
async fn without_a_session_every_page_goes_to_sign_in() {
    let app = console(store().await).await;
    for page in PAGES {
        let response = test::call_service(&app, TestRequest::get().uri(page).to_request()).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{page}");
        assert_eq!(
            response.headers().get(header::LOCATION).unwrap(),
            "/dashboard/login",
            "{page}"
        );
        assert!(
            response.headers().contains_key("content-security-policy"),
            "{page}"
        );
    }
    let htmx = TestRequest::get()
        .uri("/dashboard/conversations")
        .insert_header(("HX-Request", "true"))
        .to_request();
    let response = test::call_service(&app, htmx).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        response.headers().get("HX-Redirect").unwrap(),
        "/dashboard/login"
    );
    let forged = ("wabot_session=".to_owned() + &"0".repeat(64)).clone();
    let (status, _) = get_page(&app, "/dashboard", &forged).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "an unknown session id");
}

#[actix_web::test]
async fn agents_see_their_pages_and_not_the_admin_ones() {
    let app = console(store().await).await;
    let (status, agent) = sign_in!(app, "bo", AGENT_PASSWORD);
    assert_eq!(status, StatusCode::SEE_OTHER);
    let agent = agent.unwrap();
    for page in [
        "/dashboard",
        "/dashboard/conversations",
        "/dashboard/contacts",
        "/dashboard/tickets",
    ] {
        let (status, body) = get_page(&app, page, &agent).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(
            !body.contains("/dashboard/users\""),
            "agents get no Users link on {page}"
        );
    }
    let (status, body) = get_page(&app, "/dashboard/users", &agent).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body.contains("administrators"), "{body}");
    let post = TestRequest::post()
        .uri("/dashboard/users")
        .insert_header((header::COOKIE, agent.clone()))
        .set_form([("csrf", "x")])
        .to_request();
    assert_eq!(
        test::call_service(&app, post).await.status(),
        StatusCode::FORBIDDEN
    );
    // A percent-encoded path reaches the same handlers, and is refused the same way, also with
    // the agent's own valid token.
    let (_, page) = get_page(&app, "/dashboard", &agent).await;
    let token = csrf_in(&page);
    for uri in ["/dashboard/%75sers", "/dashboard/%75sers/bo"] {
        let (status, _) = get_page(&app, uri, &agent).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "GET {uri}");
        let post = TestRequest::post()
            .uri(uri)
            .insert_header((header::COOKIE, agent.clone()))
            .set_form([
                ("csrf", token.as_str()),
                ("action", "role"),
                ("role", "admin"),
                ("name", "x"),
                ("password", "long password 12"),
            ])
            .to_request();
        let status = test::call_service(&app, post).await.status();
        assert_eq!(status, StatusCode::FORBIDDEN, "POST {uri}");
    }

    let (_, admin) = sign_in!(app, "ana", ADMIN_PASSWORD);
    let (status, body) = get_page(&app, "/dashboard/users", &admin.unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("bo") && body.contains("agent"), "{body}");
}

#[actix_web::test]
async fn forms_without_the_sessions_token_are_refused() {
    let app = console(store().await).await;
    let (_, admin) = sign_in!(app, "ana", ADMIN_PASSWORD);
    let admin = admin.unwrap();
    let (_, page) = get_page(&app, "/dashboard/users", &admin).await;
    let token = csrf_in(&page);
    let wrong = "f".repeat(64);
    for (uri, fields) in [
        (
            "/dashboard/users",
            vec![
                ("name", "cy"),
                ("role", "agent"),
                ("password", "long password 1"),
            ],
        ),
        ("/dashboard/users/bo", vec![("action", "disable")]),
        ("/dashboard/tickets/1/status", vec![("status", "resolved")]),
        ("/dashboard/handoffs/1", vec![("action", "close")]),
        ("/dashboard/campaigns/1/control", vec![("action", "pause")]),
        ("/dashboard/logout", vec![]),
    ] {
        for csrf in [None, Some(wrong.as_str())] {
            let mut form = fields.clone();
            if let Some(csrf) = csrf {
                form.push(("csrf", csrf));
            }
            let request = TestRequest::post()
                .uri(uri)
                .insert_header((header::COOKIE, admin.clone()))
                .set_form(form)
                .to_request();
            assert_eq!(
                test::call_service(&app, request).await.status(),
                StatusCode::FORBIDDEN,
                "{uri} with {csrf:?}"
            );
        }
    }
    // Nothing happened: bo is still active, and the session still works.
    let (status, page) = get_page(&app, "/dashboard/users", &admin).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !page.contains("disabled") && !page.contains(">cy<"),
        "{page}"
    );
    // With the token the same form goes through.
    let request = TestRequest::post()
        .uri("/dashboard/users/bo")
        .insert_header((header::COOKIE, admin.clone()))
        .set_form([("csrf", token.as_str()), ("action", "disable")])
        .to_request();
    assert_eq!(
        test::call_service(&app, request).await.status(),
        StatusCode::SEE_OTHER
    );
    let (_, page) = get_page(&app, "/dashboard/users", &admin).await;
    assert!(page.contains("disabled"), "{page}");
}

#[actix_web::test]
async fn signing_in_makes_a_new_session_and_logout_ends_it() {
    let app = console(store().await).await;
    let (_, first) = sign_in!(app, "ana", ADMIN_PASSWORD);
    let first = first.unwrap();
    // Signing in again with the old cookie (or one planted by someone else) gives a new id and
    // ends the old session.
    let (_, second) = sign_in!(app, "ana", ADMIN_PASSWORD, Some(first.clone()));
    let second = second.unwrap();
    assert_ne!(first, second);
    assert_eq!(
        get_page(&app, "/dashboard", &first).await.0,
        StatusCode::SEE_OTHER
    );
    let (status, page) = get_page(&app, "/dashboard", &second).await;
    assert_eq!(status, StatusCode::OK);
    let logout = TestRequest::post()
        .uri("/dashboard/logout")
        .insert_header((header::COOKIE, second.clone()))
        .set_form([("csrf", csrf_in(&page).as_str())])
        .to_request();
    let response = test::call_service(&app, logout).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(set_cookie(&response, "wabot_session").is_some_and(|c| c == "wabot_session="));
    assert_eq!(
        get_page(&app, "/dashboard", &second).await.0,
        StatusCode::SEE_OTHER,
        "the copied cookie is dead too"
    );
}

#[actix_web::test]
async fn wrong_passwords_and_unknown_names_get_one_answer_and_are_throttled() {
    let app = console(store().await).await;
    let cookie_flags = {
        let form = test::call_service(
            &app,
            TestRequest::get().uri("/dashboard/login").to_request(),
        )
        .await;
        form.headers()
            .get(header::SET_COOKIE)
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned()
    };
    assert!(
        cookie_flags.contains("HttpOnly") && cookie_flags.contains("SameSite=Lax"),
        "{cookie_flags}"
    );
    for (name, password) in [("ana", "wrong password"), ("nobody", "wrong password")] {
        let (status, session) = sign_in!(app, name, password);
        assert_eq!((status, session), (StatusCode::OK, None), "{name}");
    }
    for _ in 0..4 {
        sign_in!(app, "ana", "wrong password");
    }
    let (status, session) = sign_in!(app, "ana", ADMIN_PASSWORD);
    assert_eq!(
        (status, session),
        (StatusCode::OK, None),
        "the right password waits out the lock"
    );
    let (_, bo) = sign_in!(app, "bo", AGENT_PASSWORD);
    assert!(bo.is_some(), "other names are not locked by ana's failures");
}

#[actix_web::test]
async fn a_login_form_post_without_its_cookie_is_shown_again() {
    let app = console(store().await).await;
    let request = TestRequest::post()
        .uri("/dashboard/login")
        .set_form([
            ("csrf", "a".repeat(64).as_str()),
            ("name", "ana"),
            ("password", ADMIN_PASSWORD),
        ])
        .to_request();
    let response = test::call_service(&app, request).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(set_cookie(&response, "wabot_session").is_none());
    let body = test::read_body(response).await;
    assert!(String::from_utf8_lossy(&body).contains("expired"));
}
