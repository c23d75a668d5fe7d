//! What every page shares: the [`Layout`] its template extends (title, section, who is signed in,
//! the CSRF token for the sign-out form, the asset paths), answering with HTML, and showing a
//! customer's number (masked to its last four digits for agents unless the business allows it).

use actix_web::HttpResponse;
use actix_web::http::header;
use askama::Template;
use chrono::{DateTime, Utc};

use crate::assets;
use crate::error::ConsoleError;
use crate::guard::Viewer;

/// The frame of a page.
pub struct Layout {
    /// The page's title.
    pub title: String,
    /// Which navigation entry is current (`overview`, `conversations`, …).
    pub section: &'static str,
    /// The operator's name.
    pub operator: String,
    /// Whether they are an administrator (the Users entry).
    pub is_admin: bool,
    /// The session's CSRF token (for the sign-out form).
    pub csrf: String,
}

impl Layout {
    /// The frame for `viewer`.
    pub fn new(viewer: &Viewer, title: impl Into<String>, section: &'static str) -> Self {
        Self {
            title: title.into(),
            section,
            operator: viewer.operator.name.clone(),
            is_admin: viewer.is_admin(),
            csrf: viewer.csrf.clone(),
        }
    }

    /// Pico CSS's path.
    pub fn pico(&self) -> &'static str {
        assets::pico()
    }

    /// htmx's path.
    pub fn htmx(&self) -> &'static str {
        assets::htmx()
    }

    /// Our stylesheet's path.
    pub fn console_css(&self) -> &'static str {
        assets::console_css()
    }

    /// `aria-current` for a navigation entry.
    pub fn current(&self, section: &str) -> &'static str {
        if self.section == section {
            "page"
        } else {
            "false"
        }
    }
}

/// A rendered template as an HTML answer.
pub fn html(template: &impl Template) -> Result<HttpResponse, ConsoleError> {
    let body = template
        .render()
        .map_err(|e| ConsoleError::Internal(format!("a template failed: {e}")))?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .body(body))
}

/// A redirect after a form (303: the browser follows with a GET).
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

/// A phone number or user id as `viewer` may see it: whole for administrators (and for agents
/// when `agents_see_numbers`), else `•••• 4321`.
pub fn shown_number(id: Option<&str>, viewer: &Viewer, agents_see_numbers: bool) -> String {
    let Some(id) = id else {
        return "—".to_owned();
    };
    if viewer.is_admin() || agents_see_numbers {
        return id.to_owned();
    }
    let tail: String = id
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    format!("•••• {tail}")
}

/// A time as the console shows it: `2026-11-29 14:05 UTC`.
pub fn when(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// A duration in milliseconds as people read it: `850 ms`, `2.4 s`, `3.1 min`.
pub fn duration(millis: i64) -> String {
    // Durations shown are far below 2^52 ms, so the conversions to f64 are exact.
    match millis {
        ..1_000 => format!("{millis} ms"),
        1_000..60_000 => format!("{:.1} s", millis as f64 / 1_000.0),
        _ => format!("{:.1} min", millis as f64 / 60_000.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(850), "850 ms");
        assert_eq!(duration(2_400), "2.4 s");
        assert_eq!(duration(186_000), "3.1 min");
    }
}
