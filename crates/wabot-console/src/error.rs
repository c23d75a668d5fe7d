//! Why a console request failed, and the page each failure answers with: a sign-in redirect, a
//! 403 that says which role is needed, a 404, or a "try again" page when the database is away.
//! Details of internal errors go to the log, never to the page.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use askama::Template;
use wabot_app::StoreError;

/// A failed console request.
#[derive(Debug, thiserror::Error)]
pub enum ConsoleError {
    /// No live session: go to the sign-in page.
    #[error("not signed in")]
    NotSignedIn {
        /// Whether htmx made the request (it is told where to go instead of following a redirect).
        htmx: bool,
    },
    /// Signed in, but the role does not allow this page.
    #[error("this page is for administrators")]
    AdminOnly,
    /// A state-changing request without this session's CSRF token.
    #[error("the form's security token is missing or out of date")]
    BadCsrf,
    /// Nothing at this address.
    #[error("not found: {0}")]
    NotFound(String),
    /// The request is malformed; the text says how.
    #[error("{0}")]
    BadRequest(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Something of ours failed (a template, the random generator).
    #[error("internal error: {0}")]
    Internal(String),
}

/// The page every error answers with.
#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    title: &'a str,
    message: &'a str,
    next: &'a str,
}

impl ResponseError for ConsoleError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::NotSignedIn { htmx: true } => StatusCode::UNAUTHORIZED,
            Self::NotSignedIn { htmx: false } => StatusCode::SEE_OTHER,
            Self::AdminOnly | Self::BadCsrf => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Store(StoreError::Unavailable { .. }) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Store(StoreError::StaleSession { .. } | StoreError::Conflict(_)) => {
                StatusCode::CONFLICT
            }
            Self::Store(_) | Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        if let Self::NotSignedIn { htmx } = self {
            let header = if *htmx { "HX-Redirect" } else { "Location" };
            return HttpResponse::build(status)
                .insert_header((header, crate::routes::LOGIN))
                .finish();
        }
        let (title, message, next) = match self {
            Self::AdminOnly => (
                "Administrators only",
                "This page is for administrators. Ask one to change your role if you need it.",
                "Back to the overview",
            ),
            Self::BadCsrf => (
                "The form expired",
                "The form's security token is missing or out of date (it changes when you sign \
                 in again). Reload the page and send it again.",
                "Back to the overview",
            ),
            Self::NotFound(_) => (
                "Not found",
                "There is nothing at this address.",
                "Back to the overview",
            ),
            Self::BadRequest(text) => ("Cannot do that", text.as_str(), "Back to the overview"),
            Self::Store(StoreError::StaleSession { .. } | StoreError::Conflict(_)) => (
                "Changed meanwhile",
                "The conversation changed while you acted (a new message, or another agent). \
                 Go back, reload the page and try again.",
                "Back to the overview",
            ),
            Self::Store(StoreError::Unavailable { .. }) => (
                "The database is unavailable",
                "The console cannot reach its database right now. Try again in a minute; if it \
                 lasts, check the server's log and /ready.",
                "Try the overview",
            ),
            Self::Store(_) | Self::Internal(_) | Self::NotSignedIn { .. } => (
                "Something went wrong",
                "The server could not answer this page. The details are in its log.",
                "Back to the overview",
            ),
        };
        if status.is_server_error() {
            tracing::error!(error = %self, "console page failed");
        }
        let page = ErrorPage {
            title,
            message,
            next,
        };
        let body = page.render().unwrap_or_else(|_| message.to_owned());
        let mut response = HttpResponse::build(status).body(body);
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        response
    }
}
