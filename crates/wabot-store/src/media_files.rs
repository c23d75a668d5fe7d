//! [`DiskMediaStore`]: the [`MediaStore`] on a local folder. A file is kept under
//! `<folder>/<first two hex digits of its SHA-256>/<SHA-256>`: written to a temporary file in the
//! same folder, synced, then renamed into place, so a reader never sees half a file and a crash
//! leaves at most a stray temporary file. The same bytes are kept once (the name is their hash).
//! An object-store adapter can implement the same port later.

use std::io::Write;
use std::path::{Path, PathBuf};

use ring::digest::{SHA256, digest};
use wabot_app::{MediaStore, StoreError};

/// Media kept in a folder, by content.
#[derive(Clone, Debug)]
pub struct DiskMediaStore {
    folder: PathBuf,
}

/// Lower-case hex of `bytes`.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Whether `key` is a SHA-256 in lower-case hex (nothing else names a file here).
fn is_sha256(key: &str) -> bool {
    key.len() == 64
        && key
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn io_error(what: &str, path: &Path, error: std::io::Error) -> StoreError {
    StoreError::invalid(format!("media file {what} {}: {error}", path.display()))
}

impl DiskMediaStore {
    /// A store in `folder` (created on the first write).
    pub fn new(folder: impl Into<PathBuf>) -> Self {
        Self {
            folder: folder.into(),
        }
    }

    /// Where the file with hash `sha256` lives.
    pub fn path_of(&self, sha256: &str) -> PathBuf {
        self.folder
            .join(&sha256[..2.min(sha256.len())])
            .join(sha256)
    }

    fn write(&self, bytes: &[u8]) -> Result<String, StoreError> {
        let sha256 = hex(digest(&SHA256, bytes).as_ref());
        let path = self.path_of(&sha256);
        if path.exists() {
            return Ok(sha256);
        }
        let dir = path.parent().unwrap_or(&self.folder);
        std::fs::create_dir_all(dir).map_err(|e| io_error("folder", dir, e))?;
        let temporary = dir.join(format!(".{sha256}.{}.tmp", std::process::id()));
        let mut file =
            std::fs::File::create(&temporary).map_err(|e| io_error("create", &temporary, e))?;
        file.write_all(bytes)
            .and_then(|()| file.sync_all())
            .map_err(|e| io_error("write", &temporary, e))?;
        std::fs::rename(&temporary, &path).map_err(|e| io_error("rename", &path, e))?;
        Ok(sha256)
    }

    fn read(&self, sha256: &str) -> Result<Option<Vec<u8>>, StoreError> {
        if !is_sha256(sha256) {
            return Ok(None);
        }
        let path = self.path_of(sha256);
        match std::fs::read(&path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(io_error("read", &path, error)),
        }
    }
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|error| StoreError::invalid(format!("a media file task stopped: {error}")))?
}

impl MediaStore for DiskMediaStore {
    async fn put(&self, bytes: Vec<u8>) -> Result<String, StoreError> {
        let store = self.clone();
        blocking(move || store.write(&bytes)).await
    }

    async fn get(&self, sha256: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let (store, sha256) = (self.clone(), sha256.to_owned());
        blocking(move || store.read(&sha256)).await
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[tokio::test]
    async fn the_same_bytes_are_kept_once_under_their_hash() {
        let folder = std::env::temp_dir().join(format!("wabot-media-{}", std::process::id()));
        let store = DiskMediaStore::new(&folder);
        let key = store.put(b"abc".to_vec()).await.unwrap();
        assert_eq!(
            key,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(store.put(b"abc".to_vec()).await.unwrap(), key);
        assert!(folder.join("ba").join(&key).is_file());
        assert_eq!(std::fs::read_dir(folder.join("ba")).unwrap().count(), 1);
        assert_eq!(store.get(&key).await.unwrap().unwrap(), b"abc");
        assert_eq!(store.get(&"0".repeat(64)).await.unwrap(), None);
        assert_eq!(store.get("../../etc/passwd").await.unwrap(), None);
        std::fs::remove_dir_all(folder).unwrap();
    }
}
