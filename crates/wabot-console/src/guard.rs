//! Who may see what, decided in one place: the middleware on `/dashboard` finds the session behind
//! the cookie, refuses what the path's [`Access`] does not allow, and leaves the [`Viewer`] in the
//! request for the handlers. Forms carry the session's CSRF token, checked by [`crate::forms`].

use actix_web::ResponseError;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpRequest, web};
use wabot_app::{Operator, Operators, Role, utc_now};

use crate::error::ConsoleError;
use crate::routes::{ASSETS, CAMPAIGNS, LOGIN, USERS};
use crate::state::ConsoleState;
use crate::tokens::session_hash;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "wabot_session";

/// Who a path is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone (the sign-in page, the stylesheet and script).
    Public,
    /// Any signed-in operator.
    Operator,
    /// Signed-in administrators.
    Admin,
}

/// `path` with every `%XX` decoded (invalid sequences kept as they are). The router matches routes
/// on a decoded path, so access must be decided on one too: `/dashboard/%75sers` is `/users`.
fn decoded(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[at] == b'%'
            && let (Some(high), Some(low)) = (
                bytes.get(at + 1).copied().and_then(hex),
                bytes.get(at + 2).copied().and_then(hex),
            )
        {
            // Two hex digits make one byte (at most 0xFF), so the conversion cannot fail.
            out.push(u8::try_from(high * 16 + low).unwrap_or(b'%'));
            at += 3;
        } else {
            out.push(bytes[at]);
            at += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The access rule of a console path (the one list of them), decided on the decoded path.
pub fn access(path: &str) -> Access {
    let path = decoded(path);
    let path = path.as_str();
    let under = |prefix: &str| {
        path == prefix
            || path
                .strip_prefix(prefix)
                .is_some_and(|rest| rest.starts_with('/'))
    };
    // Pausing, resuming or cancelling a campaign: `/dashboard/campaigns/{id}/control`.
    let campaign_control = path
        .strip_prefix(CAMPAIGNS)
        .and_then(|rest| rest.strip_prefix('/'))
        .is_some_and(|rest| rest.split('/').nth(1).is_some());
    if under(LOGIN) || under(ASSETS) {
        Access::Public
    } else if under(USERS) || campaign_control {
        Access::Admin
    } else {
        Access::Operator
    }
}

/// The signed-in operator of a request, and their session's CSRF token.
#[derive(Clone, Debug)]
pub struct Viewer {
    /// Who.
    pub operator: Operator,
    /// The token their forms carry.
    pub csrf: String,
    /// The hash their session is stored by (for logout).
    pub session_hash: String,
}

impl Viewer {
    /// Whether they are an administrator.
    pub fn is_admin(&self) -> bool {
        self.operator.role == Role::Admin
    }
}

fn is_htmx(request: &HttpRequest) -> bool {
    request.headers().contains_key("HX-Request")
}

/// The live session behind the request's cookie, if any.
pub async fn viewer_of<S: Operators>(
    request: &HttpRequest,
    state: &ConsoleState<S>,
) -> Result<Option<Viewer>, ConsoleError> {
    let Some(cookie) = request.cookie(SESSION_COOKIE) else {
        return Ok(None);
    };
    let hash = session_hash(cookie.value());
    let now = utc_now();
    let session = state
        .store
        .session(
            &hash,
            now,
            now - state.config.idle_timeout,
            now - state.config.max_session,
        )
        .await?;
    Ok(session.map(|session| Viewer {
        operator: session.operator,
        csrf: session.csrf_token,
        session_hash: hash,
    }))
}

/// The viewer a request may go on with, or the error that answers it.
async fn admit<S: Operators + 'static>(
    request: &ServiceRequest,
    needed: Access,
) -> Result<Viewer, ConsoleError> {
    let state = request
        .app_data::<web::Data<ConsoleState<S>>>()
        .cloned()
        .ok_or_else(|| ConsoleError::Internal("the console's state is missing".into()))?;
    let viewer =
        viewer_of(request.request(), &state)
            .await?
            .ok_or_else(|| ConsoleError::NotSignedIn {
                htmx: is_htmx(request.request()),
            })?;
    if needed == Access::Admin && !viewer.is_admin() {
        return Err(ConsoleError::AdminOnly);
    }
    Ok(viewer)
}

/// The middleware: signs the request in, or answers it (as a response, so the security headers
/// are added to it like to any page) with the sign-in redirect or a 403.
pub async fn guard<S, B>(
    request: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<EitherBody<B>>, actix_web::Error>
where
    S: Operators + 'static,
    B: MessageBody,
{
    let needed = access(request.path());
    if needed != Access::Public {
        match admit::<S>(&request, needed).await {
            Ok(viewer) => {
                request.extensions_mut().insert(viewer);
            }
            Err(refusal) => {
                let response = refusal.error_response().map_into_right_body();
                return Ok(request.into_response(response));
            }
        }
    }
    Ok(next.call(request).await?.map_into_left_body())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_path_has_its_rule() {
        for (path, rule) in [
            ("/dashboard/login", Access::Public),
            ("/dashboard/assets/pico.1234.css", Access::Public),
            ("/dashboard/loginx", Access::Operator),
            ("/dashboard", Access::Operator),
            ("/dashboard/conversations", Access::Operator),
            ("/dashboard/tickets/3", Access::Operator),
            ("/dashboard/tickets/3/media/1", Access::Operator),
            ("/dashboard/users", Access::Admin),
            ("/dashboard/users/ana/role", Access::Admin),
            ("/dashboard/usersx", Access::Operator),
            ("/dashboard/%75sers", Access::Admin),
            ("/dashboard/%75sers/ana", Access::Admin),
            ("/dashboard%2Fusers", Access::Admin),
            ("/dashboard/%zz", Access::Operator),
            ("/dashboard/campaigns", Access::Operator),
            ("/dashboard/campaigns/7", Access::Operator),
            ("/dashboard/campaigns/7/control", Access::Admin),
            ("/dashboard/campaigns/7/anything/else", Access::Admin),
            ("/dashboard/%63ampaigns/7/control", Access::Admin),
        ] {
            assert_eq!(access(path), rule, "{path}");
        }
    }
}
