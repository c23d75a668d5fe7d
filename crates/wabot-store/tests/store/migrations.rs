//! Migrations: both folders list the same versions; up, down, up works on both backends; every table
//! loads through `schema.rs` (which catches drift between the SQL and the schema).

use diesel::migration::MigrationSource;
use diesel::prelude::*;
use wabot_store::{AnyConnection, DieselStore, migrations, schema};

#[test]
fn both_backends_have_the_same_migration_versions() {
    let names = |source: &dyn MigrationSource<diesel::sqlite::Sqlite>| -> Vec<String> {
        source
            .migrations()
            .unwrap()
            .iter()
            .map(|m| m.name().to_string())
            .collect()
    };
    let sqlite = names(&migrations::SQLITE);
    let postgres: Vec<String> =
        MigrationSource::<diesel::pg::Pg>::migrations(&migrations::POSTGRES)
            .unwrap()
            .iter()
            .map(|m| m.name().to_string())
            .collect();
    assert!(sqlite.len() >= 2);
    assert_eq!(sqlite, postgres);
}

use crate::support::connect;

/// The tables of campaigns (migrations 000022–000025).
fn load_campaign_tables(connection: &mut AnyConnection) {
    type Time = chrono::NaiveDateTime;
    schema::templates::table
        .select(schema::templates::all_columns)
        .load::<(
            i64,
            Option<String>,
            String,
            String,
            String,
            String,
            Option<String>,
            Option<String>,
            String,
            String,
            String,
            Time,
            Time,
        )>(connection)
        .unwrap();
    schema::campaigns::table
        .select(schema::campaigns::all_columns)
        .load::<(
            i64,
            String,
            i64,
            String,
            Option<String>,
            f64,
            Option<Time>,
            Time,
            Time,
            Time,
            Option<Time>,
            i64,
        )>(connection)
        .unwrap();
    schema::campaign_recipients::table
        .select(schema::campaign_recipients::all_columns)
        .load::<(
            i64,
            i64,
            String,
            String,
            String,
            Option<String>,
            Option<i64>,
            Option<i64>,
            Option<Time>,
            i32,
        )>(connection)
        .unwrap();
}

fn load_every_table(connection: &mut AnyConnection) {
    schema::contacts::table
        .select(schema::contacts::all_columns)
        .load::<(
            i64,
            Option<String>,
            Option<String>,
            Option<String>,
            chrono::NaiveDateTime,
            chrono::NaiveDateTime,
            Option<chrono::NaiveDateTime>,
            Option<chrono::NaiveDateTime>,
            Option<String>,
        )>(connection)
        .unwrap();
    schema::webhook_events::table
        .count()
        .get_result::<i64>(connection)
        .unwrap();
    schema::webhook_events::table
        .select(schema::webhook_events::all_columns)
        .load::<(
            i64,
            chrono::NaiveDateTime,
            String,
            i32,
            Option<chrono::NaiveDateTime>,
            Option<String>,
        )>(connection)
        .unwrap();
    schema::inbound_items::table
        .select(schema::inbound_items::all_columns)
        .load::<(
            i64,
            i64,
            String,
            String,
            i64,
            chrono::NaiveDateTime,
            String,
            String,
            Option<chrono::NaiveDateTime>,
            i32,
            Option<chrono::NaiveDateTime>,
        )>(connection)
        .unwrap();
    schema::sessions::table
        .select(schema::sessions::all_columns)
        .load::<(i64, String, i64, chrono::NaiveDateTime, Option<String>)>(connection)
        .unwrap();
    schema::operators::table
        .select(schema::operators::all_columns)
        .load::<(
            i64,
            String,
            String,
            String,
            bool,
            chrono::NaiveDateTime,
            Option<chrono::NaiveDateTime>,
        )>(connection)
        .unwrap();
    schema::operator_sessions::table
        .select(schema::operator_sessions::all_columns)
        .load::<(
            String,
            i64,
            String,
            chrono::NaiveDateTime,
            chrono::NaiveDateTime,
        )>(connection)
        .unwrap();
    schema::messages::table
        .select((
            schema::messages::id,
            schema::messages::status_rank,
            schema::messages::error_code,
            schema::messages::read_at,
        ))
        .load::<(i64, i32, Option<i64>, Option<chrono::NaiveDateTime>)>(connection)
        .unwrap();
    schema::outbox::table
        .select(schema::outbox::all_columns)
        .load::<(
            i64,
            i64,
            i64,
            String,
            i32,
            chrono::NaiveDateTime,
            Option<String>,
            Option<chrono::NaiveDateTime>,
            Option<String>,
            Option<chrono::NaiveDateTime>,
            i32,
        )>(connection)
        .unwrap();
    load_campaign_tables(connection);
    schema::contact_changes::table
        .select(schema::contact_changes::all_columns)
        .load::<(
            i64,
            i64,
            String,
            Option<String>,
            Option<String>,
            chrono::NaiveDateTime,
        )>(connection)
        .unwrap();
    schema::menu_events::table
        .select(schema::menu_events::all_columns)
        .load::<(
            i64,
            i64,
            String,
            Option<String>,
            chrono::NaiveDateTime,
            Option<i32>,
        )>(connection)
        .unwrap();
    schema::daily_figures::table
        .select({
            use schema::daily_figures::*;
            (
                day,
                (
                    inbound, outbound, accepted, delivered, read, failed, waiting,
                ),
                failures,
                reply_times,
                claim,
                computed_at,
            )
        })
        .load::<(
            chrono::NaiveDate,
            (i64, i64, i64, i64, i64, i64, i64),
            String,
            String,
            i64,
            Option<chrono::NaiveDateTime>,
        )>(connection)
        .unwrap();
    schema::node_visits::table
        .select(schema::node_visits::all_columns)
        .load::<(i64, String, chrono::NaiveDateTime)>(connection)
        .unwrap();
    schema::orders::table
        .select(schema::orders::all_columns)
        .load::<(
            i64,
            String,
            String,
            String,
            String,
            String,
            Option<String>,
            Option<String>,
            Option<i64>,
            Option<String>,
        )>(connection)
        .unwrap();
    schema::defect_tickets::table
        .select(schema::defect_tickets::all_columns)
        .load::<(
            i64,
            String,
            String,
            Option<String>,
            String,
            Option<String>,
            String,
            chrono::NaiveDateTime,
            Option<i64>,
        )>(connection)
        .unwrap();
    schema::defect_ticket_history::table
        .select(schema::defect_ticket_history::all_columns)
        .load::<(i64, i64, String, chrono::NaiveDateTime, Option<String>)>(connection)
        .unwrap();
    schema::schedule_entries::table
        .select(schema::schedule_entries::all_columns)
        .load::<(
            i64,
            String,
            String,
            String,
            String,
            String,
            String,
            Option<String>,
            Option<i64>,
            Option<String>,
        )>(connection)
        .unwrap();
    schema::feedback::table
        .select(schema::feedback::all_columns)
        .load::<(i64, String, String, chrono::NaiveDateTime, Option<i64>)>(connection)
        .unwrap();
}

