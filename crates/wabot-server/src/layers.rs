//! The settings' layers, read strictly and remembering where each value came from: built-in
//! defaults (`config/default.toml` compiled in) < `DIR/default.toml` < `DIR/local.toml` < environment
//! variables `WABOT__SECTION__KEY`. Every key the built-in defaults name is a setting; any other key
//! in a file, or `WABOT__…` variable, is a problem naming the nearest valid key, and a value of the
//! wrong type keeps the default and is a problem too. A variable that starts with `WABOT_` but not
//! `WABOT__` (other than `WABOT_CONFIG_DIR`) is only warned about: it may be meant for something else.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::suggest::nearest;

/// The built-in defaults: `config/default.toml` itself, compiled in, so that every key has a value
/// (written once, in that file) even where the file is not on disk.
pub const EMBEDDED_DEFAULTS: &str = include_str!("../../../config/default.toml");

/// The environment variable that names the configuration folder (like `--config`).
pub const CONFIG_DIR_VAR: &str = "WABOT_CONFIG_DIR";

/// The prefix of a setting's environment variable.
const ENV_PREFIX: &str = "WABOT__";

/// Where the settings files are read from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigDir {
    /// The folder holding `default.toml` and the optional `local.toml`.
    pub path: PathBuf,
    /// Whether it was named (`--config` or `WABOT_CONFIG_DIR`): then relative paths in the settings
    /// are resolved against it; otherwise it is `config/` and they stay relative to the working
    /// directory.
    pub explicit: bool,
}

impl ConfigDir {
    /// `--config` if given, else `WABOT_CONFIG_DIR` if set and not empty, else `config/`.
    pub fn choose(flag: Option<PathBuf>, env: Option<std::ffi::OsString>) -> Self {
        match flag.or_else(|| env.filter(|v| !v.is_empty()).map(PathBuf::from)) {
            Some(path) => Self {
                path,
                explicit: true,
            },
            None => Self {
                path: PathBuf::from("config"),
                explicit: false,
            },
        }
    }

    /// Where a path named in the settings is: as is when absolute or when no folder was named,
    /// else inside the named folder.
    pub fn resolve(&self, path: &str) -> String {
        if !self.explicit || Path::new(path).is_absolute() {
            return path.to_owned();
        }
        self.path.join(path).display().to_string()
    }
}

impl Default for ConfigDir {
    /// `config/`, not named.
    fn default() -> Self {
        Self::choose(None, None)
    }
}

/// Where one setting's value came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// The built-in defaults.
    Default,
    /// A settings file.
    File(PathBuf),
    /// An environment variable.
    Env(String),
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Default => f.write_str("default"),
            Self::File(path) => write!(f, "{}", path.display()),
            Self::Env(name) => write!(f, "env {name}"),
        }
    }
}

/// The layers merged: one table of every setting, each value's source, and what was wrong.
#[derive(Debug)]
pub struct Layers {
    /// `section → key → value`, every setting present.
    pub table: toml::Table,
    /// `section.key → source`.
    pub sources: BTreeMap<String, Source>,
    /// Unknown keys and variables, unreadable files, values of the wrong type.
    pub problems: Vec<String>,
    /// Variables that look like settings but are not read.
    pub warnings: Vec<String>,
}

/// Every dotted name `section.key` in a table of sections, in order.
pub fn keys(table: &toml::Table) -> Vec<String> {
    table
        .iter()
        .flat_map(|(section, keys)| {
            keys.as_table()
                .into_iter()
                .flat_map(|keys| keys.keys())
                .map(move |key| format!("{section}.{key}"))
        })
        .collect()
}

/// The environment variable that sets `section.key`.
pub fn env_name(key: &str) -> String {
    format!("{ENV_PREFIX}{}", key.replace('.', "__").to_uppercase())
}

fn type_name(value: &toml::Value) -> &'static str {
    match value {
        toml::Value::String(_) => "a string",
        toml::Value::Integer(_) => "a whole number",
        toml::Value::Float(_) => "a number",
        toml::Value::Boolean(_) => "true or false",
        toml::Value::Datetime(_) => "a date",
        toml::Value::Array(_) => "a list",
        toml::Value::Table(_) => "a table",
    }
}

