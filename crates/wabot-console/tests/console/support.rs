//! A console app over a fresh SQLite database, with an admin and an agent, and a signed-in
//! client that keeps its cookie and reads the CSRF token from the pages it gets.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::header;
use actix_web::{App, test, web};
use wabot_app::{CurrentEngine, Operators, Role, utc_now};
use wabot_console::{ConsoleConfig, ConsoleState, hash_password};
use wabot_engine::{DEFAULT_MENU_TOML, Engine, Menu};
use wabot_store::DieselStore;

pub const ADMIN_PASSWORD: &str = "admin password 1";
pub const AGENT_PASSWORD: &str = "agent password 1";

static NEXT: AtomicU64 = AtomicU64::new(1);

/// A store in a fresh folder with the users `ana` (admin) and `bo` (agent).
pub async fn store() -> DieselStore {
    let dir = std::env::temp_dir().join(format!(
        "wabot_console_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let store = DieselStore::open(&format!("sqlite://{}/c.db", dir.display()), 2)
        .await
        .unwrap();
    for (name, role, password) in [
        ("ana", Role::Admin, ADMIN_PASSWORD),
        ("bo", Role::Agent, AGENT_PASSWORD),
    ] {
        store
            .add_operator(name, role, &hash_password(password).unwrap(), utc_now())
            .await
            .unwrap();
    }
    store
}

/// The console app over `store`.
pub async fn console(
    store: DieselStore,
) -> impl Service<
    actix_http::Request,
    Response = ServiceResponse<impl MessageBody>,
    Error = actix_web::Error,
> {
    console_with_media(store, Arc::new(|_| Box::pin(async { Ok(None) }))).await
}

/// The console app over `store`, reading kept files with `read_media`.
pub async fn console_with_media(
    store: DieselStore,
    read_media: wabot_app::MediaReader,
) -> impl Service<
    actix_http::Request,
    Response = ServiceResponse<impl MessageBody>,
    Error = actix_web::Error,
> {
    let engine = Arc::new(CurrentEngine::new(Arc::new(Engine::new(
        Menu::from_toml_str(DEFAULT_MENU_TOML).unwrap(),
    ))));
    let state = web::Data::new(
        ConsoleState::new(store, ConsoleConfig::default(), engine, Arc::new(|| {}))
            .with_media_reader(read_media),
    );
    test::init_service(App::new().configure(wabot_console::configure(state))).await
}

/// The value of the hidden `csrf` field in a page.
pub fn csrf_in(page: &str) -> String {
    let start =
        page.find(r#"name="csrf" value=""#).expect("a csrf field") + r#"name="csrf" value=""#.len();
    page[start..start + 64].to_owned()
}

/// The `name=value` of a `Set-Cookie` header for `name`, if the response sets it.
pub fn set_cookie<B>(response: &ServiceResponse<B>, name: &str) -> Option<String> {
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(|v| v.split(';').next().unwrap_or_default().to_owned())
}

/// Signs in through the form as a browser would; the session cookie (`name=value`).
pub async fn signed_in(
    app: &impl Service<
        actix_http::Request,
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
    >,
    name: &str,
    password: &str,
) -> String {
    let form = test::call_service(
        app,
        test::TestRequest::get()
            .uri("/dashboard/login")
            .to_request(),
    )
    .await;
    let login_cookie = set_cookie(&form, "wabot_login").expect("the form sets its cookie");
    let page = String::from_utf8(test::read_body(form).await.to_vec()).unwrap();
    let response = test::call_service(
        app,
        test::TestRequest::post()
            .uri("/dashboard/login")
            .insert_header((header::COOKIE, login_cookie))
            .set_form([
                ("csrf", csrf_in(&page).as_str()),
                ("name", name),
                ("password", password),
            ])
            .to_request(),
    )
    .await;
    set_cookie(&response, "wabot_session").expect("signed in")
}