crate::both_backends!(up_down_up_and_every_table_loads, |url| async move {
    let store = DieselStore::open(&url, 2).await.unwrap();
    drop(store);
    tokio::task::spawn_blocking(move || {
        let mut connection = connect(&url);
        load_every_table(&mut connection);
        let reverted = migrations::revert_all(&mut connection).unwrap();
        assert!(reverted.len() >= 2, "{reverted:?}");
        assert!(
            schema::contacts::table
                .count()
                .get_result::<i64>(&mut connection)
                .is_err(),
            "tables remain after down"
        );
        let applied = migrations::run_pending(&mut connection).unwrap();
        assert_eq!(applied.len(), reverted.len());
        load_every_table(&mut connection);
    })
    .await
    .unwrap();
});

#[tokio::test]
async fn an_unknown_scheme_is_refused_and_creates_no_file() {
    let error = DieselStore::open("postgress://localhost/wabot", 1)
        .await
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("unsupported database URL scheme `postgress`"),
        "{error}"
    );
    assert!(!std::path::Path::new("postgress:").exists());
}

fn sqlite_pragma(url: &str, pragma: &str) -> i64 {
    use diesel::connection::SimpleConnection;
    let path = url.trim_start_matches("sqlite://");
    let mut connection = diesel::SqliteConnection::establish(path).unwrap();
    connection
        .batch_execute("PRAGMA busy_timeout = 1000")
        .unwrap();
    diesel::sql_query(format!("SELECT {pragma} AS value FROM pragma_{pragma}"))
        .get_result::<PragmaValue>(&mut connection)
        .unwrap()
        .value
}

#[derive(QueryableByName)]
struct PragmaValue {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    value: i64,
}

#[tokio::test]
async fn a_new_sqlite_file_gets_small_pages_and_an_old_one_keeps_its_own() {
    let new = crate::backends::sqlite_url();
    let _store = DieselStore::open(&new, 2).await.unwrap();
    assert_eq!(sqlite_pragma(&new, "page_size"), 1024);

    let old = crate::backends::sqlite_url();
    {
        use diesel::connection::SimpleConnection;
        let mut connection =
            diesel::SqliteConnection::establish(old.trim_start_matches("sqlite://")).unwrap();
        connection
            .batch_execute("PRAGMA page_size = 4096; CREATE TABLE before_wabot (x INTEGER);")
            .unwrap();
    }
    let _store = DieselStore::open(&old, 2).await.unwrap();
    assert_eq!(sqlite_pragma(&old, "page_size"), 4096);
}
