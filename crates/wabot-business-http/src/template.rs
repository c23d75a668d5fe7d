//! [`UrlTemplate`]: a URL with `{customer}`, `{order}`, `{from}` and `{until}` placeholders, checked
//! once at start (an unknown or unclosed placeholder, a placeholder the lookup cannot fill, a scheme
//! other than http(s)) and filled per lookup with each value percent-encoded, so a value can never
//! add a path segment, a query parameter or a fragment.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Everything but RFC 3986's unreserved characters is encoded.
const VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The placeholders a template may use.
pub const PLACEHOLDERS: [&str; 4] = ["customer", "order", "from", "until"];

/// A part of a template: literal text, or a placeholder's name.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Part {
    Text(String),
    Value(&'static str),
}

/// A checked URL template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UrlTemplate {
    parts: Vec<Part>,
}

/// Why a template was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    /// Not an http:// or https:// URL.
    #[error("must start with https:// (or http://)")]
    Scheme,
    /// `{name}` is not one of [`PLACEHOLDERS`].
    #[error("unknown placeholder `{{{0}}}` (use {{customer}}, {{order}}, {{from}}, {{until}})")]
    Unknown(String),
    /// A `{` without its `}`, or a `}` alone.
    #[error("unbalanced `{{` or `}}`")]
    Unbalanced,
    /// A placeholder this template's lookups cannot fill.
    #[error("`{{{0}}}` cannot be used here (allowed: {1})")]
    NotHere(String, String),
    /// A placeholder this template's lookups need is missing.
    #[error("must contain `{{{0}}}`")]
    Missing(&'static str),
}

impl UrlTemplate {
    /// Parses `text`, allowing only the placeholders in `allowed` and requiring those in
    /// `required`.
    pub fn parse(
        text: &str,
        allowed: &[&'static str],
        required: &[&'static str],
    ) -> Result<Self, TemplateError> {
        let text = text.trim();
        if !(text.starts_with("https://") || text.starts_with("http://")) {
            return Err(TemplateError::Scheme);
        }
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some(open) = rest.find(['{', '}']) {
            let (before, after) = rest.split_at(open);
            if after.starts_with('}') {
                return Err(TemplateError::Unbalanced);
            }
            let close = after.find('}').ok_or(TemplateError::Unbalanced)?;
            let name = &after[1..close];
            if name.contains('{') {
                return Err(TemplateError::Unbalanced);
            }
            let known = PLACEHOLDERS
                .iter()
                .find(|known| **known == name)
                .ok_or_else(|| TemplateError::Unknown(name.to_owned()))?;
            if !allowed.contains(known) {
                return Err(TemplateError::NotHere(name.to_owned(), allowed.join(", ")));
            }
            if !before.is_empty() {
                parts.push(Part::Text(before.to_owned()));
            }
            parts.push(Part::Value(known));
            rest = &after[close + 1..];
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest.to_owned()));
        }
        for name in required {
            if !parts.contains(&Part::Value(name)) {
                return Err(TemplateError::Missing(name));
            }
        }
        Ok(Self { parts })
    }

    /// The URL with each placeholder replaced by its value from `values` (percent-encoded; a
    /// placeholder without a value becomes empty).
    pub fn fill(&self, values: &[(&str, &str)]) -> String {
        let mut url = String::new();
        for part in &self.parts {
            match part {
                Part::Text(text) => url.push_str(text),
                Part::Value(name) => {
                    let value = values.iter().find(|(key, _)| key == name);
                    if let Some((_, value)) = value {
                        url.extend(utf8_percent_encode(value, VALUE));
                    }
                }
            }
        }
        url
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    const ALL: &[&str] = &PLACEHOLDERS;

    #[test]
    fn values_are_encoded_so_they_stay_one_segment() {
        let template = UrlTemplate::parse(
            "https://shop.example/api/customers/{customer}/orders/{order}?v=1",
            ALL,
            &["customer", "order"],
        )
        .unwrap();
        let url = template.fill(&[("customer", "34600 1/2?x=1#y"), ("order", "ORD-001")]);
        assert_eq!(
            url,
            "https://shop.example/api/customers/34600%201%2F2%3Fx%3D1%23y/orders/ORD-001?v=1"
        );
    }

    #[test]
    fn bad_templates_are_refused_with_the_reason() {
        let parse = |text| UrlTemplate::parse(text, &["customer"], &["customer"]);
        assert_eq!(parse("ftp://x/{customer}"), Err(TemplateError::Scheme));
        assert_eq!(
            parse("https://x/{customr}"),
            Err(TemplateError::Unknown("customr".into()))
        );
        assert_eq!(parse("https://x/{customer"), Err(TemplateError::Unbalanced));
        assert_eq!(parse("https://x/customer}"), Err(TemplateError::Unbalanced));
        assert_eq!(
            parse("https://x/orders"),
            Err(TemplateError::Missing("customer"))
        );
        assert!(matches!(
            parse("https://x/{customer}/{order}"),
            Err(TemplateError::NotHere(name, _)) if name == "order"
        ));
        assert!(
            TemplateError::Unknown("customr".into())
                .to_string()
                .contains("`{customr}`")
        );
    }
}
