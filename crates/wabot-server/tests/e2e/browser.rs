//! Chromium, driven through chromedriver from Rust, drives the console on the real server. Sessions
//! of a scripted set of customers go through the bot first; then an administrator signs in, opens
//! every page, checks the overview's figures against the ones this test computes from what it sent,
//! searches a conversation, moves a ticket, and signs out. Every page is saved as a screenshot (in
//! the test's folder; with `WABOT_UPDATE_SCREENSHOTS=1` also in `docs/screenshots/`).

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};

use crate::chromium::{browser, shoot, sign_in, start_driver, text_of, wait_for_text};
use crate::console_traffic::{message, script, status, text};
use crate::harness::{SECRET, Wabot, graph, post_signed, scratch, wait_and_settle};

const PASSWORD: &str = "console test password";

/// Polls the overview until `check` passes (statuses are applied by the workers, not at once).
async fn overview_until(
    client: &Client,
    base: &str,
    what: &str,
    check: impl AsyncFn(&Client) -> bool,
) {
    let started = Instant::now();
    loop {
        client
            .goto(&format!("{base}/dashboard?days=1"))
            .await
            .unwrap();
        if check(client).await {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the overview never showed {what}:\n{}",
            client.source().await.unwrap()
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_uses_the_console_in_a_real_browser() {
    let dir = scratch();
    let graph = graph().await;
    let wabot = Wabot::start_with(&dir, &graph, &[("WABOT__META__MARK_READ", "never")]);
    wabot.run_with_input(&["user", "add", "ana", "--role", "admin"], PASSWORD);
    wabot.run_with_input(&["user", "add", "bo", "--role", "agent"], PASSWORD);

    // The customers talk to the bot; what each should have reached is known from the menu.
    let http = reqwest::Client::new();
    let mut reached: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    let mut n = 0;
    for (from, name, texts, nodes) in script() {
        for body in texts {
            n += 1;
            let id = format!("wamid.in.{n}");
            assert_eq!(
                post_signed(
                    &http,
                    &wabot.base,
                    &message(from, name, &id, text(body)),
                    SECRET
                )
                .await,
                200
            );
        }
        for node in nodes {
            reached.entry(node).or_default().insert(from);
        }
    }
    // Every message is answered at least once (but the one written while waiting for a person);
    // then the replies settle.
    let sent = wait_and_settle(&graph, n - 1, Duration::from_secs(2)).await;
    // Meta reports some of them delivered, fewer read.
    let (delivered, read) = (sent.len() * 2 / 3, sent.len() / 3);
    for (index, reply) in sent.iter().enumerate().take(delivered) {
        let to = reply["to"].as_str().unwrap();
        let id = format!("wamid.sent.{}", index + 1);
        assert_eq!(
            post_signed(&http, &wabot.base, &status(&id, "delivered", to), SECRET).await,
            200
        );
        if index < read {
            assert_eq!(
                post_signed(&http, &wabot.base, &status(&id, "read", to), SECRET).await,
                200
            );
        }
    }

    let driver = start_driver().await;
    let client = browser(&driver).await;
    let base = wabot.base.clone();
    let shots = dir.join("screenshots");

    // Signing in.
    client.goto(&format!("{base}/dashboard")).await.unwrap();
    assert!(
        client
            .current_url()
            .await
            .unwrap()
            .path()
            .ends_with("/dashboard/login")
    );
    shoot(&client, &shots, "login").await;
    sign_in(&client, "ana", PASSWORD).await;
    client
        .wait()
        .for_element(Locator::Css("#active-conversations"))
        .await
        .unwrap();

    // The overview's figures, against ours.
    let accepted = sent.len();
    let expect_delivered = format!("{:.1} %", delivered as f64 * 100.0 / accepted as f64);
    let expect_read = format!("{:.1} %", read as f64 * 100.0 / accepted as f64);
    overview_until(
        &client,
        &base,
        "the delivery statuses",
        async |c: &Client| {
            text_of(c, "#delivered-rate").await == expect_delivered
                && text_of(c, "#read-rate").await == expect_read
        },
    )
    .await;
    assert_eq!(
        text_of(&client, "#active-conversations").await,
        script().len().to_string()
    );
    for (node, customers) in &reached {
        let reached_here = client
            .find(Locator::Css(&format!(
                "#funnel tr[data-node='{node}'] td.reached"
            )))
            .await
            .unwrap()
            .prop("textContent")
            .await
            .unwrap()
            .unwrap_or_default();
        assert_eq!(
            reached_here.trim(),
            customers.len().to_string(),
            "funnel at {node}"
        );
    }
    let svg = client.source().await.unwrap();
    assert!(
        svg.contains("<svg") && svg.contains("Messages received and sent per day"),
        "the chart is drawn"
    );
    shoot(&client, &shots, "overview").await;
    // The menu diagram with the period's customers, drawn as an image the page loads.
    let diagram = reqwest::Client::new()
        .get(format!("{base}/dashboard/menu.svg?days=1"))
        .header(
            "Cookie",
            format!(
                "wabot_session={}",
                client
                    .get_named_cookie("wabot_session")
                    .await
                    .unwrap()
                    .value()
            ),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(diagram.headers()["content-type"], "image/svg+xml");
    let diagram = diagram.text().await.unwrap();
    assert!(
        diagram.contains("<svg") && diagram.contains("Main Menu"),
        "{diagram}"
    );

    // Conversations: search as you type (htmx swaps the rows).
    client
        .goto(&format!("{base}/dashboard/conversations"))
        .await
        .unwrap();
    let rows = client
        .find_all(Locator::Css("#rows tbody tr"))
        .await
        .unwrap();
    assert_eq!(rows.len(), script().len());
    shoot(&client, &shots, "conversations").await;
    client
        .find(Locator::Css("input[name=q]"))
        .await
        .unwrap()
        .send_keys("bruno")
        .await
        .unwrap();
    let started = Instant::now();
    loop {
        let rows = client
            .find_all(Locator::Css("#rows tbody tr"))
            .await
            .unwrap();
        if rows.len() == 1 && rows[0].text().await.unwrap().contains("Bruno Costa") {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the search never narrowed the list"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    client
        .find(Locator::LinkText("Bruno Costa"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    client
        .wait()
        .for_element(Locator::Css(".transcript"))
        .await
        .unwrap();
    let transcript = text_of(&client, ".transcript").await;
    assert!(
        transcript.contains("The screen was cracked on arrival")
            && transcript.contains("Report Defect"),
        "{transcript}"
    );
    shoot(&client, &shots, "transcript").await;
    client
        .find(Locator::LinkText("contact details"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    client.wait().for_element(Locator::Css("dl")).await.unwrap();
    assert!(
        text_of(&client, "main").await.contains("5511900000002"),
        "admins see the number"
    );
    shoot(&client, &shots, "contact").await;

    // Tickets: Bruno's report, moved to "in review" with a note.
    client
        .goto(&format!("{base}/dashboard/tickets"))
        .await
        .unwrap();
    shoot(&client, &shots, "tickets").await;
    client
        .find(Locator::LinkText("DEF-001"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    client
        .wait()
        .for_element(Locator::Css("select[name=status]"))
        .await
        .unwrap();
    client
        .find(Locator::Css("select[name=status]"))
        .await
        .unwrap()
        .select_by_value("in_review")
        .await
        .unwrap();
    client
        .find(Locator::Css("input[name=note]"))
        .await
        .unwrap()
        .send_keys("Courier photos requested")
        .await
        .unwrap();
    client
        .find(Locator::XPath("//button[text()='Save status']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    client
        .wait()
        .for_element(Locator::Css("[role=status]"))
        .await
        .unwrap();
    let page = text_of(&client, "main").await;
    assert!(
        page.contains("In review")
            && page.contains("Courier photos requested")
            && page.contains("ana"),
        "{page}"
    );
    shoot(&client, &shots, "ticket").await;

    client
        .goto(&format!("{base}/dashboard/users"))
        .await
        .unwrap();
    assert!(text_of(&client, "main").await.contains("bo"));
    shoot(&client, &shots, "users").await;

    // Handoffs: Fabio waits for a person; ana takes the conversation, answers, and closes it.
    client
        .goto(&format!("{base}/dashboard/handoffs"))
        .await
        .unwrap();
    let queue = text_of(&client, "#queue").await;
    assert!(
        queue.contains("Fabio Nunes") && queue.contains("waiting"),
        "{queue}"
    );
    shoot(&client, &shots, "handoffs").await;
    client
        .find(Locator::XPath("//button[text()='Take it']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    client
        .wait()
        .for_element(Locator::Css("textarea[name=text]"))
        .await
        .unwrap();
    assert!(
        text_of(&client, ".transcript")
            .await
            .contains("Where is my refund?")
    );
    let before = crate::harness::sent(&graph).await.len();
    client
        .find(Locator::Css("textarea[name=text]"))
        .await
        .unwrap()
        .send_keys("Hi Fabio, Ana here: your refund left today.")
        .await
        .unwrap();
    client
        .find(Locator::XPath("//button[text()='Send']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(&client, "[role=status]", "Sent.").await;
    let replies = crate::harness::wait_for(&graph, before + 1).await;
    assert!(crate::harness::shown(&replies[before]).contains("Ana here"));
    shoot(&client, &shots, "handoff").await;
    client
        .find(Locator::XPath(
            "//button[text()='Close and give back to the bot']",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(
        &client,
        "[role=status]",
        "the bot has the conversation again",
    )
    .await;

    // Signing out ends the session.
    client
        .find(Locator::XPath("//button[text()='Sign out']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    client
        .wait()
        .for_element(Locator::Css("input[name=password]"))
        .await
        .unwrap();
    client
        .goto(&format!("{base}/dashboard/tickets"))
        .await
        .unwrap();
    assert!(
        client
            .current_url()
            .await
            .unwrap()
            .path()
            .ends_with("/dashboard/login")
    );
    client.close().await.unwrap();
}
