//! `wabot templates` and `wabot campaign` beside a running server, on its database: sync, create
//! from a CSV file (a missing parameter refused naming it), status, pause, resume, list; the
//! running server's feeder sends what the command line created.

use crate::campaigns::{CAMPAIGN_ENV, campaign_until, csv_of, templates_by_recipient};
use crate::harness::{Wabot, graph, scratch};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operator_runs_a_campaign_from_the_command_line() {
    let dir = scratch();
    let graph = graph().await;
    let wabot = Wabot::start_with(&dir, &graph, &CAMPAIGN_ENV);
    let env: Vec<(&str, &str)> = CAMPAIGN_ENV.to_vec();
    let listed = wabot.command_with(&["templates", "sync"], &env);
    assert!(
        listed.status.success(),
        "{}",
        String::from_utf8_lossy(&listed.stderr)
    );
    assert!(
        String::from_utf8_lossy(&listed.stdout)
            .contains("fall_sale (en_US) MARKETING APPROVED parameters: [1, 2]")
    );
    let bad = dir.join("bad.csv");
    std::fs::write(&bad, "phone,1\n15550001111,Ana\n").unwrap();
    let bad = bad.display().to_string();
    let refused = wabot.command_with(
        &[
            "campaign",
            "create",
            "--name",
            "Bad",
            "--template",
            "fall_sale",
            "--language",
            "en_US",
            "--csv",
            &bad,
        ],
        &env,
    );
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("recipients[0].2"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    let numbers: Vec<String> = (0..30).map(|i| format!("1444{i:07}")).collect();
    let audience = dir.join("audience.csv");
    std::fs::write(&audience, csv_of(&numbers)).unwrap();
    let audience = audience.display().to_string();
    let created = wabot.command_with(
        &[
            "campaign",
            "create",
            "--name",
            "CLI sale",
            "--template",
            "fall_sale",
            "--language",
            "en_US",
            "--csv",
            &audience,
            "--rate",
            "10",
        ],
        &env,
    );
    let said = String::from_utf8_lossy(&created.stdout).into_owned();
    assert!(
        created.status.success() && said.starts_with("created #1 CLI sale [running]"),
        "{said}"
    );
    campaign_until(&wabot, 1, |c| c["counts"]["sent"].as_i64() >= Some(3)).await;
    let paused = wabot.command_with(&["campaign", "pause", "1"], &env);
    assert!(String::from_utf8_lossy(&paused.stdout).contains("[paused]"));
    let status = wabot.command_with(&["campaign", "status", "1"], &env);
    assert!(String::from_utf8_lossy(&status.stdout).contains("#1 CLI sale [paused]"));
    let resumed = wabot.command_with(&["campaign", "resume", "1"], &env);
    assert!(String::from_utf8_lossy(&resumed.stdout).contains("[running]"));
    let watched = wabot.command_with(&["campaign", "status", "1", "--watch"], &env);
    let watched = String::from_utf8_lossy(&watched.stdout).into_owned();
    assert!(
        watched.contains("[completed]") && watched.contains("sent 30"),
        "{watched}"
    );
    assert_eq!(templates_by_recipient(&graph).await.len(), 30);
    let list = wabot.command_with(&["campaign", "list"], &env);
    assert!(String::from_utf8_lossy(&list.stdout).contains("#1 CLI sale [completed]"));
}
