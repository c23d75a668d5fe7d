//! A throwaway PostgreSQL cluster for tests: `initdb` and `pg_ctl` on a free port, started by the
//! test binary itself and stopped (its folder removed) by a watcher once the binary exits. Shared
//! by the store suite (`backends.rs`) and the server's end-to-end tests (included by path, so the
//! two suites start clusters one way). Without PostgreSQL server binaries it fails, saying what to
//! install.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

static NEXT: AtomicUsize = AtomicUsize::new(0);

/// A name no other test of this binary uses.
pub fn unique(prefix: &str) -> String {
    format!(
        "{prefix}_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// Runs `script` in the background; it is meant to wait for this process to exit.
pub fn watch_exit(script: &str) {
    // The watcher outlives us on purpose, so it is never waited for.
    #[allow(clippy::zombie_processes)]
    Command::new("sh")
        .args(["-c", script])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start an exit watcher");
}

pub struct Cluster {
    port: u16,
    pg_ctl: PathBuf,
    data: PathBuf,
    root: bool,
}

impl Cluster {
    pub fn url(&self, database: &str) -> String {
        format!("postgres://wabot@127.0.0.1:{}/{database}", self.port)
    }

    /// Stops the server now (fast shutdown: connections are cut).
    pub fn stop(&self) {
        let mut stop = as_server_user(&self.pg_ctl, self.root);
        stop.arg("-D")
            .arg(&self.data)
            .args(["-w", "-m", "fast", "stop"]);
        run(stop, "pg_ctl stop");
    }
}

/// Where `initdb` and `pg_ctl` are: $WABOT_PG_BIN, `pg_config --bindir`, or Debian's folder.
fn server_binaries() -> PathBuf {
    if let Some(dir) = std::env::var_os("WABOT_PG_BIN") {
        return PathBuf::from(dir);
    }
    let mut candidates: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path().join("bin"))
        .collect();
    candidates.sort();
    if let Ok(output) = Command::new("pg_config").arg("--bindir").output() {
        candidates.push(PathBuf::from(
            String::from_utf8_lossy(&output.stdout).trim(),
        ));
    }
    candidates
        .into_iter()
        .rev()
        .find(|dir| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file())
        .unwrap_or_else(|| {
            panic!(
                "PostgreSQL server binaries (initdb, pg_ctl) were not found. Install the server \
                 (Debian: apt-get install postgresql) or set WABOT_PG_BIN to their folder."
            )
        })
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

/// A command run as the `postgres` user when we are root (PostgreSQL refuses to run as root).
fn as_server_user(program: &Path, root: bool) -> Command {
    if root {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--"]).arg(program);
        command
    } else {
        Command::new(program)
    }
}

fn run(mut command: Command, what: &str) {
    let output = command
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        output.status.success(),
        "{what} failed: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Starts a cluster of the caller's own (its database is `postgres`, its user `wabot`).
pub fn start_cluster() -> Cluster {
    let bin = server_binaries();
    let root = is_root();
    let dir = std::env::temp_dir().join(unique("wabot_pg"));
    std::fs::create_dir_all(&dir).unwrap();
    if root {
        let mut chown = Command::new("chown");
        chown.args(["postgres:postgres"]).arg(&dir);
        run(chown, "chown the cluster folder to postgres");
    }
    let data = dir.join("data");
    let mut initdb = as_server_user(&bin.join("initdb"), root);
    initdb
        .arg("-D")
        .arg(&data)
        .args(["-A", "trust", "-U", "wabot", "-E", "UTF8", "--no-sync"]);
    run(initdb, "initdb");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let options = format!(
        "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200",
        dir.display()
    );
    let mut start = as_server_user(&bin.join("pg_ctl"), root);
    start
        .arg("-D")
        .arg(&data)
        .arg("-l")
        .arg(dir.join("server.log"))
        .args(["-w", "-o", &options, "start"]);
    run(start, "pg_ctl start");
    // Stop the cluster and remove its folder once this test binary has exited.
    let stop = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 0.5; done; {runas}{pg_ctl} -D {data} stop -m immediate; rm -rf {dir}",
        pid = std::process::id(),
        runas = if root { "runuser -u postgres -- " } else { "" },
        pg_ctl = bin.join("pg_ctl").display(),
        data = data.display(),
        dir = dir.display(),
    );
    watch_exit(&stop);
    Cluster {
        port,
        pg_ctl: bin.join("pg_ctl"),
        data,
        root,
    }
}
