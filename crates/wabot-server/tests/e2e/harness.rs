//! Starting the real `wabot` binary against a fake Graph API (wiremock), and sending it signed
//! webhooks. The server binds port 0 itself and the harness reads the address from the banner it
//! prints, so no port is picked here and handed over (another process could take it in between).

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use wabot_cloud_api::sign;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

pub const SECRET: &str = "e2e-app-secret";
pub const VERIFY: &str = "e2e-verify-token";
pub const TOKEN: &str = "e2e-access-token";
pub const PHONE: &str = "PN1";
pub const ADMIN: &str = "e2e-admin-token-0123456789";

static NEXT: AtomicU64 = AtomicU64::new(1);

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A fresh folder for one test's database.
pub fn scratch() -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "wabot_e2e_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A fake Graph API that accepts every message with a fresh id, and lists one approved marketing
/// template (`fall_sale`, two body parameters) for `WABA1`, the account every server here names.
pub async fn graph() -> MockServer {
    let server = MockServer::start().await;
    accept_all(&server).await;
    Mock::given(method("GET"))
        .and(path("/v23.0/WABA1/message_templates"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [{
            "id": "920070352646140", "name": "fall_sale", "language": "en_US",
            "category": "MARKETING", "status": "APPROVED", "components": [
                {"text": "Hi {{1}}, our Fall Sale is on! Use promo code {{2}}", "type": "BODY"}]}],
            "paging": {"cursors": {"before": "A", "after": "B"}}})))
        .with_priority(10)
        .mount(&server)
        .await;
    server
}

/// Mounts the catch-all success answer (lowest priority).
pub async fn accept_all(server: &MockServer) {
    let counter = AtomicU64::new(1);
    Mock::given(method("POST"))
        .and(path(format!("/v23.0/{PHONE}/messages")))
        .respond_with(move |_: &Request| {
            let n = counter.fetch_add(1, Ordering::Relaxed);
            ResponseTemplate::new(200).set_body_json(json!({
                "messaging_product": "whatsapp",
                "contacts": [{"input": "x", "wa_id": "x"}],
                "messages": [{"id": format!("wamid.sent.{n}")}]
            }))
        })
        .with_priority(10)
        .mount(server)
        .await;
}

/// Everything the servers started in `dir` logged (also after they stopped): their standard error,
/// in `server-N.log` (their standard output, the banner, goes to `stdout-N.log`).
pub fn logs_in(dir: &Path) -> String {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter(|entry| entry.file_name().to_string_lossy().starts_with("server-"))
        .map(|entry| std::fs::read_to_string(entry.path()).unwrap_or_default())
        .collect()
}

/// The running binary; killed when dropped.
pub struct Wabot {
    child: Child,
    pub base: String,
    pub dir: PathBuf,
    graph_url: String,
}

fn command(dir: &Path, graph_url: &str, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_wabot"));
    command
        .args(args)
        .current_dir(repo())
        .env("WABOT__SERVER__BIND", "127.0.0.1:0")
        .env(
            "WABOT__DATABASE__URL",
            format!("sqlite://{}", dir.join("wabot.db").display()),
        )
        .env("WABOT__META__API_BASE_URL", graph_url)
        .env("WABOT__META__ACCESS_TOKEN", TOKEN)
        .env("WABOT__META__PHONE_NUMBER_ID", PHONE)
        .env("WABOT__META__WABA_ID", "WABA1")
        .env("WABOT__META__APP_SECRET", SECRET)
        .env("WABOT__META__VERIFY_TOKEN", VERIFY)
        .env("WABOT__ADMIN__API_TOKEN", ADMIN)
        .env("WABOT__MEDIA__FOLDER", dir.join("media"))
        .env("WABOT__WORKERS__POLL_INTERVAL_MS", "50")
        .env("WABOT__WORKERS__LEASE_SECONDS", "2")
        .env("WABOT__META__TIMEOUT_SECONDS", "1")
        .env("WABOT__LOG__FORMAT", "json")
        .env("RUST_LOG", "info")
        .stdin(Stdio::null());
    command
}

