//! Menus in several languages: every WhatsApp limit is checked in every language (each problem with
//! its line, node and language, all at once), a language missing a text is refused, and a third
//! language is added by editing the menu file alone.

use chrono::{TimeZone, Utc};
use wabot_engine::{
    ConversationState, DEFAULT_MENU_TOML, Engine, InMemoryBusinessData, Input, Menu,
};

/// `what` repeated to `length` characters.
fn long(length: usize) -> String {
    "x".repeat(length)
}

/// The 1-based line of the first occurrence of `needle` in `source`.
fn line_of(source: &str, needle: &str) -> usize {
    let at = source
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} is not in the menu"));
    source[..at].lines().count() + usize::from(source[..at].ends_with('\n'))
}

/// Replaces the first occurrence of `from` (which must be there) with `to`.
fn replace_once(source: &str, from: &str, to: &str) -> String {
    assert!(source.contains(from), "{from:?} is not in the menu");
    source.replacen(from, to, 1)
}

#[test]
fn every_limit_is_checked_in_every_language() {
    // (the Spanish text in the shipped menu, its overlong replacement's length, the message expected)
    let cases: Vec<(&str, usize, &str)> = vec![
        (
            r#"es = "Menú principal" }"#,
            61,
            "node `main`, language `es`: the menu header is 61 characters long; WhatsApp allows at most 60",
        ),
        (
            r#"es = "¡Bienvenido! ¿En qué podemos ayudarte hoy?""#,
            1025,
            "node `main`, language `es`: the menu body is 1025 characters long; WhatsApp allows at most 1024",
        ),
        (
            r#"es = "Responde con un número o toca Elegir""#,
            61,
            "node `main`, language `es`: the menu footer is 61 characters long; WhatsApp allows at most 60",
        ),
        (
            r#"es = "Ver recientes""#,
            25,
            "node `orders`, language `es`: the option title is 25 characters long; WhatsApp allows at most 24",
        ),
        (
            r#"es = "Tus últimos pedidos""#,
            73,
            "node `orders`, language `es`: the option description is 73 characters long; WhatsApp allows at most 72",
        ),
        (
            r#"es = "Envía tu número de pedido (por ejemplo ORD-001).""#,
            1025,
            "node `track_order`, language `es`: the field prompt is 1025 characters long; WhatsApp allows at most 1024",
        ),
        (
            r#"es = "Un número de pedido es así: ORD-001." }"#,
            1025,
            "node `track_order`, language `es`: the field hint is 1025 characters long; WhatsApp allows at most 1024",
        ),
        (
            r#"es = "Pedido" }, prompt"#,
            61,
            "node `report_defect`, language `es`: the field label is 61 characters long; WhatsApp allows at most 60",
        ),
        (
            r#"text.es = "¡Gracias! Estás en la cola para hablar con una persona de nuestro equipo. Escribe aquí tu pregunta; envía *menú* en cualquier momento para volver al bot.""#,
            4097,
            "node `contact`, language `es`: `text` is 4097 characters long; WhatsApp allows at most 4096",
        ),
        (
            r#"es = "Elegir" }"#,
            21,
            "language `es`: settings.list_button is 21 characters long; WhatsApp allows at most 20",
        ),
        (
            r#"es = "Omitir" }"#,
            21,
            "language `es`: texts.skip_label is 21 characters long; WhatsApp allows at most 20",
        ),
        (
            r#"es = "Sí" }"#,
            21,
            "language `es`: texts.yes_label is 21 characters long; WhatsApp allows at most 20",
        ),
        (
            r#"es = "No" }"#,
            21,
            "language `es`: texts.no_label is 21 characters long; WhatsApp allows at most 20",
        ),
        (
            r#"help.es = "Envía un número"#,
            1025,
            "language `es`: texts.help is 1025 characters long; WhatsApp allows at most 1024",
        ),
        (
            r#"welcome_back.es = "¡Hola de nuevo! Ha pasado un rato, así que empezamos otra vez desde el menú principal.""#,
            4097,
            "language `es`: texts.welcome_back is 4097 characters long; WhatsApp allows at most 4096",
        ),
    ];
    let mut source = DEFAULT_MENU_TOML.to_owned();
    let mut expected = Vec::new();
    for (spanish, length, message) in &cases {
        let line = line_of(&source, spanish);
        // Keep what comes before the string's opening quote and after its closing quote.
        let open = spanish.find('"').unwrap_or_default();
        let close = spanish.rfind('"').unwrap_or_default();
        let replacement = if close > open {
            format!(
                "{}\"{}\"{}",
                &spanish[..open],
                long(*length),
                &spanish[close + 1..]
            )
        } else {
            // `help.es = "Envía un número…`: only the start is matched; replace the whole line.
            let start = source[..source.find(spanish).unwrap_or_default()]
                .rfind('\n')
                .map_or(0, |at| at + 1);
            let end = source[start..]
                .find('\n')
                .map_or(source.len(), |at| start + at);
            let whole = source[start..end].to_owned();
            source = replace_once(&source, &whole, &format!("help.es = \"{}\"", long(*length)));
            expected.push((line, (*message).to_owned()));
            continue;
        };
        source = replace_once(&source, spanish, &replacement);
        expected.push((line, (*message).to_owned()));
    }
    let errors = Menu::from_toml_str(&source).expect_err("every limit is broken in Spanish");
    let problems: Vec<(usize, String)> = errors
        .problems()
        .iter()
        .map(|p| (p.line, p.message.clone()))
        .collect();
    for (line, message) in &expected {
        assert!(
            problems.contains(&(*line, message.clone())),
            "missing at line {line}: {message}\ngot:\n{errors}"
        );
    }
    assert_eq!(
        problems.len(),
        expected.len(),
        "unexpected problems:\n{errors}"
    );
}

