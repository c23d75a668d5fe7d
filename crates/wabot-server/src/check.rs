//! `wabot check-config`: loads the settings and the menu file, prints what it found (secrets masked)
//! and every problem (menu problems with file and line), and fails if there is any.

use secrecy::{ExposeSecret, SecretString};
use wabot_engine::{Menu, MenuFile};
use wabot_store::DatabaseUrl;

use crate::settings::Settings;

fn masked(secret: &SecretString) -> &'static str {
    if secret.expose_secret().is_empty() {
        "(empty)"
    } else {
        "*** (set)"
    }
}

/// Every problem in the menu file at `path`, each as `path:line: message`.
fn menu_problems(path: &str) -> Vec<String> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) => return vec![format!("{path}: cannot read the menu file: {error}")],
    };
    let compiled = MenuFile::parse(&text).and_then(|file| Menu::compile(&file));
    match compiled {
        Ok(_) => Vec::new(),
        Err(errors) => errors
            .problems()
            .iter()
            .map(|problem| format!("{path}:{}: {}", problem.line, problem.message))
            .collect(),
    }
}

/// Prints the report; returns whether everything is fine.
#[allow(clippy::print_stdout)]
pub fn check(settings: &Settings) -> bool {
    let database = match DatabaseUrl::parse(settings.database.url.expose_secret()) {
        Ok(url) => Ok(url.to_string()),
        Err(error) => Err(format!("database.url: {error}")),
    };
    let meta = &settings.meta;
    println!("server.bind            {}", settings.server.bind);
    println!(
        "database.url           {}",
        database.as_ref().map_or("(invalid)", String::as_str)
    );
    println!(
        "mode                   {}",
        if settings.sandbox() {
            "sandbox (no access token)"
        } else {
            "live"
        }
    );
    println!(
        "meta.api               {}/{}",
        meta.api_base_url, meta.api_version
    );
    println!(
        "meta.phone_number_id   {}",
        if meta.phone_number_id.is_empty() {
            "(empty)"
        } else {
            &meta.phone_number_id
        }
    );
    println!("meta.access_token      {}", masked(&meta.access_token));
    println!("meta.app_secret        {}", masked(&meta.app_secret));
    println!("meta.verify_token      {}", masked(&meta.verify_token));
    println!(
        "admin.api_token        {}",
        if settings.admin.api_token.expose_secret().trim().is_empty() {
            "(empty: the admin API is disabled)"
        } else {
            masked(&settings.admin.api_token)
        }
    );
    println!("menu.path              {}", settings.menu.path);
    let mut problems = settings.problems();
    problems.extend(database.err());
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
