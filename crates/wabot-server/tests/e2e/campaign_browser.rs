//! The Campaigns pages in a real browser (Chromium through chromedriver): an administrator opens
//! the list and a running campaign, sees its progress move, pauses it with the page's button and
//! sees it paused. Screenshots `campaigns` and `campaign` (in the test's folder; with
//! `WABOT_UPDATE_SCREENSHOTS=1` also in `docs/screenshots/`).

use std::time::Duration;

use fantoccini::Locator;

use crate::campaigns::{CAMPAIGN_ENV, campaign_until, create_csv, csv_of};
use crate::chromium::{browser, shoot, sign_in, start_driver, text_of, wait_for_text};
use crate::harness::{Wabot, graph, scratch};

const PASSWORD: &str = "campaign test password";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_watches_and_pauses_a_campaign_in_a_real_browser() {
    let dir = scratch();
    let graph = graph().await;
    let wabot = Wabot::start_with(&dir, &graph, &CAMPAIGN_ENV);
    wabot.run_with_input(&["user", "add", "ana", "--role", "admin"], PASSWORD);
    assert!(
        wabot
            .run(&["templates", "sync"])
            .contains("fall_sale (en_US) MARKETING APPROVED")
    );
    let numbers: Vec<String> = (0..400).map(|i| format!("1777{i:07}")).collect();
    let mut csv = csv_of(&numbers);
    csv.push_str("not a phone,Bad,X\n");
    let query = "name=Winter%20sale&template=fall_sale&language=en_US&messages_per_second=20";
    let (status, body) = create_csv(&wabot, query, csv).await;
    assert_eq!(status, 201, "{body}");
    let id = body["id"].as_i64().unwrap();
    campaign_until(&wabot, id, |c| c["counts"]["sent"].as_i64() >= Some(40)).await;

    let driver = start_driver().await;
    let client = browser(&driver).await;
    let base = wabot.base.clone();
    let shots = dir.join("screenshots");
    client
        .goto(&format!("{base}/dashboard/login"))
        .await
        .unwrap();
    sign_in(&client, "ana", PASSWORD).await;
    client
        .wait()
        .for_element(Locator::Css("main"))
        .await
        .unwrap();
    client
        .goto(&format!("{base}/dashboard/campaigns"))
        .await
        .unwrap();
    let list = text_of(&client, "main").await;
    assert!(
        list.contains("Winter sale") && list.contains("running"),
        "{list}"
    );
    shoot(&client, &shots, "campaigns").await;
    client
        .find(Locator::LinkText("Winter sale"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(&client, "#live", "recipients done with").await;
    let shown = text_of(&client, "#live").await;
    assert!(shown.contains("invalid: 1"), "{shown}");
    shoot(&client, &shots, "campaign").await;
    client
        .find(Locator::XPath("//button[text()='Pause']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(&client, "[role=status]", "Paused:").await;
    assert!(text_of(&client, "#live").await.contains("paused"));
    let paused = campaign_until(&wabot, id, |c| c["state"] == "paused").await;
    assert!(paused["counts"]["waiting"].as_i64() > Some(0), "{paused}");
    tokio::time::sleep(Duration::from_millis(200)).await;
    client.close().await.unwrap();
}