#[test]
fn a_language_missing_a_text_is_refused_with_its_line_node_and_language() {
    let source = DEFAULT_MENU_TOML
        .replacen(
            r#"title = { en = "View recent", es = "Ver recientes" }"#,
            r#"title = { en = "View recent" }"#,
            1,
        )
        .replacen(
            r#"header = { en = "Schedule", es = "Agenda" }"#,
            r#"header = "Schedule""#,
            1,
        )
        .replacen(
            r#"ticket_history = { en = "History:", es = "Historial:" }"#,
            "",
            1,
        )
        .replacen(
            r#"no_label = { en = "No", es = "No" }"#,
            r#"no_label = { en = "No", es = "No", fr = "Non" }"#,
            1,
        );
    let errors = Menu::from_toml_str(&source).expect_err("texts are missing");
    let text = errors.to_string();
    let expected = [
        (
            line_of(&source, r#"title = { en = "View recent" }"#),
            "node `orders`, language `es`: the option title is missing",
        ),
        (
            line_of(&source, r#"header = "Schedule""#),
            "node `schedule`, language `es`: the menu header is missing (a plain string is the default language's text",
        ),
        (
            0,
            "language `es`: texts.ticket_history is missing (the built-in default is English)",
        ),
        (
            line_of(&source, r#"fr = "Non""#),
            "texts.no_label is given in `fr`, which is not one of the menu's languages (en, es)",
        ),
    ];
    for (line, message) in expected {
        assert!(
            errors
                .problems()
                .iter()
                .any(|p| p.line == line && p.message.contains(message)),
            "missing at line {line}: {message}\ngot:\n{text}"
        );
    }
    assert_eq!(errors.problems().len(), expected.len(), "{text}");
}

/// The shipped menu with a third language, Portuguese, added the way an author would: a `pt` text
/// beside every `es` one (copied here; a real file translates them), and its words and calling code.
fn with_portuguese() -> String {
    let mut out = String::new();
    let mut block: Option<String> = None;
    for line in DEFAULT_MENU_TOML.lines() {
        if let Some(copy) = block.as_mut() {
            // Inside a multi-line `text.es = """…"""`: copy it to `text.pt` when it closes.
            copy.push('\n');
            copy.push_str(line);
            out.push_str(line);
            out.push('\n');
            if line.ends_with("\"\"\"") {
                out.push_str(&copy.replacen(".es = ", ".pt = ", 1));
                out.push('\n');
                block = None;
            }
            continue;
        }
        let dotted = line
            .split_once(".es = ")
            .filter(|(key, _)| !key.contains([' ', '{']));
        if let Some((key, value)) = dotted {
            out.push_str(line);
            out.push('\n');
            if value == "\"\"\"" {
                block = Some(line.to_owned());
            } else {
                out.push_str(&format!("{key}.pt = {value}\n"));
            }
            continue;
        }
        // Inline tables: `es = "…"` or `es = […]` gets a `pt` twin after it.
        let mut line = line.to_owned();
        let mut from = 0;
        while let Some(at) = line[from..].find("es = ").map(|at| from + at) {
            let value_start = at + "es = ".len();
            let closing = match line[value_start..].chars().next() {
                Some('"') => line[value_start + 1..]
                    .find('"')
                    .map(|q| value_start + 1 + q),
                Some('[') => line[value_start..].find(']').map(|q| value_start + q),
                _ => None,
            };
            let is_key = at > 0 && line[..at].ends_with([' ', '{']);
            match closing {
                Some(end) if is_key => {
                    let value = line[value_start..=end].to_owned();
                    line.insert_str(end + 1, &format!(", pt = {value}"));
                    from = end + 1;
                }
                _ => from = value_start,
            }
        }
        out.push_str(&line);
        out.push('\n');
        if line.starts_with("es = [\"español\"") {
            out.push_str("pt = [\"português\", \"portugues\"]\n");
        }
        if line.starts_with("34 = \"es\"") {
            out.push_str("55 = \"pt\"      # Brazil\n");
        }
    }
    out.replace(
        r#"languages = ["en", "es"]"#,
        r#"languages = ["en", "es", "pt"]"#,
    )
    .replacen(r#"pt = "Menú principal""#, r#"pt = "Menu principal""#, 1)
}

#[test]
fn a_third_language_is_added_by_editing_the_menu_file_alone() {
    let source = with_portuguese();
    let menu = Menu::from_toml_str(&source).unwrap_or_else(|errors| panic!("{errors}"));
    assert_eq!(menu.languages(), ["en", "es", "pt"]);
    let engine = Engine::new(menu);
    let now = Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap();
    let mut data = InMemoryBusinessData::demo(now.date_naive());
    let brazil = ConversationState::new("5511987654321");
    let step = engine
        .step(now, &brazil, &Input::text("oi"), &mut data)
        .unwrap();
    assert_eq!(step.state.language.as_deref(), Some("pt"));
    assert!(!step.state.language_chosen);
    let shown = step.replies.last().unwrap().to_plain_text();
    assert!(shown.starts_with("*Menu principal*"), "{shown}");
    let switched = engine
        .step(now, &step.state, &Input::text("english"), &mut data)
        .unwrap();
    assert!(
        switched.replies[0]
            .to_plain_text()
            .starts_with("*Main Menu*")
    );
    assert_eq!(switched.state.language.as_deref(), Some("en"));
    assert!(switched.state.language_chosen);
    let back = engine
        .step(now, &switched.state, &Input::text("Português"), &mut data)
        .unwrap();
    assert_eq!(back.state.language.as_deref(), Some("pt"));
}

#[test]
fn dates_and_opening_times_are_written_in_the_conversations_language() {
    let source = format!("{DEFAULT_MENU_TOML}\n[business_hours]\nmon = \"09:00-18:00\"\n");
    let engine = Engine::new(Menu::from_toml_str(&source).unwrap());
    // Saturday 2026-12-05, 10:00 UTC: the team is back on Monday at 09:00.
    let now = Utc.with_ymd_and_hms(2026, 12, 5, 10, 0, 0).unwrap();
    let mut data = InMemoryBusinessData::demo(now.date_naive());
    let spain = ConversationState::new("34600111222");
    let step = engine
        .step(now, &spain, &Input::text("agente"), &mut data)
        .unwrap();
    let notice = step.replies[0].to_plain_text();
    assert!(
        notice.contains("te responderemos a partir del lunes 09:00"),
        "{notice}"
    );
    assert_eq!(step.state.language.as_deref(), Some("es"));
    let unanswered = engine.handoff_unanswered(&step.state).unwrap();
    assert!(
        unanswered.replies[0]
            .to_plain_text()
            .starts_with("Lo sentimos")
    );
    let ended = engine.handoff_ended(now, &unanswered.state);
    assert!(
        ended.replies[0]
            .to_plain_text()
            .starts_with("Nuestro equipo ha cerrado")
    );
    assert!(
        ended.replies[1]
            .to_plain_text()
            .starts_with("*Menú principal*")
    );
}