/// `" (did you mean `X`?)"` for the nearest of `candidates`, or nothing.
fn did_you_mean<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    nearest(wrong, candidates).map_or_else(String::new, |best| format!("; did you mean `{best}`?"))
}

impl Layers {
    /// Reads the layers from `dir` and `env` (the process's variables, or a test's).
    pub fn read(dir: &ConfigDir, env: impl IntoIterator<Item = (String, String)>) -> Self {
        let mut layers = Self {
            table: toml::Table::new(),
            sources: BTreeMap::new(),
            problems: Vec::new(),
            warnings: Vec::new(),
        };
        match EMBEDDED_DEFAULTS.parse::<toml::Table>() {
            Ok(defaults) => layers.table = defaults,
            Err(error) => layers
                .problems
                .push(format!("the built-in defaults do not parse: {error}")),
        }
        for key in layers.keys() {
            layers.sources.insert(key, Source::Default);
        }
        if dir.explicit && !dir.path.is_dir() {
            layers.problems.push(format!(
                "the configuration folder {} does not exist (named by --config or {CONFIG_DIR_VAR})",
                dir.path.display()
            ));
        }
        for name in ["default.toml", "local.toml"] {
            layers.file(&dir.path.join(name));
        }
        let mut env: Vec<(String, String)> = env.into_iter().collect();
        env.sort();
        for (name, value) in env {
            layers.variable(&name, &value);
        }
        layers
    }

    /// Every setting's dotted name, in order.
    pub fn keys(&self) -> Vec<String> {
        keys(&self.table)
    }

    /// The current value of `section.key`, if it is a setting.
    fn current(&self, key: &str) -> Option<&toml::Value> {
        let (section, name) = key.split_once('.')?;
        self.table.get(section)?.as_table()?.get(name)
    }

    fn set(&mut self, key: &str, value: toml::Value, source: Source) {
        if let Some((section, name)) = key.split_once('.')
            && let Some(toml::Value::Table(keys)) = self.table.get_mut(section)
        {
            keys.insert(name.to_owned(), value);
            self.sources.insert(key.to_owned(), source);
        }
    }

