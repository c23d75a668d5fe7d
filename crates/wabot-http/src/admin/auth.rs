//! Bearer authentication for the admin API. The configured token is kept only as an HMAC tag under a
//! key made at start; a presented token is checked by `ring::hmac::verify`, which compares in constant
//! time and whatever the lengths. An empty configured token disables the admin API.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::AUTHORIZATION;
use actix_web::middleware::Next;
use actix_web::web;
use ring::hmac;
use ring::rand::SystemRandom;

use crate::error::ApiError;

/// The admin token, as a tag that cannot be turned back into it.
pub struct AdminToken {
    check: Option<(hmac::Key, hmac::Tag)>,
}

/// Why a token could not be prepared.
#[derive(Debug, thiserror::Error)]
#[error("the system random number generator failed")]
pub struct RandomError;

impl AdminToken {
    /// Prepares `token`; an empty one (after trimming) disables the admin API.
    pub fn new(token: &str) -> Result<Self, RandomError> {
        let token = token.trim();
        if token.is_empty() {
            return Ok(Self { check: None });
        }
        let key = hmac::Key::generate(hmac::HMAC_SHA256, &SystemRandom::new())
            .map_err(|_| RandomError)?;
        let tag = hmac::sign(&key, token.as_bytes());
        Ok(Self {
            check: Some((key, tag)),
        })
    }

    /// Whether the admin API is enabled.
    pub fn enabled(&self) -> bool {
        self.check.is_some()
    }

    /// Checks an `Authorization` header value.
    pub fn authorize(&self, header: Option<&[u8]>) -> Result<(), ApiError> {
        let Some((key, tag)) = &self.check else {
            return Err(ApiError::Unauthorized(
                "the admin API is disabled: set admin.api_token (WABOT__ADMIN__API_TOKEN)",
            ));
        };
        let presented = header
            .and_then(|value| {
                let (scheme, token) = value.split_at_checked(7)?;
                scheme.eq_ignore_ascii_case(b"bearer ").then_some(token)
            })
            .ok_or(ApiError::Unauthorized(
                "missing bearer token: send Authorization: Bearer <admin.api_token>",
            ))?;
        hmac::verify(key, presented.trim_ascii(), tag.as_ref())
            .map_err(|_| ApiError::Unauthorized("the bearer token is not valid"))
    }
}

/// Middleware for the `/api` scope: every request needs the admin token.
pub async fn require_admin(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<actix_web::body::EitherBody<impl MessageBody>>, actix_web::Error> {
    let verdict = match request.app_data::<web::Data<AdminToken>>() {
        Some(token) => token.authorize(
            request
                .headers()
                .get(AUTHORIZATION)
                .map(|value| value.as_bytes()),
        ),
        None => Err(ApiError::Unauthorized("the admin API is not configured")),
    };
    match verdict {
        Ok(()) => Ok(next.call(request).await?.map_into_left_body()),
        Err(error) => {
            tracing::warn!(%error, "admin request refused");
            let response = actix_web::ResponseError::error_response(&error);
            Ok(request.into_response(response).map_into_right_body())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_exact_token_passes() {
        let token = AdminToken::new("s3cret").unwrap();
        assert!(token.authorize(Some(b"Bearer s3cret")).is_ok());
        assert!(token.authorize(Some(b"bearer s3cret")).is_ok());
        for wrong in [
            &b"Bearer s3cre"[..],
            b"Bearer s3cret2",
            b"Basic s3cret",
            b"s3cret",
            b"Bearer ",
            b"",
        ] {
            assert!(token.authorize(Some(wrong)).is_err(), "{wrong:?}");
        }
        assert!(token.authorize(None).is_err());
    }

    #[test]
    fn an_empty_token_disables_the_admin_api() {
        let token = AdminToken::new("  ").unwrap();
        assert!(!token.enabled());
        let error = token.authorize(Some(b"Bearer ")).unwrap_err();
        assert!(error.to_string().contains("disabled"));
    }
}
