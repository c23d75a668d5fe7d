//! The diagram's integration tests: golden DOT and Mermaid files, every node and edge of a menu in
//! every format (also of random menus), and the checked-in diagram of the default menu in `docs/` kept current.
//! `WABOT_UPDATE_DIAGRAM=1` rewrites the golden files and the docs' diagram instead of comparing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod coverage;
mod docs;
mod golden;
mod random;

use std::path::{Path, PathBuf};

use wabot_engine::Menu;

/// A path from the crate's folder.
pub fn here(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// The menu file at `tests/diagram/menus/NAME.toml`.
pub fn menu(name: &str) -> Menu {
    let path = here(&format!("tests/diagram/menus/{name}.toml"));
    Menu::from_toml_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Whether the files should be rewritten rather than compared.
pub fn updating() -> bool {
    std::env::var_os("WABOT_UPDATE_DIAGRAM").is_some()
}

/// Compares `actual` with the file at `path` (or rewrites it), showing the difference on failure.
pub fn check_file(path: &Path, actual: &str) {
    if updating() {
        std::fs::write(path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(path).unwrap_or_default();
    if expected != actual {
        let diff = similar::TextDiff::from_lines(&expected, actual);
        panic!(
            "{} is stale (WABOT_UPDATE_DIAGRAM=1 rewrites it):\n{}",
            path.display(),
            diff.unified_diff().context_radius(2)
        );
    }
}
