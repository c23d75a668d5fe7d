//! Readiness: `ping` answers while the database is there, and fails when the SQLite file is removed or
//! replaced, or the PostgreSQL server is stopped.

use wabot_store::DieselStore;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ping_fails_when_the_sqlite_file_is_gone_or_replaced() {
    let url = crate::backends::sqlite_url();
    let path = std::path::PathBuf::from(url.trim_start_matches("sqlite://"));
    let store = DieselStore::open(&url, 2).await.unwrap();
    store.ping().await.unwrap();

    let moved = path.with_extension("moved");
    std::fs::rename(&path, &moved).unwrap();
    let error = store.ping().await.unwrap_err();
    assert!(error.to_string().contains("is gone"), "{error}");

    std::fs::copy(&moved, &path).unwrap();
    let error = store.ping().await.unwrap_err();
    assert!(error.to_string().contains("was replaced"), "{error}");

    std::fs::remove_file(&path).unwrap();
    std::fs::rename(&moved, &path).unwrap();
    store.ping().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ping_fails_when_postgresql_is_stopped() {
    let cluster = crate::backends::private_cluster();
    let store = DieselStore::open(&cluster.url("postgres"), 2)
        .await
        .unwrap();
    store.ping().await.unwrap();
    cluster.stop();
    assert!(store.ping().await.is_err());
}
