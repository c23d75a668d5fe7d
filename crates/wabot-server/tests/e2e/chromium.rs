//! Headless Chromium for the console's browser test: chromedriver on a free port, a WebDriver
//! session with the flags a root container needs, screenshots at a laptop's and a phone's width.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

/// chromedriver on a free port; killed when dropped.
pub struct Driver {
    child: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub async fn start_driver() -> Driver {
    let port = free_port();
    let child = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect(
            "chromedriver is missing: install Debian's chromium and chromium-driver (.ci/run does)",
        );
    let url = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    while reqwest::get(format!("{url}/status")).await.is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "chromedriver did not start"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Driver { child, url }
}

pub async fn browser(driver: &Driver) -> Client {
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".into(),
        json!({"args": ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,900", "--hide-scrollbars"]}),
    );
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    ClientBuilder::new(connector)
        .capabilities(capabilities)
        .connect(&driver.url)
        .await
        .expect("start a headless Chromium")
}

/// Saves a screenshot of the current page at a laptop's and a phone's width as
/// `<name>-laptop.png` and `<name>-phone.png`.
pub async fn shoot(client: &Client, dir: &Path, name: &str) {
    let docs = std::env::var_os("WABOT_UPDATE_SCREENSHOTS")
        .map(|_| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/screenshots"));
    for (device, width, height) in [("laptop", 1280, 1400), ("phone", 390, 1400)] {
        client.set_window_size(width, height).await.unwrap();
        tokio::time::sleep(Duration::from_millis(150)).await;
        let png = client.screenshot().await.unwrap();
        for folder in std::iter::once(dir.to_owned()).chain(docs.clone()) {
            std::fs::create_dir_all(&folder).unwrap();
            std::fs::write(folder.join(format!("{name}-{device}.png")), &png).unwrap();
        }
    }
    client.set_window_size(1280, 900).await.unwrap();
}

/// The text of the first element `css` finds; found again when htmx replaced it meanwhile (the
/// live parts of the handoff pages refresh every few seconds).
pub async fn text_of(client: &Client, css: &str) -> String {
    for _ in 0..5 {
        let element = client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"));
        if let Ok(text) = element.text().await {
            return text;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{css} kept being replaced")
}

/// Waits until an element `css` finds says `needle` (the page before a form post may have had an
/// element of the same kind, with other words: a notice of the previous action).
pub async fn wait_for_text(client: &Client, css: &str, needle: &str) {
    let started = Instant::now();
    loop {
        if let Ok(element) = client.find(Locator::Css(css)).await
            && element.text().await.is_ok_and(|text| text.contains(needle))
        {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{css} never said {needle:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Fills the sign-in form the browser is on with `name` and `password`, and sends it.
pub async fn sign_in(client: &Client, name: &str, password: &str) {
    for (field, value) in [("name", name), ("password", password)] {
        client
            .find(Locator::Css(&format!("input[name={field}]")))
            .await
            .unwrap()
            .send_keys(value)
            .await
            .unwrap();
    }
    client
        .find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}
