//! `wabot backup`: a consistent copy of a live SQLite database, taken with `VACUUM INTO` on a
//! connection of its own while the server keeps writing (WAL mode: the copy is the database as
//! of one moment, every commit before it included, none after it). PostgreSQL is refused with the
//! way to do it there (`pg_dump`), since the server cannot see the database's machine.

use std::path::Path;

use diesel::sql_types::Text;
use diesel::{RunQueryDsl, sql_query};
use r2d2::ManageConnection;
use wabot_app::StoreError;

use crate::connection::{AnyConnection, DatabaseUrl, Manager};
use crate::store::DieselStore;

/// What a backup wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Backup {
    /// The copy's size in bytes.
    pub bytes: u64,
}

fn refuse(message: String) -> StoreError {
    StoreError::Config(message)
}

fn copy(url: &DatabaseUrl, target: &Path) -> Result<Backup, StoreError> {
    let DatabaseUrl::Sqlite { path } = url else {
        return Err(refuse(
            "`wabot backup` copies a SQLite database; on PostgreSQL use its own tools, e.g. \
             `pg_dump --format=custom --file wabot.dump \"$WABOT__DATABASE__URL\"` (restore with \
             `pg_restore --clean --if-exists --dbname URL wabot.dump`)"
                .to_owned(),
        ));
    };
    if !Path::new(path).is_file() {
        return Err(refuse(format!("there is no database at {path} to back up")));
    }
    if target.exists() {
        return Err(refuse(format!(
            "{} exists already; choose a new file (a backup never overwrites)",
            target.display()
        )));
    }
    match target.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(folder) if !folder.is_dir() => {
            return Err(refuse(format!(
                "the folder {} does not exist",
                folder.display()
            )));
        }
        _ => {}
    }
    let Some(target_text) = target.to_str() else {
        return Err(refuse(format!("{} is not valid UTF-8", target.display())));
    };
    let mut connection = Manager::new(url.clone())
        .connect()
        .map_err(|error| StoreError::unavailable(url, error))?;
    let AnyConnection::Sqlite(sqlite) = &mut connection else {
        return Err(refuse("a SQLite URL opened another backend".to_owned()));
    };
    sql_query("VACUUM INTO ?")
        .bind::<Text, _>(target_text)
        .execute(sqlite)
        .map_err(StoreError::database)?;
    let bytes = std::fs::metadata(target)
        .map(|meta| meta.len())
        .map_err(|error| refuse(format!("{}: {error}", target.display())))?;
    Ok(Backup { bytes })
}

impl DieselStore {
    /// Copies the SQLite database at `url` to the new file `target` while it is in use; refuses
    /// PostgreSQL (saying how to use `pg_dump`), a `target` that exists, and a missing database.
    pub async fn backup(url: &str, target: &Path) -> Result<Backup, StoreError> {
        let url = DatabaseUrl::parse(url)?;
        let target = target.to_owned();
        tokio::task::spawn_blocking(move || copy(&url, &target))
            .await
            .map_err(|error| StoreError::unavailable("backing up the database", error))?
    }
}
