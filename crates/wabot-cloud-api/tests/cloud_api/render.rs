//! Rendering engine replies: buttons when they fit, else a list, else numbered text; long text split.

use wabot_cloud_api::{Interactive, MessageBody, OutboundMessage, render};
use wabot_engine::{MenuReply, Reply, ReplyOption};

fn menu(options: &[(&str, Option<&str>)]) -> Reply {
    Reply::Menu(MenuReply {
        header: Some("Order Status".into()),
        body: "What would you like to know?".into(),
        footer: Some("Reply with a number".into()),
        button: "Choose".into(),
        options: options
            .iter()
            .enumerate()
            .map(|(index, (title, description))| ReplyOption {
                id: format!("m:orders:{}", index + 1),
                key: Some(u32::try_from(index + 1).unwrap()),
                title: (*title).to_owned(),
                description: description.map(str::to_owned),
            })
            .collect(),
    })
}

fn interactive(messages: &[OutboundMessage]) -> &Interactive {
    assert_eq!(messages.len(), 1);
    match &messages[0].body {
        MessageBody::Interactive { interactive } => interactive,
        other => panic!("not interactive: {other:?}"),
    }
}

#[test]
fn up_to_three_short_options_become_buttons() {
    let messages = render(
        &menu(&[("Yes", None), ("No", Some("dropped in buttons"))]),
        "111",
    );
    let Interactive::Button {
        header,
        footer,
        action,
        ..
    } = interactive(&messages)
    else {
        panic!("buttons expected")
    };
    assert_eq!(header.as_ref().unwrap().text, "Order Status");
    assert_eq!(footer.as_ref().unwrap().text, "Reply with a number");
    let ids: Vec<&str> = action.buttons.iter().map(|b| b.reply.id.as_str()).collect();
    assert_eq!(ids, ["m:orders:1", "m:orders:2"]);
}

#[test]
fn more_options_or_longer_titles_become_a_list() {
    let four = render(
        &menu(&[
            ("View recent", Some("Latest")),
            ("Track order", None),
            ("Delivery dates", None),
            ("Back", None),
        ]),
        "111",
    );
    let Interactive::List { action, .. } = interactive(&four) else {
        panic!("list expected")
    };
    assert_eq!(action.button, "Choose");
    assert_eq!(action.sections[0].title, "Order Status");
    assert_eq!(action.sections[0].rows.len(), 4);
    assert_eq!(
        action.sections[0].rows[0].description.as_deref(),
        Some("Latest")
    );
    // Three options, one title too long for a button (21 > 20) but fine for a row.
    let long = render(
        &menu(&[("A title of 21 chars..", None), ("B", None)]),
        "111",
    );
    assert!(matches!(interactive(&long), Interactive::List { .. }));
}

#[test]
fn what_fits_no_interactive_message_becomes_numbered_text() {
    let options: Vec<(String, Option<&str>)> =
        (1..=11).map(|n| (format!("Option {n}"), None)).collect();
    let options: Vec<(&str, Option<&str>)> =
        options.iter().map(|(t, d)| (t.as_str(), *d)).collect();
    let messages = render(&menu(&options), "111");
    assert_eq!(messages.len(), 1);
    let MessageBody::Text { text } = &messages[0].body else {
        panic!("text expected")
    };
    assert!(
        text.body.contains("1. Option 1") && text.body.contains("11. Option 11"),
        "{}",
        text.body
    );
}

#[test]
fn long_text_is_split_into_several_messages() {
    let body = "A line of an order listing.\n".repeat(400);
    let messages = render(&Reply::text(body), "111");
    assert_eq!(messages.len(), 3);
    for message in &messages {
        let MessageBody::Text { text } = &message.body else {
            panic!("text expected")
        };
        assert!(text.body.chars().count() <= 4096);
        assert!(text.body.ends_with("listing."));
    }
}
