//! `wabot import` on the real binary, beside a running server on the same SQLite file: a file with
//! good and bad rows writes nothing and lists every bad row with its line; `--skip-invalid` writes
//! the good ones; the same file again changes nothing and says so; a schedule in JSON lines; and
//! the customer then sees the imported order, with its tracking link, through the menu.

use std::path::Path;

use serde_json::Value;

use crate::harness::{ADMIN, Wabot, graph, list_reply, scratch, text};

const CUSTOMER: &str = "15550001111";

fn orders_file(dir: &Path) -> String {
    let file = dir.join("orders.csv");
    std::fs::write(
        &file,
        "customer,order_number,status,expected_delivery,items,tracking_url\n\
         +1 555 000 1111,ORD-501,in_transit,2026-12-24,\"2x Oak chair, 1x table\",https://track.example/501\n\
         15550001111,ord 502,delivered,,Lamp,\n\
         15550001111,ORD-503,lost,,,\n\
         somebody,ORD-504,shipped,,,\n\
         15550001111,ORD-505,shipped,24/12/2026,,\n",
    )
    .unwrap();
    file.display().to_string()
}

async fn orders_of(wabot: &Wabot, customer: &str) -> Vec<Value> {
    let response: Value = reqwest::Client::new()
        .get(format!("{}/api/orders?customer={customer}", wabot.base))
        .bearer_auth(ADMIN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    response["orders"].as_array().unwrap().clone()
}

fn output(output: &std::process::Output) -> (bool, String, String) {
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_business_loads_its_orders_and_the_customer_sees_them() {
    let graph = graph().await;
    let dir = scratch();
    let wabot = Wabot::start(&dir, &graph);
    let file = orders_file(&dir);
    let (ok, help, _) = output(&wabot.command(&["import", "--help"]));
    assert!(
        ok && help.contains("Examples:") && help.contains("--skip-invalid"),
        "{help}"
    );

    // All or nothing: three bad rows, each with its line and reason; nothing written.
    let (ok, stdout, stderr) = output(&wabot.command(&["import", "orders", &file]));
    assert!(!ok, "{stdout}");
    for expected in [
        "orders.csv:4: status: must be one of",
        "orders.csv:5: customer:",
        "orders.csv:6: expected_delivery: must be a date written YYYY-MM-DD",
        "nothing was written: 3 of 5 rows are invalid",
        "--skip-invalid",
    ] {
        assert!(stderr.contains(expected), "{expected:?} in {stderr}");
    }
    assert!(orders_of(&wabot, CUSTOMER).await.is_empty());

    // The good rows, then the same file again: unchanged.
    let (ok, stdout, stderr) =
        output(&wabot.command(&["import", "orders", &file, "--skip-invalid"]));
    assert!(ok, "{stderr}");
    assert!(
        stdout.contains("2 created, 0 updated, 0 unchanged, 3 rejected (skipped)"),
        "{stdout}"
    );
    let (ok, stdout, _) = output(&wabot.command(&["import", "orders", &file, "--skip-invalid"]));
    assert!(ok);
    assert!(
        stdout.contains("0 created, 0 updated, 2 unchanged"),
        "{stdout}"
    );
    let orders = orders_of(&wabot, "%2B1%20555%20000%201111").await;
    let numbers: Vec<&str> = orders
        .iter()
        .map(|o| o["number"].as_str().unwrap())
        .collect();
    assert_eq!(numbers.len(), 2, "{orders:?}");
    assert!(numbers.contains(&"ORD-501") && numbers.contains(&"ORD-502"));

    // A schedule in JSON lines (the format from the extension).
    let visits = dir.join("visits.jsonl");
    std::fs::write(
        &visits,
        "{\"reference\": \"V-9\", \"customer\": 15550001111, \"kind\": \"repair\", \
         \"date\": \"2026-12-24\", \"starts\": \"09:00\", \"ends\": \"11:00\"}\n",
    )
    .unwrap();
    let visits = visits.display().to_string();
    let (ok, stdout, stderr) = output(&wabot.command(&["import", "schedule", &visits]));
    assert!(ok && stdout.contains("1 created"), "{stdout}{stderr}");
    let (ok, _, stderr) = output(&wabot.command(&["import", "schedule", "visits.txt"]));
    assert!(
        !ok && stderr.contains("--format csv or --format jsonl"),
        "{stderr}"
    );

    // The customer asks: Order Status → View recent, then Track order with a number.
    let client = reqwest::Client::new();
    let steps: &[(&str, Value, &str)] = &[
        ("i1", text("hi"), "Main Menu"),
        ("i2", text("1"), "Order Status"),
        ("i3", text("1"), "ORD-501"),
        (
            "i4",
            list_reply("m:orders:2", "Track order"),
            "order number",
        ),
        ("i5", text("ord 501"), "https://track.example/501"),
    ];
    for (id, content, needle) in steps {
        crate::exchange(
            &client,
            &wabot,
            &graph,
            CUSTOMER,
            id,
            content.clone(),
            needle,
        )
        .await;
    }
}
