//! Development keys, made once on the developer's machine.

use std::fs::{self, OpenOptions};
use std::io::{self, Write as _};
use std::path::Path;

use zeroize::Zeroizing;

use super::settings::DEFAULT_ACCESS_TOKEN_TTL_SECS;
use super::{
    JwtSigningKey, KeyError, KeySettings, MasterKeySource, SigningKeySource, SymmetricKey,
};

/// Id given to the keys [`generate_development_keys`] makes.
pub const DEVELOPMENT_KEY_ID: &str = "dev-1";

/// Creates development keys under `dir` (created if needed) unless they are
/// already there, and returns settings pointing at them. Existing files are
/// never overwritten, so running it again keeps the data readable.
///
/// Files, each readable by the owner only (0600): `master-dev-1.key` and
/// `blind-index.key` (32 random bytes each) and `jwt-dev-1.pem` (an Ed25519
/// key in PKCS#8 PEM). Issuer and audience are `ressources-relationnelles`
/// and `ressources-relationnelles-api`.
///
/// # Errors
/// [`KeyError::Write`] when the folder or a file cannot be created.
pub fn generate_development_keys(dir: &Path) -> Result<KeySettings, KeyError> {
    create_private_dir(dir)?;
    let master_file = dir.join(format!("master-{DEVELOPMENT_KEY_ID}.key"));
    let blind_index_file = dir.join("blind-index.key");
    let jwt_file = dir.join(format!("jwt-{DEVELOPMENT_KEY_ID}.pem"));

    write_new_secret(&master_file, || {
        Ok(Zeroizing::new(SymmetricKey::generate().expose().to_vec()))
    })?;
    write_new_secret(&blind_index_file, || {
        Ok(Zeroizing::new(SymmetricKey::generate().expose().to_vec()))
    })?;
    write_new_secret(&jwt_file, || {
        let pem = JwtSigningKey::generate(DEVELOPMENT_KEY_ID).to_pkcs8_pem()?;
        Ok(Zeroizing::new(pem.as_bytes().to_vec()))
    })?;

    Ok(KeySettings {
        master_keys: vec![MasterKeySource {
            id: DEVELOPMENT_KEY_ID.into(),
            file: Some(master_file),
            value: None,
        }],
        current_master_key: DEVELOPMENT_KEY_ID.into(),
        blind_index_key_file: blind_index_file,
        jwt_signing_keys: vec![SigningKeySource {
            id: DEVELOPMENT_KEY_ID.into(),
            file: jwt_file,
        }],
        current_jwt_key: DEVELOPMENT_KEY_ID.into(),
        jwt_issuer: "ressources-relationnelles".into(),
        jwt_audience: "ressources-relationnelles-api".into(),
        access_token_ttl_secs: DEFAULT_ACCESS_TOKEN_TTL_SECS,
    })
}

fn create_private_dir(dir: &Path) -> Result<(), KeyError> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(|source| KeyError::Write {
        path: dir.to_owned(),
        source,
    })
}

/// Writes `make()` to `path` with mode 0600, unless `path` exists. A file
/// left incomplete by a failed write is removed, so that the next run makes it.
fn write_new_secret(
    path: &Path,
    make: impl FnOnce() -> Result<Zeroizing<Vec<u8>>, KeyError>,
) -> Result<(), KeyError> {
    let bytes = make()?;
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let write_error = |source| KeyError::Write {
        path: path.to_owned(),
        source,
    };
    let mut file = match options.open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Ok(()),
        Err(e) => return Err(write_error(e)),
    };
    if let Err(e) = file.write_all(&bytes).and_then(|()| file.sync_all()) {
        drop(file);
        let _ = fs::remove_file(path);
        return Err(write_error(e));
    }
    Ok(())
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::keys::load;
    use rr_domain::identity::KeyId;
    use std::time::Duration;

    pub(in crate::keys) fn generated() -> (tempfile::TempDir, KeySettings) {
        let dir = tempfile::tempdir().unwrap();
        let settings = generate_development_keys(&dir.path().join("keys")).unwrap();
        (dir, settings)
    }

    #[test]
    fn generated_development_keys_load() {
        let (_dir, settings) = generated();

        let material = load(&settings).unwrap();

        assert_eq!(material.current_master_key(), &KeyId("dev-1".into()));
        assert_eq!(material.master_keys().len(), 1);
        assert_eq!(material.current_jwt_key(), "dev-1");
        assert_eq!(material.access_token_ttl(), Duration::from_mins(15));
        assert_ne!(
            material.blind_index_key().expose(),
            material.master_keys()[0].key().expose()
        );
    }

    #[cfg(unix)]
    #[test]
    fn generated_files_are_private() {
        use std::os::unix::fs::PermissionsExt as _;
        let (_dir, settings) = generated();
        for path in [
            settings.master_keys[0].file.clone().unwrap(),
            settings.blind_index_key_file.clone(),
            settings.jwt_signing_keys[0].file.clone(),
        ] {
            let mode = fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{}", path.display());
        }
    }

    #[test]
    fn generating_again_never_overwrites() {
        let (dir, settings) = generated();
        let master = fs::read(settings.master_keys[0].file.as_ref().unwrap()).unwrap();
        let pem = fs::read(&settings.jwt_signing_keys[0].file).unwrap();

        generate_development_keys(&dir.path().join("keys")).unwrap();

        assert_eq!(
            fs::read(settings.master_keys[0].file.as_ref().unwrap()).unwrap(),
            master
        );
        assert_eq!(fs::read(&settings.jwt_signing_keys[0].file).unwrap(), pem);
    }
}
