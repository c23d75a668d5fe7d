//! The default menu's diagram checked into `docs/`: `docs/menu-diagram.svg` (as `wabot menu
//! diagram --out docs/menu-diagram.svg` writes it) and the Mermaid block of `docs/menu.md`, between
//! its `<!-- menu-diagram:begin -->` and `<!-- menu-diagram:end -->` lines. A change to the menu or to
//! the drawing that leaves them stale fails here; `WABOT_UPDATE_DIAGRAM=1` rewrites them.

use wabot_engine::{DEFAULT_MENU_TOML, Menu};

use crate::{check_file, here};

const BEGIN: &str = "<!-- menu-diagram:begin -->\n";
const END: &str = "<!-- menu-diagram:end -->\n";

#[test]
fn the_svg_in_docs_is_current() {
    let menu = Menu::from_toml_str(DEFAULT_MENU_TOML).unwrap();
    check_file(
        &here("../../docs/menu-diagram.svg"),
        &wabot_diagram::svg(&menu, None),
    );
}

#[test]
fn the_mermaid_block_in_docs_is_current() {
    let menu = Menu::from_toml_str(DEFAULT_MENU_TOML).unwrap();
    let path = here("../../docs/menu.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let start = text
        .find(BEGIN)
        .expect("docs/menu.md marks where the diagram goes")
        + BEGIN.len();
    let end = start
        + text[start..]
            .find(END)
            .expect("the diagram's end is marked");
    let block = format!("```mermaid\n{}```\n", wabot_diagram::mermaid(&menu, None));
    let current = format!("{}{block}{}", &text[..start], &text[end..]);
    check_file(&path, &current);
}
