//! Keyset paging for the admin API: `limit` (1–200, default 50) and an opaque `cursor` taken from the
//! previous page's `next_cursor`. Bad values are 422s naming the parameter.

use serde::Deserialize;
use utoipa::IntoParams;
use wabot_app::Page;

use crate::error::ApiError;

/// Rows per page when `limit` is not given.
pub const DEFAULT_LIMIT: i64 = 50;
/// The most rows a page may ask for.
pub const MAX_LIMIT: i64 = 200;

/// The paging query parameters, as sent (checked by [`Paging::page`]).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Paging {
    /// Rows per page, 1–200 (default 50).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 200)]
    pub limit: Option<String>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl Paging {
    /// The page to read: one row more than asked, to know whether another page follows.
    pub fn page(&self) -> Result<Page, ApiError> {
        let limit = match &self.limit {
            None => DEFAULT_LIMIT,
            Some(text) => text
                .parse::<i64>()
                .ok()
                .filter(|limit| (1..=MAX_LIMIT).contains(limit))
                .ok_or_else(|| {
                    ApiError::invalid("limit", format!("must be a number from 1 to {MAX_LIMIT}"))
                })?,
        };
        let after = self
            .cursor
            .as_deref()
            .map(|cursor| {
                cursor
                    .strip_prefix('c')
                    .and_then(|id| id.parse::<i64>().ok())
                    .filter(|id| *id >= 0)
                    .ok_or_else(|| ApiError::invalid("cursor", "is not a cursor this API gave out"))
            })
            .transpose()?;
        Ok(Page {
            limit: limit + 1,
            after,
        })
    }
}

/// Cuts the extra row off `rows` (read with [`Paging::page`]) and makes the next cursor from the last
/// row kept.
pub fn split<T>(mut rows: Vec<T>, page: Page, id: impl Fn(&T) -> i64) -> (Vec<T>, Option<String>) {
    let limit = usize::try_from(page.limit - 1).unwrap_or(0);
    if rows.len() <= limit {
        return (rows, None);
    }
    rows.truncate(limit);
    let next = rows.last().map(|row| format!("c{}", id(row)));
    (rows, next)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paging(limit: Option<&str>, cursor: Option<&str>) -> Paging {
        Paging {
            limit: limit.map(str::to_owned),
            cursor: cursor.map(str::to_owned),
        }
    }

    #[test]
    fn limits_and_cursors_are_checked() {
        assert_eq!(
            paging(None, None).page().unwrap(),
            Page {
                limit: 51,
                after: None
            }
        );
        assert_eq!(
            paging(Some("2"), Some("c17")).page().unwrap(),
            Page {
                limit: 3,
                after: Some(17)
            }
        );
        for (limit, cursor, field) in [
            (Some("0"), None, "limit"),
            (Some("201"), None, "limit"),
            (Some("ten"), None, "limit"),
            (None, Some("17"), "cursor"),
            (None, Some("c-1"), "cursor"),
        ] {
            let error = paging(limit, cursor).page().unwrap_err();
            assert!(
                matches!(&error, ApiError::Invalid { field: f, .. } if f == field),
                "{error}"
            );
        }
    }

    #[test]
    fn a_full_page_gives_a_cursor_to_the_next() {
        let page = Page {
            limit: 3,
            after: None,
        };
        assert_eq!(
            split(vec![1, 2, 3], page, |n| *n),
            (vec![1, 2], Some("c2".into()))
        );
        assert_eq!(split(vec![1, 2], page, |n| *n), (vec![1, 2], None));
    }
}