impl Wabot {
    /// Starts `wabot serve` with its database in `dir`, and waits until it listens.
    pub fn start(dir: &Path, graph: &MockServer) -> Self {
        Self::start_with(dir, graph, &[])
    }

    /// Starts `wabot serve` with more (or overriding) environment variables, and waits for its
    /// banner, which says where it listens.
    pub fn start_with(dir: &Path, graph: &MockServer, env: &[(&str, &str)]) -> Self {
        Self::start_args(dir, graph, &["serve"], env)
    }

    /// Starts the binary with `args` (e.g. `--config DIR serve`) and waits for its banner.
    pub fn start_args(dir: &Path, graph: &MockServer, args: &[&str], env: &[(&str, &str)]) -> Self {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let log = std::fs::File::create(dir.join(format!("server-{n}.log"))).unwrap();
        let mut child = command(dir, &graph.uri(), args)
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .expect("start wabot");
        let stdout = child.stdout.take().unwrap();
        let banner = drain(stdout, dir.join(format!("stdout-{n}.log")));
        // A server that fails to start closes its output: the wait ends at once.
        let base = banner
            .recv_timeout(Duration::from_secs(20))
            .unwrap_or_else(|error| {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "wabot did not start ({error}); see {}:\n{}",
                    dir.display(),
                    logs_in(dir)
                )
            });
        Self {
            child,
            base,
            dir: dir.to_owned(),
            graph_url: graph.uri(),
        }
    }

    /// Runs another subcommand (e.g. `seed-demo`) with the same settings.
    pub fn run(&self, args: &[&str]) -> String {
        let output = command(&self.dir, &self.graph_url, args).output().unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// Runs another subcommand with the same settings and returns what it did, failing or not.
    pub fn command(&self, args: &[&str]) -> std::process::Output {
        self.command_with(args, &[])
    }

    /// [`Wabot::command`] with more (or overriding) environment variables.
    pub fn command_with(&self, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
        command(&self.dir, &self.graph_url, args)
            .envs(env.iter().copied())
            .output()
            .unwrap()
    }

    /// Runs another subcommand with `input` as its standard input (e.g. a password).
    pub fn run_with_input(&self, args: &[&str], input: &str) -> String {
        let mut child = command(&self.dir, &self.graph_url, args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(format!("{input}\n").as_bytes())
            .unwrap();
        let output = child.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// Kills the process at once (SIGKILL), as a crash would.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Asks the process to stop (SIGTERM) and waits for it; returns how long it took.
    pub fn terminate(mut self) -> Duration {
        let started = Instant::now();
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
        started.elapsed()
    }

    /// Sends SIGHUP (reload the menu).
    pub fn hangup(&self) {
        let _ = Command::new("kill")
            .args(["-HUP", &self.child.id().to_string()])
            .status();
    }

    /// Everything it logged.
    pub fn log(&self) -> String {
        logs_in(&self.dir)
    }
}

impl Drop for Wabot {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Reads the server's standard output until it ends, copying it to `copy`: sends the base URL of the
/// banner line (`wabot listening on http://ADDRESS — …`) when it comes, and keeps reading afterwards
/// so that the server never blocks on a full pipe.
fn drain(stdout: ChildStdout, copy: PathBuf) -> mpsc::Receiver<String> {
    let (banner, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let mut copy = std::fs::File::create(copy).ok();
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(rest) = line.strip_prefix("wabot listening on ") {
                let base = rest.split_whitespace().next().unwrap_or_default();
                let _ = banner.send(base.to_owned());
            }
            if let Some(file) = copy.as_mut() {
                let _ = writeln!(file, "{line}");
            }
        }
    });
    receiver
}

/// A webhook with one text (or interactive) message from `from`.
pub fn message_webhook(from: &str, id: &str, content: Value) -> String {
    let mut message = json!({"from": from, "id": id, "timestamp": "1795000000"});
    for (key, value) in content.as_object().unwrap() {
        message[key] = value.clone();
    }
    json!({"object": "whatsapp_business_account", "entry": [{"id": "WABA", "changes": [{"field": "messages", "value": {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550000000", "phone_number_id": PHONE},
        "contacts": [{"profile": {"name": "E2E"}, "wa_id": from}],
        "messages": [message]
    }}]}]})
    .to_string()
}

/// A text message's content.
pub fn text(body: &str) -> Value {
    json!({"type": "text", "text": {"body": body}})
}

/// A list reply's content.
pub fn list_reply(id: &str, title: &str) -> Value {
    json!({"type": "interactive", "interactive": {"type": "list_reply", "list_reply": {"id": id, "title": title}}})
}

/// POSTs `body` signed with `secret`; returns the status code.
pub async fn post_signed(client: &reqwest::Client, base: &str, body: &str, secret: &str) -> u16 {
    client
        .post(format!("{base}/webhook"))
        .header(
            "X-Hub-Signature-256",
            sign(secret.as_bytes(), body.as_bytes()),
        )
        .header("Content-Type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// Every JSON body POSTed to the fake Graph API's `/messages`, in order: messages and read
/// receipts.
async fn posted(graph: &MockServer) -> Vec<Value> {
    graph
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|request| request.url.path().ends_with("/messages"))
        .map(|request| serde_json::from_slice(&request.body).unwrap())
        .collect()
}

/// Whether a body is a read receipt (`"status": "read"`) rather than a message.
fn is_receipt(body: &Value) -> bool {
    body["status"] == "read"
}

/// The messages the fake Graph API received, in order (read receipts left out).
pub async fn sent(graph: &MockServer) -> Vec<Value> {
    posted(graph)
        .await
        .into_iter()
        .filter(|body| !is_receipt(body))
        .collect()
}

/// The ids of the customer messages the server marked read, in the order it did.
pub async fn marked_read(graph: &MockServer) -> Vec<String> {
    posted(graph)
        .await
        .iter()
        .filter(|body| is_receipt(body))
        .map(|body| body["message_id"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// Waits until the fake Graph API has received at least `count` messages; returns them.
pub async fn wait_for(graph: &MockServer, count: usize) -> Vec<Value> {
    let posted = wait_posted(graph, "messages", count, |body| !is_receipt(body)).await;
    posted
        .into_iter()
        .filter(|body| !is_receipt(body))
        .collect()
}

/// Waits until the server has marked at least `count` customer messages read; returns their ids.
pub async fn wait_marked(graph: &MockServer, count: usize) -> Vec<String> {
    wait_posted(graph, "read receipts", count, is_receipt).await;
    marked_read(graph).await
}

/// Waits (up to 30 s) until at least `count` of the bodies POSTed to `/messages` are `wanted`.
async fn wait_posted(
    graph: &MockServer,
    what: &str,
    count: usize,
    wanted: impl Fn(&Value) -> bool,
) -> Vec<Value> {
    let started = Instant::now();
    loop {
        let bodies = posted(graph).await;
        let seen = bodies.iter().filter(|body| wanted(body)).count();
        if seen >= count {
            return bodies;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "only {seen} of {count} {what} arrived"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Waits for `count` messages, then `settle` more for any that should not come; returns them all.
pub async fn wait_and_settle(graph: &MockServer, count: usize, settle: Duration) -> Vec<Value> {
    wait_for(graph, count).await;
    tokio::time::sleep(settle).await;
    sent(graph).await
}

/// What the server's `/metrics` shows now.
pub async fn metrics(wabot: &Wabot) -> String {
    reqwest::get(format!("{}/metrics", wabot.base))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// The text a customer would see in a sent body (text body, interactive body and options).
pub fn shown(body: &Value) -> String {
    let mut out = body
        .pointer("/text/body")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    if let Some(interactive) = body.get("interactive") {
        for pointer in ["/header/text", "/body/text"] {
            if let Some(text) = interactive.pointer(pointer).and_then(Value::as_str) {
                out.push_str(text);
                out.push('\n');
            }
        }
        for row in interactive
            .pointer("/action/sections/0/rows")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            out.push_str(row["title"].as_str().unwrap_or_default());
            out.push('\n');
        }
        for button in interactive
            .pointer("/action/buttons")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            out.push_str(button["reply"]["title"].as_str().unwrap_or_default());
            out.push('\n');
        }
    }
    out
}
