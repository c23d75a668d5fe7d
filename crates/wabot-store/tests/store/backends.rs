//! The two backends for the store suite: a fresh SQLite file per test, and a fresh database per test in
//! a throwaway PostgreSQL cluster that this test binary starts itself (and a watcher stops when the
//! binary exits). Without PostgreSQL server binaries the PostgreSQL tests fail, saying what to install.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;

pub use crate::cluster::{Cluster, start_cluster};
use crate::cluster::{unique, watch_exit};

/// A folder for this test binary's SQLite files, removed once the binary has exited.
fn scratch() -> &'static Path {
    static SCRATCH: OnceLock<PathBuf> = OnceLock::new();
    SCRATCH.get_or_init(|| {
        let dir = std::env::temp_dir().join(unique("wabot_sqlite"));
        std::fs::create_dir_all(&dir).unwrap();
        let remove = format!(
            "while kill -0 {} 2>/dev/null; do sleep 0.5; done; rm -rf {}",
            std::process::id(),
            dir.display()
        );
        watch_exit(&remove);
        dir
    })
}

/// A new, empty SQLite database file.
pub fn sqlite_url() -> String {
    let path = scratch().join(format!("{}.db", unique("wabot_test")));
    format!("sqlite://{}", path.display())
}

/// A new, empty database in the test cluster.
pub fn postgres_url() -> String {
    let cluster = cluster();
    let name = unique("wabot_test");
    let mut admin =
        PgConnection::establish(&cluster.url("postgres")).expect("connect to the test cluster");
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .expect("create a test database");
    cluster.url(&name)
}

/// A cluster of the test's own, for a test that stops it (its database is `postgres`).
pub fn private_cluster() -> Cluster {
    start_cluster()
}

fn cluster() -> &'static Cluster {
    static CLUSTER: OnceLock<Cluster> = OnceLock::new();
    CLUSTER.get_or_init(start_cluster)
}

/// Declares a store test that runs once on SQLite and once on PostgreSQL:
/// `both_backends!(name, |url| async move { ... });`
#[macro_export]
macro_rules! both_backends {
    ($name:ident, |$url:ident| $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn sqlite() {
                let $url = $crate::backends::sqlite_url();
                $body.await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn postgres() {
                let $url = $crate::backends::postgres_url();
                $body.await
            }
        }
    };
}
