//! The console's static files, built into the binary: Pico CSS and htmx (vendored, see
//! `assets/README.md`) and our few lines of CSS. Each is served under a name carrying its content
//! hash, so browsers may keep it for a year and still get a new one when it changes.

use std::sync::LazyLock;

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use ring::digest::{SHA256, digest};

use crate::error::ConsoleError;
use crate::routes::ASSETS;

/// One static file.
pub struct Asset {
    /// The path it is served at (with its hash).
    pub path: String,
    /// Its content.
    bytes: &'static [u8],
    /// Its media type.
    content_type: &'static str,
}

fn asset(stem: &str, extension: &str, bytes: &'static [u8], content_type: &'static str) -> Asset {
    let hash = hex::encode(&digest(&SHA256, bytes).as_ref()[..6]);
    Asset {
        path: format!("{ASSETS}/{stem}.{hash}.{extension}"),
        bytes,
        content_type,
    }
}

/// Pico CSS, htmx and ours, in that order.
pub static FILES: LazyLock<[Asset; 3]> = LazyLock::new(|| {
    [
        asset(
            "pico",
            "css",
            include_bytes!("../assets/pico-2.1.1.min.css"),
            "text/css; charset=utf-8",
        ),
        asset(
            "htmx",
            "js",
            include_bytes!("../assets/htmx-2.0.8.min.js"),
            "text/javascript; charset=utf-8",
        ),
        asset(
            "console",
            "css",
            include_bytes!("../assets/console.css"),
            "text/css; charset=utf-8",
        ),
    ]
});

/// The stylesheet's path.
pub fn pico() -> &'static str {
    &FILES[0].path
}

/// The script's path.
pub fn htmx() -> &'static str {
    &FILES[1].path
}

/// Our stylesheet's path.
pub fn console_css() -> &'static str {
    &FILES[2].path
}

/// `GET /dashboard/assets/{file}`.
pub async fn serve(file: web::Path<String>) -> Result<HttpResponse, ConsoleError> {
    let wanted = format!("{ASSETS}/{file}");
    let found = FILES
        .iter()
        .find(|asset| asset.path == wanted)
        .ok_or_else(|| ConsoleError::NotFound(wanted.clone()))?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, found.content_type))
        .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
        .body(found.bytes))
}
