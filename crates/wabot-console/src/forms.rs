//! [`CsrfForm`]: the one way a console handler reads a form. It refuses (403) a form whose `csrf`
//! field is not the signed-in session's token, so a page elsewhere cannot post to the console
//! with an operator's cookie. A browser's ordinary form post passes: the token is a hidden field.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::error::ConsoleError;
use crate::guard::Viewer;
use crate::tokens::same_token;

/// The form's CSRF field, read before anything else in it.
#[derive(Default, Deserialize)]
struct CsrfField {
    #[serde(default)]
    csrf: String,
}

/// A form posted by the signed-in operator, its token checked first (a form without the right
/// token is refused before its other fields are looked at).
pub struct CsrfForm<T> {
    /// The form's fields (a `csrf` field among them is ignored).
    pub fields: T,
    /// Who posted it.
    pub viewer: Viewer,
}

impl<T: DeserializeOwned + 'static> FromRequest for CsrfForm<T> {
    type Error = ConsoleError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ConsoleError>>>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let viewer = request.extensions().get::<Viewer>().cloned();
        let body = web::Bytes::from_request(request, payload);
        Box::pin(async move {
            let viewer = viewer.ok_or(ConsoleError::NotSignedIn { htmx: false })?;
            let body = body.await.map_err(|e| {
                ConsoleError::BadRequest(format!("The form could not be read: {e}"))
            })?;
            let token: CsrfField = serde_urlencoded::from_bytes(&body).unwrap_or_default();
            if !same_token(&token.csrf, &viewer.csrf) {
                return Err(ConsoleError::BadCsrf);
            }
            let fields = serde_urlencoded::from_bytes(&body)
                .map_err(|e| ConsoleError::BadRequest(format!("The form is incomplete: {e}")))?;
            Ok(Self { fields, viewer })
        })
    }
}