    /// Reads one settings file, if it exists.
    fn file(&mut self, path: &Path) {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return,
            Err(error) => {
                self.problems
                    .push(format!("{}: cannot read it: {error}", path.display()));
                return;
            }
        };
        let file = match text.parse::<toml::Table>() {
            Ok(file) => file,
            Err(error) => {
                let message = error.message().trim();
                let line = error
                    .span()
                    .map(|span| text[..span.start.min(text.len())].lines().count().max(1));
                self.problems.push(match line {
                    Some(line) => format!("{}:{line}: {message}", path.display()),
                    None => format!("{}: {message}", path.display()),
                });
                return;
            }
        };
        let keys = self.keys();
        for (section, entries) in file {
            let Some(toml::Value::Table(entries)) = Some(entries).filter(toml::Value::is_table)
            else {
                let wanted = keys.iter().map(String::as_str);
                self.problems.push(format!(
                    "{}: `{section}` is not a setting (settings are `[section]` tables of keys){}",
                    path.display(),
                    did_you_mean(&section, wanted)
                ));
                continue;
            };
            if !self.table.contains_key(&section) {
                let sections: Vec<&String> = self.table.keys().collect();
                self.problems.push(format!(
                    "{}: unknown section `[{section}]`{}",
                    path.display(),
                    did_you_mean(&section, sections.iter().map(|s| s.as_str()))
                ));
                continue;
            }
            for (name, value) in entries {
                let key = format!("{section}.{name}");
                self.file_value(path, &key, value, &keys);
            }
        }
    }

    fn file_value(&mut self, path: &Path, key: &str, value: toml::Value, keys: &[String]) {
        let Some(default) = self.current(key) else {
            self.problems.push(format!(
                "{}: unknown key `{key}`{}",
                path.display(),
                did_you_mean(key, keys.iter().map(String::as_str))
            ));
            return;
        };
        if std::mem::discriminant(default) != std::mem::discriminant(&value) {
            self.problems.push(format!(
                "{}: `{key}` must be {}, not {}",
                path.display(),
                type_name(default),
                type_name(&value)
            ));
            return;
        }
        self.set(key, value, Source::File(path.to_owned()));
    }

    /// Reads one environment variable, if it is meant for wabot.
    fn variable(&mut self, name: &str, text: &str) {
        let keys = self.keys();
        let Some(rest) = name.strip_prefix(ENV_PREFIX) else {
            if name.starts_with("WABOT_") && name != CONFIG_DIR_VAR {
                let names: Vec<String> = keys.iter().map(|key| env_name(key)).collect();
                self.warnings.push(format!(
                    "environment variable `{name}` is ignored: a setting's variable is \
                     WABOT__SECTION__KEY, with two underscores{}",
                    did_you_mean(name, names.iter().map(String::as_str))
                ));
            }
            return;
        };
        let key = rest.to_lowercase().replacen("__", ".", 1);
        let Some(default) = self.current(&key).cloned() else {
            let names: Vec<String> = keys.iter().map(|key| env_name(key)).collect();
            self.problems.push(format!(
                "environment variable `{name}` is not a setting{}",
                did_you_mean(name, names.iter().map(String::as_str))
            ));
            return;
        };
        let value = match default {
            toml::Value::String(_) => Some(toml::Value::String(text.to_owned())),
            toml::Value::Integer(_) => text.trim().parse().ok().map(toml::Value::Integer),
            toml::Value::Boolean(_) => text.trim().parse().ok().map(toml::Value::Boolean),
            toml::Value::Float(_) => text.trim().parse().ok().map(toml::Value::Float),
            _ => None,
        };
        match value {
            Some(value) => self.set(&key, value, Source::Env(name.to_owned())),
            None => self.problems.push(format!(
                "environment variable `{name}` ({key}) must be {}, not `{text}`",
                type_name(&default)
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn nowhere() -> ConfigDir {
        ConfigDir::choose(Some(PathBuf::from("/nonexistent-wabot-config")), None)
    }

    #[test]
    fn unknown_variables_are_problems_that_name_the_nearest_setting() {
        let dir = ConfigDir::choose(None, None);
        let layers = Layers::read(
            &dir,
            env(&[
                ("WABOT__ADMIN__TOKEN", "x"),
                ("WABOT__SERVER__PORT", "9090"),
                ("WABOT_ADMIN_API_TOKEN", "x"),
                ("WABOT_CONFIG_DIR", "config"),
                ("WABOT__META__MESSAGES_PER_SECOND", "many"),
                ("WABOT__LOG__LEVEL", "warn"),
            ]),
        );
        let problems = layers.problems.join("\n");
        assert!(
            problems.contains(
                "`WABOT__ADMIN__TOKEN` is not a setting; did you mean `WABOT__ADMIN__API_TOKEN`?"
            ),
            "{problems}"
        );
        assert!(problems.contains("`WABOT__SERVER__PORT` is not a setting"));
        assert!(problems.contains("must be a whole number, not `many`"));
        assert_eq!(layers.problems.len(), 3, "{problems}");
        assert_eq!(layers.warnings.len(), 1);
        assert!(layers.warnings[0].contains("did you mean `WABOT__ADMIN__API_TOKEN`?"));
        assert_eq!(
            layers.sources["log.level"],
            Source::Env("WABOT__LOG__LEVEL".into())
        );
        assert_eq!(layers.sources["server.bind"], Source::Default);
    }

    #[test]
    fn a_named_folder_that_does_not_exist_is_a_problem_and_paths_resolve_inside_it() {
        let dir = nowhere();
        let layers = Layers::read(&dir, Vec::new());
        assert!(layers.problems[0].contains("does not exist"));
        assert_eq!(
            dir.resolve("menu.toml"),
            "/nonexistent-wabot-config/menu.toml"
        );
        assert_eq!(dir.resolve("/abs/menu.toml"), "/abs/menu.toml");
        assert_eq!(
            ConfigDir::choose(None, None).resolve("config/menu.toml"),
            "config/menu.toml"
        );
    }
}
