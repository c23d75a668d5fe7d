//! Signing in and out. The sign-in form is a plain HTML post protected by a double-submit token
//! (a cookie set with the form, the same value in a hidden field); a good password opens a new
//! session with a new id (never the one the browser came with) and ends the old one; unknown names
//! and wrong passwords get the same answer after the same work; failures are throttled.

use std::sync::LazyLock;

use actix_web::cookie::time::Duration as CookieDuration;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use wabot_app::{NewOperatorSession, Operators, utc_now};

use crate::error::ConsoleError;
use crate::forms::CsrfForm;
use crate::guard::SESSION_COOKIE;
use crate::page::{html, see_other, when};
use crate::passwords::{hash_password, verify_password_off_thread};
use crate::routes::{DASHBOARD, LOGIN};
use crate::state::{ConsoleConfig, ConsoleState};
use crate::tokens::{random_token, same_token, session_hash};

/// The sign-in form's double-submit cookie.
const LOGIN_COOKIE: &str = "wabot_login";

/// A hash to check unknown names against, so they take as long as known ones.
static DECOY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_password("no operator has this password").unwrap_or_default());

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    csrf: String,
    name: String,
    problem: Option<String>,
}

/// Whether the browser reached us over TLS (directly, or through a trusted proxy).
pub fn over_tls(request: &HttpRequest, config: &ConsoleConfig) -> bool {
    request.app_config().secure()
        || (config.trust_forwarded_proto
            && request
                .headers()
                .get("X-Forwarded-Proto")
                .is_some_and(|proto| proto.as_bytes().eq_ignore_ascii_case(b"https")))
}

/// The address failed sign-ins are counted against.
fn client_address(request: &HttpRequest, config: &ConsoleConfig) -> String {
    // Behind a trusted proxy: the address the proxy itself appended (the last one), not the first,
    // which the client may have written.
    if config.trust_forwarded_proto
        && let Some(address) = request
            .headers()
            .get("X-Forwarded-For")
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.rsplit(',').next())
            .map(str::trim)
            .filter(|address| !address.is_empty())
    {
        return address.to_owned();
    }
    request
        .peer_addr()
        .map_or_else(|| "unknown".to_owned(), |peer| peer.ip().to_string())
}

fn cookie<'a>(name: &'a str, value: String, path: &'a str, secure: bool) -> Cookie<'a> {
    Cookie::build(name, value)
        .path(path)
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .finish()
}

fn form_page(
    name: String,
    problem: Option<String>,
    secure: bool,
) -> Result<HttpResponse, ConsoleError> {
    let csrf = random_token()?;
    let mut response = html(&LoginPage {
        csrf: csrf.clone(),
        name,
        problem,
    })?;
    response
        .add_cookie(&cookie(LOGIN_COOKIE, csrf, LOGIN, secure))
        .map_err(|e| ConsoleError::Internal(format!("cannot set a cookie: {e}")))?;
    Ok(response)
}

/// `GET /dashboard/login`.
pub async fn form<S: 'static>(
    request: HttpRequest,
    state: web::Data<ConsoleState<S>>,
) -> Result<HttpResponse, ConsoleError> {
    form_page(String::new(), None, over_tls(&request, &state.config))
}

/// The sign-in form's fields.
#[derive(Deserialize)]
pub struct Credentials {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
}

/// `POST /dashboard/login`.
pub async fn submit<S: Operators + 'static>(
    request: HttpRequest,
    state: web::Data<ConsoleState<S>>,
    form: web::Form<Credentials>,
) -> Result<HttpResponse, ConsoleError> {
    let Credentials {
        csrf,
        name,
        password,
    } = form.into_inner();
    let secure = over_tls(&request, &state.config);
    let expected = request.cookie(LOGIN_COOKIE).map(|c| c.value().to_owned());
    if !expected.is_some_and(|expected| same_token(&expected, &csrf)) {
        let problem = "The sign-in form expired (or cookies are blocked for this site). Try again.";
        return form_page(name, Some(problem.into()), secure);
    }
    let name = name.trim().to_owned();
    let address = client_address(&request, &state.config);
    let now = utc_now();
    if let Some(until) = state.throttle.blocked_until(&name, &address, now) {
        let problem = format!("Too many failed sign-ins. Try again after {}.", when(until));
        return form_page(name, Some(problem), secure);
    }
    let found = state.store.credentials(&name).await?;
    let hash = found
        .as_ref()
        .map_or_else(|| DECOY_HASH.clone(), |c| c.password_hash.clone());
    let matches = verify_password_off_thread(password, hash).await;
    let operator = match found {
        Some(found) if matches && !found.operator.disabled => found.operator,
        _ => {
            state.throttle.failed(&name, &address, now);
            tracing::info!("console sign-in refused");
            let problem = "Wrong user name or password (or the account is disabled).";
            return form_page(name, Some(problem.into()), secure);
        }
    };
    state.throttle.succeeded(&name);
    if let Some(old) = request.cookie(SESSION_COOKIE) {
        state
            .store
            .close_session(&session_hash(old.value()))
            .await?;
    }
    let session_id = random_token()?;
    state
        .store
        .open_session(NewOperatorSession {
            id_hash: session_hash(&session_id),
            operator_id: operator.id,
            csrf_token: random_token()?,
            at: now,
        })
        .await?;
    tracing::info!(operator = operator.id, "console sign-in");
    let mut response = see_other(DASHBOARD);
    let mut gone = cookie(LOGIN_COOKIE, String::new(), LOGIN, secure);
    gone.set_max_age(CookieDuration::ZERO);
    for cookie in [cookie(SESSION_COOKIE, session_id, DASHBOARD, secure), gone] {
        response
            .add_cookie(&cookie)
            .map_err(|e| ConsoleError::Internal(format!("cannot set a cookie: {e}")))?;
    }
    Ok(response)
}

/// `POST /dashboard/logout`: ends the session (in the database, so a copied cookie dies too).
pub async fn logout<S: Operators + 'static>(
    request: HttpRequest,
    state: web::Data<ConsoleState<S>>,
    form: CsrfForm<serde::de::IgnoredAny>,
) -> Result<HttpResponse, ConsoleError> {
    state.store.close_session(&form.viewer.session_hash).await?;
    let mut gone = cookie(
        SESSION_COOKIE,
        String::new(),
        DASHBOARD,
        over_tls(&request, &state.config),
    );
    gone.set_max_age(CookieDuration::ZERO);
    let mut response = see_other(LOGIN);
    response
        .add_cookie(&gone)
        .map_err(|e| ConsoleError::Internal(format!("cannot set a cookie: {e}")))?;
    Ok(response)
}
