//! Unknown keys in a menu file, every one of them: the file is read with serde ignoring keys it does
//! not know, and each ignored key becomes a problem at its own line naming the keys allowed there
//! (as serde's own "unknown field" error would, had it not stopped at the first).

use serde::de::{self, Deserialize, Deserializer, Visitor};
use toml::Spanned;

use crate::definition::{
    RawField, RawLanguages, RawMenu, RawNode, RawOption, RawSettings, RawWords,
};
use crate::error::Problem;

/// A deserializer that only records the field names a struct asks for.
struct FieldNames(&'static [&'static str]);

impl<'de> Deserializer<'de> for &mut FieldNames {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("names only"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Self::Error> {
        self.0 = fields;
        Err(de::Error::custom("names only"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option
        unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
    }
}

/// The keys struct `T` accepts.
fn names_of<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
    let mut names = FieldNames(&[]);
    let _ = T::deserialize(&mut names);
    names.0
}

/// The keys allowed where the ignored key at `path` stands.
fn allowed(path: &[&str]) -> &'static [&'static str] {
    match path {
        ["node", _, "options", _, _] => names_of::<RawOption>(),
        ["node", _, "fields", _, _] => names_of::<RawField>(),
        ["node", _, _] => names_of::<RawNode>(),
        ["settings", _] => names_of::<RawSettings>(),
        ["words", _] => names_of::<RawWords>(),
        ["languages", _] => names_of::<RawLanguages>(),
        _ => &[
            "settings",
            "words",
            "texts",
            "languages",
            "business_hours",
            "node",
        ],
    }
}

/// Where to look for the key: inside its option, field or node when it is in one, after its
/// section's header when it is in one, else anywhere.
fn region(raw: &RawMenu, source: &str, path: &[&str]) -> usize {
    let index = |at: Option<&&str>| at.and_then(|n| n.parse::<usize>().ok());
    let node = index(path.get(1)).and_then(|n| raw.nodes.get(n));
    match (path.first(), node) {
        (Some(&"node"), Some(node)) => {
            let inner = index(path.get(3));
            let span = match (path.get(2), inner) {
                (Some(&"options"), Some(i)) => node.get_ref().options.get(i).map(Spanned::span),
                (Some(&"fields"), Some(i)) => node.get_ref().fields.get(i).map(Spanned::span),
                _ => None,
            };
            span.unwrap_or(node.span()).start
        }
        (Some(section), _) if path.len() == 2 => {
            source.find(&format!("[{section}]")).unwrap_or_default()
        }
        _ => 0,
    }
}

/// The byte offset of `key` written as a key (before `=`, or as a `[table]` header) from `from`.
fn key_offset(source: &str, from: usize, key: &str) -> Option<usize> {
    let rest = source.get(from..)?;
    let mut searched = 0;
    while let Some(at) = rest[searched..].find(key) {
        let start = searched + at;
        let end = start + key.len();
        let before = rest[..start].chars().next_back();
        let after = rest[end..].trim_start_matches([' ', '\t']).chars().next();
        let starts_key = before.is_none_or(|c| c.is_whitespace() || "{,[".contains(c));
        if starts_key && matches!(after, Some('=' | ']')) {
            return Some(from + start);
        }
        searched = end;
    }
    None
}

/// Reads `source`, ignoring unknown keys; returns the menu and a problem for each unknown key.
pub(crate) fn read(
    source: &str,
    line_of: impl Fn(usize) -> usize,
) -> Result<(RawMenu, Vec<Problem>), toml::de::Error> {
    let mut ignored: Vec<String> = Vec::new();
    let deserializer = toml::Deserializer::parse(source)?;
    let raw: RawMenu =
        serde_ignored::deserialize(deserializer, |path| ignored.push(path.to_string()))?;
    let problems = ignored
        .iter()
        .map(|path| {
            // `Spanned` values add a level of their own to the path: not a key of the file.
            let segments: Vec<&str> = path
                .split('.')
                .filter(|segment| !segment.starts_with("$__"))
                .collect();
            let key = segments.last().copied().unwrap_or_default();
            let from = region(&raw, source, &segments);
            let line = key_offset(source, from, key).map_or(0, &line_of);
            let expected = allowed(&segments)
                .iter()
                .map(|name| format!("`{name}`"))
                .collect::<Vec<_>>()
                .join(", ");
            Problem {
                line,
                message: format!("unknown field `{key}`, expected one of {expected}"),
            }
        })
        .collect();
    Ok((raw, problems))
}
