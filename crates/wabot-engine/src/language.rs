//! Languages: a customer-visible value as written in the menu file (one for all languages, or one per
//! language), the compiled per-language text [`Tr`], and which language a conversation speaks.
//!
//! A menu declares its languages in `settings.languages`, the first being the default. The language
//! of a conversation is the customer's explicit choice (a `[languages.words]` word), else the one
//! `[languages.by_calling_code]` gives the customer's phone number, else the default.

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::{SeqAccessDeserializer, StrDeserializer};
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use toml::Spanned;

/// A value written once (a string or a list) or once per language (`{ en = …, es = … }`).
#[derive(Debug)]
pub(crate) enum RawLocal<T> {
    /// One value: the default language's text, or, for word lists, the words of every language.
    One(T),
    /// One value per language code, in file order.
    PerLanguage(Vec<(String, Spanned<T>)>),
}

/// A customer-visible text as written.
pub(crate) type RawText = RawLocal<String>;

impl<'de, T: Deserialize<'de>> Deserialize<'de> for RawLocal<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(LocalVisitor(PhantomData))
    }
}

struct LocalVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for LocalVisitor<T> {
    type Value = RawLocal<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value, or a table of one value per language such as { en = …, es = … }")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
        T::deserialize(StrDeserializer::<E>::new(text)).map(RawLocal::One)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        T::deserialize(SeqAccessDeserializer::new(seq)).map(RawLocal::One)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut values = Vec::new();
        while let Some(language) = map.next_key::<String>()? {
            values.push((language, map.next_value::<Spanned<T>>()?));
        }
        Ok(RawLocal::PerLanguage(values))
    }
}

/// A compiled customer-visible text: one per language of the menu, in `settings.languages` order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Tr(pub Vec<String>);

impl Tr {
    /// The same text in `count` languages.
    pub fn same(text: &str, count: usize) -> Self {
        Self(vec![text.to_owned(); count.max(1)])
    }

    /// The text in language `lang` (the default language's when the index is out of range).
    pub fn get(&self, lang: usize) -> &str {
        self.0
            .get(lang)
            .or_else(|| self.0.first())
            .map_or("", String::as_str)
    }
}

/// How a menu's languages are chosen, compiled from `settings.languages` and `[languages]`.
#[derive(Debug)]
pub(crate) struct Languages {
    /// The language codes, the default first. A menu that declares none has one, `en`.
    pub codes: Vec<String>,
    /// Whether the menu file declared its languages (otherwise conversations record none).
    pub declared: bool,
    /// Calling codes (or longer number prefixes) and the language they default to.
    pub by_calling_code: Vec<(String, usize)>,
}

impl Languages {
    /// The languages of a menu that declares none.
    pub fn undeclared() -> Self {
        Self {
            codes: vec!["en".to_owned()],
            declared: false,
            by_calling_code: Vec::new(),
        }
    }

    /// The index of a language code.
    pub fn index(&self, code: &str) -> Option<usize> {
        self.codes.iter().position(|known| known == code)
    }

    /// The language a customer's phone number suggests: the longest configured prefix of the
    /// digits of `customer` (a WhatsApp id is the number without `+`; a user id has no digits).
    pub fn for_number(&self, customer: &str) -> Option<usize> {
        let digits = customer.strip_prefix('+').unwrap_or(customer);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        self.by_calling_code
            .iter()
            .filter(|(prefix, _)| digits.starts_with(prefix.as_str()))
            .max_by_key(|(prefix, _)| prefix.len())
            .map(|&(_, lang)| lang)
    }
}

/// Whether `code` is a language code the menu file may use: 2 or 3 lowercase letters, optionally a
/// region or script after a hyphen (`pt-br`).
pub(crate) fn is_language_code(code: &str) -> bool {
    let (language, rest) = code.split_once('-').unwrap_or((code, ""));
    let language_ok =
        (2..=3).contains(&language.len()) && language.bytes().all(|b| b.is_ascii_lowercase());
    let rest_ok = !code.contains('-')
        || ((2..=8).contains(&rest.len())
            && rest
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
    language_ok && rest_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_codes_are_short_lowercase_tags() {
        for good in ["en", "es", "pt", "pt-br", "zh-hans", "fil"] {
            assert!(is_language_code(good), "{good}");
        }
        for bad in ["", "e", "EN", "english", "pt-", "pt_br", "es-ÑÑ"] {
            assert!(!is_language_code(bad), "{bad}");
        }
    }

    #[test]
    fn the_longest_calling_code_prefix_wins() {
        let languages = Languages {
            codes: vec!["en".into(), "es".into(), "pt".into()],
            declared: true,
            by_calling_code: vec![("1".into(), 0), ("1809".into(), 1), ("55".into(), 2)],
        };
        assert_eq!(languages.for_number("18095551234"), Some(1));
        assert_eq!(languages.for_number("15551234567"), Some(0));
        assert_eq!(languages.for_number("+5511987654321"), Some(2));
        assert_eq!(languages.for_number("34600111222"), None);
        assert_eq!(languages.for_number("US.1349"), None);
        assert_eq!(languages.for_number(""), None);
    }

    #[test]
    fn a_value_is_written_once_or_per_language() {
        #[derive(serde::Deserialize)]
        struct File {
            plain: Spanned<RawText>,
            table: Spanned<RawText>,
            dotted: RawText,
            words: RawLocal<Vec<String>>,
        }
        let file: File = toml::from_str(
            "plain = \"Hi\"\ntable = { en = \"Hi\", es = \"Hola\" }\ndotted.en = \"A\"\n\
             dotted.es = \"B\"\nwords = [\"hi\", \"hello\"]\n",
        )
        .unwrap_or_else(|error| panic!("{error}"));
        assert!(matches!(file.plain.get_ref(), RawLocal::One(text) if text == "Hi"));
        let RawLocal::PerLanguage(table) = file.table.into_inner() else {
            panic!("a table");
        };
        assert_eq!(table[1].0, "es");
        assert_eq!(table[1].1.get_ref(), "Hola");
        assert!(matches!(file.dotted, RawLocal::PerLanguage(ref list) if list.len() == 2));
        assert!(matches!(file.words, RawLocal::One(ref list) if list.len() == 2));
    }
}
