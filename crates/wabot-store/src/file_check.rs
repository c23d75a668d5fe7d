//! [`DatabaseFile`]: for readiness, whether the SQLite file this store opened is still there, still
//! the same file, and readable. Open connections keep working on a deleted or replaced file, so a
//! query alone would report ready while every write went to a file that is gone at the next start.

use std::fs::File;
use std::path::PathBuf;

use wabot_app::StoreError;

/// The identity of the SQLite file at open.
#[derive(Clone, Debug)]
pub(crate) struct DatabaseFile {
    path: PathBuf,
    identity: (u64, u64),
}

#[cfg(unix)]
fn identity(metadata: &std::fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (metadata.dev(), metadata.ino())
}

#[cfg(not(unix))]
fn identity(_metadata: &std::fs::Metadata) -> (u64, u64) {
    (0, 0)
}

impl DatabaseFile {
    /// Remembers the file at `path` (which the pools have just opened).
    pub(crate) fn remember(path: &str) -> Result<Self, StoreError> {
        let path = PathBuf::from(path);
        let metadata = std::fs::metadata(&path)
            .map_err(|error| StoreError::unavailable(path.display(), error))?;
        Ok(Self {
            identity: identity(&metadata),
            path,
        })
    }

    /// Fails when the file was removed, replaced or made unreadable.
    pub(crate) fn check(&self) -> Result<(), StoreError> {
        let shown = self.path.display();
        let metadata = std::fs::metadata(&self.path).map_err(|error| {
            StoreError::unavailable(format_args!("the database file {shown} is gone"), error)
        })?;
        if identity(&metadata) != self.identity {
            return Err(StoreError::unreachable(format!(
                "the database file {shown} was replaced since the start; restart to use the new one"
            )));
        }
        File::open(&self.path).map_err(|error| {
            StoreError::unavailable(
                format_args!("the database file {shown} cannot be read"),
                error,
            )
        })?;
        Ok(())
    }
}
