//! Menus in several languages, end to end: a customer writing from a Spanish number (+34) gets the
//! shipped menu in Spanish; "english" switches the conversation to English where it stands; the
//! admin API shows the language and whether the customer chose it.

use serde_json::Value;

use crate::exchange;
use crate::harness::{ADMIN, Wabot, graph, list_reply, scratch, text};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spanish_number_gets_the_spanish_menu_and_english_switches_it() {
    let graph = graph().await;
    let dir = scratch();
    let wabot = Wabot::start(&dir, &graph);
    let client = reqwest::Client::new();
    let from = "34600111222";
    let steps: &[(&str, Value, &str)] = &[
        ("es1", text("hola"), "Menú principal"),
        ("es2", text("1"), "¿Qué quieres saber de tus pedidos?"),
        ("es3", text("1"), "Aún no tienes pedidos con nosotros."),
        // A reply id is the same in every language.
        (
            "es4",
            list_reply("m:orders:2", "Seguir pedido"),
            "Envía tu número de pedido",
        ),
    ];
    for (id, content, needle) in steps {
        exchange(&client, &wabot, &graph, from, id, content.clone(), needle).await;
    }
    // "english" inside the form: the same question, now in English.
    exchange(
        &client,
        &wabot,
        &graph,
        from,
        "en1",
        text("english"),
        "Please send your order number",
    )
    .await;
    exchange(
        &client,
        &wabot,
        &graph,
        from,
        "en2",
        text("back"),
        "What would you like to know about your orders?",
    )
    .await;

    let contact: Value = client
        .get(format!("{}/api/contacts/+{from}", wabot.base))
        .bearer_auth(ADMIN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(contact["language"], "en", "{contact}");
    assert_eq!(contact["language_chosen"], true, "{contact}");
    assert_eq!(contact["menu_node"], "orders", "{contact}");
}
