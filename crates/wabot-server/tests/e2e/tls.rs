//! TLS in front: Caddy runs the repository's own `deploy/Caddyfile` (imported by a test file that
//! only adds global options: Caddy's internal CA instead of ACME, free ports, a storage folder),
//! and a signed webhook sent over HTTPS — verified against that CA's root — is answered 200 and
//! the bot replies; Meta's handshake works through it, a bad signature is still 401, and a client
//! that does not trust the CA gets nowhere.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::{
    SECRET, VERIFY, Wabot, graph, message_webhook, post_signed, scratch, text, wait_for,
};

/// Caddy, stopped when dropped.
struct Caddy(Child);

impl Drop for Caddy {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn caddy_binary() -> String {
    let found = Command::new("caddy")
        .arg("version")
        .output()
        .is_ok_and(|out| out.status.success());
    assert!(
        found,
        "caddy is not installed: this test runs the deploy/Caddyfile with it (Debian: apt-get \
         install caddy; .ci/run installs it)"
    );
    "caddy".to_owned()
}

/// Starts Caddy in `dir` in front of `upstream` on `https_port`; returns it and its root CA.
fn start_caddy(dir: &Path, upstream: &str, https_port: u16) -> (Caddy, reqwest::Certificate) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let config = dir.join("Caddyfile");
    let storage = dir.join("caddy");
    std::fs::write(
        &config,
        format!(
            "{{\n\tadmin off\n\tlocal_certs\n\tskip_install_trust\n\tstorage file_system {}\n\t\
             http_port {}\n\thttps_port {https_port}\n}}\nimport {}\n",
            storage.display(),
            free_port(),
            repo.join("deploy/Caddyfile").display()
        ),
    )
    .unwrap();
    let log = std::fs::File::create(dir.join("caddy.log")).unwrap();
    let child = Command::new(caddy_binary())
        .args(["run", "--adapter", "caddyfile", "--config"])
        .arg(&config)
        .env("WABOT_DOMAIN", "localhost")
        .env("WABOT_UPSTREAM", upstream)
        .env("HOME", dir)
        .env("XDG_DATA_HOME", dir)
        .env("XDG_CONFIG_HOME", dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("start caddy");
    let caddy = Caddy(child);
    let root = storage.join("pki/authorities/local/root.crt");
    let started = Instant::now();
    while !root.is_file() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "caddy made no CA; its log:\n{}",
            std::fs::read_to_string(dir.join("caddy.log")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let pem = std::fs::read(root).unwrap();
    (caddy, reqwest::Certificate::from_pem(&pem).unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_webhook_reaches_the_bot_through_caddy_over_https() {
    let graph = graph().await;
    let dir = scratch();
    let wabot = Wabot::start(&dir, &graph);
    let upstream = wabot.base.trim_start_matches("http://").to_owned();
    let port = free_port();
    let (_caddy, root) = start_caddy(&dir, &upstream, port);
    let client = reqwest::Client::builder()
        .add_root_certificate(root)
        .build()
        .unwrap();
    let base = format!("https://localhost:{port}");
    // Caddy issues the site's certificate just after it starts: wait until HTTPS answers.
    let started = Instant::now();
    loop {
        match client.get(format!("{base}/health")).send().await {
            Ok(response) if response.status() == 200 => break,
            other => assert!(
                started.elapsed() < Duration::from_secs(20),
                "no HTTPS answer from caddy: {other:?}; its log:\n{}",
                std::fs::read_to_string(dir.join("caddy.log")).unwrap_or_default()
            ),
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Meta's handshake, then a signed message.
    let challenge = client
        .get(format!(
            "{base}/webhook?hub.mode=subscribe&hub.verify_token={VERIFY}&hub.challenge=4242"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(challenge.status(), 200);
    assert_eq!(challenge.text().await.unwrap(), "4242");
    let body = message_webhook("15550009999", "wamid.tls.1", text("hi"));
    assert_eq!(post_signed(&client, &base, &body, SECRET).await, 200);
    assert_eq!(post_signed(&client, &base, &body, "wrong").await, 401);
    let replies = wait_for(&graph, 1).await;
    assert_eq!(replies[0]["to"], "15550009999");
    // Plain HTTP to the HTTPS port is refused, and a client that does not trust the CA fails.
    let untrusting = reqwest::Client::new();
    assert!(
        untrusting
            .get(format!("{base}/health"))
            .send()
            .await
            .is_err()
    );
}
