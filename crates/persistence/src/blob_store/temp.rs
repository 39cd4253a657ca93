//! Temporary files of uploads in progress, removed unless persisted.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// Names of temporary files: `upload-<uuid>.tmp`, directly in the root.
const PREFIX: &str = "upload-";
const SUFFIX: &str = ".tmp";

/// A temporary file that is removed when dropped, unless
/// [`TempFile::persist`] moved it into place.
#[derive(Debug)]
pub(super) struct TempFile {
    path: PathBuf,
    persisted: bool,
}

impl TempFile {
    /// A new, empty file in `root`, open for writing, readable by its owner only.
    pub(super) async fn create(root: &Path) -> std::io::Result<(Self, tokio::fs::File)> {
        let path = root.join(format!("{PREFIX}{}{SUFFIX}", uuid::Uuid::new_v4().simple()));
        let mut options = tokio::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        options.mode(0o600);
        let file = options.open(&path).await?;
        Ok((
            Self {
                path,
                persisted: false,
            },
            file,
        ))
    }

    /// Renames the file to `target` (atomic within one file system).
    pub(super) async fn persist(&mut self, target: &Path) -> std::io::Result<()> {
        tokio::fs::rename(&self.path, target).await?;
        self.persisted = true;
        Ok(())
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.persisted {
            // Synchronous on purpose: a dropped upload future must not leave
            // the file behind, and unlinking one file is quick.
            if let Err(err) = std::fs::remove_file(&self.path)
                && err.kind() != std::io::ErrorKind::NotFound
            {
                tracing::warn!(error = %err, "a temporary upload file could not be removed");
            }
        }
    }
}

/// Removes the temporary files in `root` older than `age`: uploads a crash
/// interrupted. Younger ones may belong to an upload in progress elsewhere.
pub(super) fn sweep(root: &Path, age: Duration) -> std::io::Result<()> {
    let now = SystemTime::now();
    for entry in std::fs::read_dir(root)? {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let temporary = name.starts_with(PREFIX) && name.ends_with(SUFFIX);
        if !(temporary && entry.file_type()?.is_file()) {
            continue;
        }
        let modified = entry.metadata()?.modified()?;
        if now.duration_since(modified).unwrap_or_default() > age {
            std::fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}
