//! `wabot check-config`: loads the settings and the menu file exactly as `serve` would, prints the
//! configuration folder, **every** setting (secrets masked) with where its value came from, the
//! warnings, and every problem (menu problems with file and line), and fails if there is any.

use secrecy::{ExposeSecret, SecretString};
use wabot_store::DatabaseUrl;

use crate::layers::Source;
use crate::settings::Settings;

/// Settings whose value is never shown.
const SECRETS: [&str; 6] = [
    "meta.access_token",
    "meta.app_secret",
    "meta.previous_app_secret",
    "meta.verify_token",
    "admin.api_token",
    "business_http.token",
];

fn masked(secret: &SecretString) -> String {
    if secret.expose_secret().is_empty() {
        "(empty)".to_owned()
    } else {
        "*** (set)".to_owned()
    }
}

/// Every problem in the menu file at `path`, each as `path:line: message`.
pub fn menu_problems(path: &str) -> Vec<String> {
    crate::reload::compile_menu(path).err().unwrap_or_default()
}

/// How `key` is shown: masked where secret, the database URL without its password, paths as
/// resolved, and everything else as TOML writes it.
fn shown(settings: &Settings, key: &str, raw: Option<&toml::Value>) -> String {
    match key {
        "meta.access_token" => masked(&settings.meta.access_token),
        "meta.app_secret" => masked(&settings.meta.app_secret),
        "meta.previous_app_secret" => masked(&settings.meta.previous_app_secret),
        "meta.verify_token" => masked(&settings.meta.verify_token),
        "admin.api_token" if settings.admin.api_token.expose_secret().trim().is_empty() => {
            "(empty: the admin API is disabled)".to_owned()
        }
        "admin.api_token" => masked(&settings.admin.api_token),
        "database.url" => DatabaseUrl::parse(settings.database.url.expose_secret())
            .map_or_else(|_| "(invalid)".to_owned(), |url| url.to_string()),
        "menu.path" => settings.menu.path.clone(),
        "business_http.token" => masked(&settings.business_http.token),
        _ if SECRETS.contains(&key) => "***".to_owned(),
        _ => raw.map_or_else(String::new, ToString::to_string),
    }
}

/// Prints the report; returns whether everything is fine.
#[allow(clippy::print_stdout)]
pub fn check(settings: &Settings) -> bool {
    let dir = &settings.origin.dir;
    println!(
        "configuration folder   {}{}",
        dir.path.display(),
        if dir.explicit {
            " (named by --config or WABOT_CONFIG_DIR; relative paths are resolved in it)"
        } else {
            " (the default; relative paths are resolved in the working directory)"
        }
    );
    println!(
        "mode                   {}\n",
        if settings.sandbox() {
            "sandbox (no access token)"
        } else {
            "live"
        }
    );
    for key in crate::layers::keys(&settings.origin.values) {
        let source = settings
            .origin
            .sources
            .get(&key)
            .cloned()
            .unwrap_or(Source::Default);
        let raw = key
            .split_once('.')
            .and_then(|(section, name)| settings.origin.values.get(section)?.as_table()?.get(name));
        println!("{key:<34} {:<40} {source}", shown(settings, &key, raw));
    }
    for warning in &settings.origin.warnings {
        println!("\nwarning: {warning}");
    }
    let mut problems = settings.problems();
    problems.extend(menu_problems(&settings.menu.path));
    if problems.is_empty() {
        println!("\nno problems found");
        return true;
    }
    println!("\n{} problem(s):", problems.len());
    for problem in &problems {
        println!("  {problem}");
    }
    false
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::layers::ConfigDir;

    #[test]
    fn the_business_api_token_is_masked() {
        let env = [(
            "WABOT__BUSINESS_HTTP__TOKEN".to_owned(),
            "shop-secret".to_owned(),
        )];
        let settings = Settings::load_from(ConfigDir::choose(None, None), env).unwrap();
        let raw = toml::Value::String("shop-secret".into());
        let shown = shown(&settings, "business_http.token", Some(&raw));
        assert_eq!(shown, "*** (set)");
    }
}
