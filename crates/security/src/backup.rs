//! The backup container: encrypted to offline age recipients, signed with
//! Ed25519, verifiable without decrypting (ADR 0029).
//!
//! ```text
//! "RRBACKUP" 0x01              magic and container version (9 bytes)
//! u32 LE, header (JSON)        what the file is: kind, backup id, schema, signer
//! age (binary)                 the payload, encrypted to one or more X25519 recipients
//! trailer (112 bytes)          "RRBKSIG1", u64 LE length of everything before it,
//!                              SHA-256 of everything before it, Ed25519 signature
//! ```
//!
//! The signature covers the SHA-256 of every byte before the trailer, header
//! included, so `verify` needs the public signing key only: a flipped byte, a
//! truncated file or a file signed by another key is refused before anything
//! is decrypted. The payload's own integrity (every chunk authenticated, the
//! last one marked) is age's.

use std::fmt;
use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom, Write};
use std::path::Path;

use age::secrecy::ExposeSecret as _;
use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{
    DecodePrivateKey as _, DecodePublicKey as _, EncodePrivateKey as _, EncodePublicKey as _,
};
use ed25519_dalek::{Signature, Signer as _, SigningKey, Verifier as _, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};
use zeroize::Zeroizing;

const MAGIC: &[u8; 9] = b"RRBACKUP\x01";
const TRAILER_MAGIC: &[u8; 8] = b"RRBKSIG1";
const TRAILER_LEN: u64 = 8 + 8 + 32 + 64;
const MAX_HEADER_LEN: u32 = 64 * 1024;
const SIGNATURE_CONTEXT: &[u8] = b"rr-backup signature v1\0";

/// Why a backup file is refused or could not be written.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// Reading or writing failed.
    #[error("{0}")]
    Io(#[from] io::Error),
    /// The file does not start like a backup of this format.
    #[error("not a backup file (no RRBACKUP header)")]
    NotABackup,
    /// The file is shorter than it says, or ends without its signature block.
    #[error("truncated: {0}")]
    Truncated(String),
    /// The content does not hash to what was signed.
    #[error("altered: the content's SHA-256 differs from the one signed (a byte was changed)")]
    Altered,
    /// The signature does not verify with the public key given.
    #[error(
        "signature does not match this public key (file signed by key {signed_by}, public key given is {given})"
    )]
    WrongSigner {
        /// Fingerprint the header names.
        signed_by: String,
        /// Fingerprint of the key given.
        given: String,
    },
    /// The header cannot be read.
    #[error("unreadable header: {0}")]
    Header(String),
    /// None of the identities opens the payload.
    #[error("not encrypted to this identity (none of the given age identities opens it)")]
    NotForThisIdentity,
    /// The payload failed to decrypt or is cut short.
    #[error("the encrypted payload is damaged: {0}")]
    Payload(String),
    /// A key could not be read.
    #[error("key: {0}")]
    Key(String),
}

/// What a container holds, readable without decrypting it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContainerHeader {
    /// `data` or `keyring`.
    pub kind: String,
    /// The backup this file belongs to (a data file and its keyring share it).
    pub backup_id: uuid::Uuid,
    /// When the snapshot was taken (RFC 3339, UTC).
    pub created_at: String,
    /// The last migration applied to the source database.
    pub schema_version: String,
    /// `sqlite` or `mariadb`.
    pub source_engine: String,
    /// The recipients the payload is encrypted to (`age1…`).
    pub recipients: Vec<String>,
    /// [`fingerprint`] of the signing key.
    pub signing_key: String,
}

/// The Ed25519 key that signs backups.
pub struct BackupSigningKey(SigningKey);

impl BackupSigningKey {
    /// A fresh random key.
    #[must_use]
    pub fn generate() -> Self {
        Self(SigningKey::generate(&mut rand::rng()))
    }

    /// Reads a PKCS#8 PEM private key.
    ///
    /// # Errors
    /// [`BackupError::Key`] when `pem` is not an Ed25519 private key.
    pub fn from_pkcs8_pem(pem: &str) -> Result<Self, BackupError> {
        SigningKey::from_pkcs8_pem(pem)
            .map(Self)
            .map_err(|_| BackupError::Key("not an Ed25519 private key in PKCS#8 PEM".into()))
    }

    /// The key as PKCS#8 PEM.
    ///
    /// # Errors
    /// [`BackupError::Key`] if the encoding fails.
    pub fn to_pkcs8_pem(&self) -> Result<Zeroizing<String>, BackupError> {
        self.0
            .to_pkcs8_pem(LineEnding::LF)
            .map_err(|err| BackupError::Key(err.to_string()))
    }

    /// Its public half.
    #[must_use]
    pub fn verifying_key(&self) -> BackupVerifyingKey {
        BackupVerifyingKey(self.0.verifying_key())
    }
}

impl fmt::Debug for BackupSigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BackupSigningKey")
            .field("public", &self.verifying_key().fingerprint())
            .finish_non_exhaustive()
    }
}

/// The public key that checks backup signatures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupVerifyingKey(VerifyingKey);

impl BackupVerifyingKey {
    /// Reads a public key in SPKI PEM (`-----BEGIN PUBLIC KEY-----`).
    ///
    /// # Errors
    /// [`BackupError::Key`] when `pem` is not an Ed25519 public key.
    pub fn from_public_key_pem(pem: &str) -> Result<Self, BackupError> {
        VerifyingKey::from_public_key_pem(pem)
            .map(Self)
            .map_err(|_| BackupError::Key("not an Ed25519 public key in PEM".into()))
    }

    /// The key as SPKI PEM.
    ///
    /// # Errors
    /// [`BackupError::Key`] if the encoding fails.
    pub fn to_public_key_pem(&self) -> Result<String, BackupError> {
        self.0
            .to_public_key_pem(LineEnding::LF)
            .map_err(|err| BackupError::Key(err.to_string()))
    }

    /// A short name for the key: the first 8 bytes of the SHA-256 of its
    /// 32 bytes, in hexadecimal.
    #[must_use]
    pub fn fingerprint(&self) -> String {
        let digest = Sha256::digest(self.0.as_bytes());
        digest[..8].iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// An age X25519 identity (private key) and its recipient, freshly made.
#[must_use]
pub fn generate_identity() -> (Zeroizing<String>, String) {
    let identity = age::x25519::Identity::generate();
    let recipient = identity.to_public().to_string();
    (
        Zeroizing::new(identity.to_string().expose_secret().to_owned()),
        recipient,
    )
}

/// Parses `age1…` recipients.
///
/// # Errors
/// [`BackupError::Key`] naming the first one that is not an X25519 recipient.
pub fn parse_recipients(recipients: &[String]) -> Result<Vec<age::x25519::Recipient>, BackupError> {
    recipients
        .iter()
        .map(|text| {
            text.trim()
                .parse::<age::x25519::Recipient>()
                .map_err(|_| BackupError::Key(format!("{text:?} is not an age X25519 recipient")))
        })
        .collect()
}

/// Reads the identities (`AGE-SECRET-KEY-1…`, one per line, `#` comments)
/// of an identity file.
///
/// # Errors
/// [`BackupError::Key`] when a line is not an X25519 identity or there is none.
pub fn parse_identities(text: &str) -> Result<Vec<age::x25519::Identity>, BackupError> {
    let identities = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .enumerate()
        .map(|(n, line)| {
            line.parse::<age::x25519::Identity>().map_err(|_| {
                BackupError::Key(format!("line {} is not an age X25519 identity", n + 1))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    if identities.is_empty() {
        return Err(BackupError::Key(
            "the identity file holds no identity".into(),
        ));
    }
    Ok(identities)
}

/// Counts and hashes what goes through it.
struct Hashing<W> {
    inner: W,
    hasher: Sha256,
    len: u64,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.len += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Writes a container: the plaintext written to it is encrypted as it comes;
/// [`SealedWriter::finish`] signs it.
pub struct SealedWriter<W: Write> {
    stream: age::stream::StreamWriter<Hashing<W>>,
    key: SigningKey,
}

impl<W: Write> fmt::Debug for SealedWriter<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SealedWriter").finish_non_exhaustive()
    }
}

impl<W: Write> SealedWriter<W> {
    /// Starts a container on `out`. `header.recipients` and
    /// `header.signing_key` are filled in from `recipients` and `key`.
    ///
    /// # Errors
    /// [`BackupError::Key`] without recipients; [`BackupError::Io`] when
    /// writing fails.
    pub fn start(
        out: W,
        mut header: ContainerHeader,
        recipients: &[age::x25519::Recipient],
        key: &BackupSigningKey,
    ) -> Result<Self, BackupError> {
        if recipients.is_empty() {
            return Err(BackupError::Key("at least one recipient is needed".into()));
        }
        header.recipients = recipients.iter().map(ToString::to_string).collect();
        header.signing_key = key.verifying_key().fingerprint();
        let header = serde_json::to_vec(&header).map_err(|e| BackupError::Header(e.to_string()))?;
        let mut out = Hashing {
            inner: out,
            hasher: Sha256::new(),
            len: 0,
        };
        out.write_all(MAGIC)?;
        out.write_all(
            &u32::try_from(header.len())
                .unwrap_or(u32::MAX)
                .to_le_bytes(),
        )?;
        out.write_all(&header)?;
        let encryptor =
            age::Encryptor::with_recipients(recipients.iter().map(|r| r as &dyn age::Recipient))
                .map_err(|err| BackupError::Key(err.to_string()))?;
        let stream = encryptor.wrap_output(out)?;
        Ok(Self {
            stream,
            key: key.0.clone(),
        })
    }

    /// Ends the payload and appends the signature block; returns the output.
    ///
    /// # Errors
    /// [`BackupError::Io`] when writing fails.
    pub fn finish(self) -> Result<W, BackupError> {
        let Hashing {
            mut inner,
            hasher,
            len,
        } = self.stream.finish()?;
        let digest: [u8; 32] = hasher.finalize().into();
        let signature = self.key.sign(&signed_message(len, &digest));
        inner.write_all(TRAILER_MAGIC)?;
        inner.write_all(&len.to_le_bytes())?;
        inner.write_all(&digest)?;
        inner.write_all(&signature.to_bytes())?;
        inner.flush()?;
        Ok(inner)
    }
}

impl<W: Write> Write for SealedWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.stream.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.stream.flush()
    }
}

fn signed_message(len: u64, digest: &[u8; 32]) -> Vec<u8> {
    let mut message = SIGNATURE_CONTEXT.to_vec();
    message.extend_from_slice(&len.to_le_bytes());
    message.extend_from_slice(digest);
    message
}

/// A container whose signature was checked.
#[derive(Debug, Clone)]
pub struct Verified {
    /// Its header.
    pub header: ContainerHeader,
    /// Size of the file in bytes.
    pub size: u64,
    /// SHA-256 of everything before the signature block, in hexadecimal.
    pub sha256: String,
    payload_start: u64,
    payload_end: u64,
}

impl Verified {
    /// Bytes of the encrypted payload.
    #[must_use]
    pub fn payload_len(&self) -> u64 {
        self.payload_end - self.payload_start
    }
}

/// Reads only the header of the container at `path` (no check of anything).
///
/// # Errors
/// [`BackupError::NotABackup`] or [`BackupError::Header`].
pub fn read_header(path: &Path) -> Result<ContainerHeader, BackupError> {
    let mut file = BufReader::new(File::open(path)?);
    read_header_from(&mut file).map(|(header, _)| header)
}

fn read_header_from(file: &mut impl Read) -> Result<(ContainerHeader, u64), BackupError> {
    let mut magic = [0_u8; 9];
    file.read_exact(&mut magic)
        .map_err(|_| BackupError::NotABackup)?;
    if &magic != MAGIC {
        return Err(BackupError::NotABackup);
    }
    let mut len = [0_u8; 4];
    file.read_exact(&mut len)
        .map_err(|_| BackupError::Truncated("the file ends inside its header".into()))?;
    let len = u32::from_le_bytes(len);
    if len > MAX_HEADER_LEN {
        return Err(BackupError::Header(format!("header of {len} bytes")));
    }
    let mut header = vec![0_u8; len as usize];
    file.read_exact(&mut header)
        .map_err(|_| BackupError::Truncated("the file ends inside its header".into()))?;
    let header =
        serde_json::from_slice(&header).map_err(|err| BackupError::Header(err.to_string()))?;
    Ok((header, MAGIC.len() as u64 + 4 + u64::from(len)))
}

/// Checks the container at `path`: complete, unaltered, signed by `key`.
/// Reads the whole file once; decrypts nothing.
///
/// # Errors
/// [`BackupError::Truncated`], [`BackupError::Altered`],
/// [`BackupError::WrongSigner`], [`BackupError::NotABackup`] or
/// [`BackupError::Header`], each naming what failed.
pub fn verify(path: &Path, key: &BackupVerifyingKey) -> Result<Verified, BackupError> {
    let mut file = File::open(path)?;
    let size = file.metadata()?.len();
    let mut reader = BufReader::with_capacity(1 << 20, &mut file);
    let (header, payload_start) = read_header_from(&mut reader)?;
    drop(reader);
    if size < payload_start + TRAILER_LEN {
        return Err(BackupError::Truncated(format!(
            "{size} bytes, too short to hold the payload and its signature block"
        )));
    }
    let mut trailer = [0_u8; TRAILER_LEN as usize];
    file.seek(SeekFrom::End(-(TRAILER_LEN as i64)))?;
    file.read_exact(&mut trailer)?;
    if &trailer[..8] != TRAILER_MAGIC {
        return Err(BackupError::Truncated(
            "the signature block at the end of the file is missing".into(),
        ));
    }
    let signed_len = u64::from_le_bytes(trailer[8..16].try_into().unwrap_or_default());
    if signed_len != size - TRAILER_LEN {
        return Err(BackupError::Truncated(format!(
            "the signature block covers {signed_len} bytes but {} precede it",
            size - TRAILER_LEN
        )));
    }
    let mut expected = [0_u8; 32];
    expected.copy_from_slice(&trailer[16..48]);
    let signature = Signature::from_bytes(trailer[48..].try_into().unwrap_or(&[0; 64]));

    file.seek(SeekFrom::Start(0))?;
    let mut hasher = Sha256::new();
    let mut limited = (&mut file).take(signed_len);
    let mut buffer = vec![0_u8; 1 << 20];
    loop {
        let n = limited.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
    }
    let digest: [u8; 32] = hasher.finalize().into();
    if digest != expected {
        return Err(BackupError::Altered);
    }
    if key
        .0
        .verify(&signed_message(signed_len, &digest), &signature)
        .is_err()
    {
        return Err(BackupError::WrongSigner {
            signed_by: header.signing_key.clone(),
            given: key.fingerprint(),
        });
    }
    Ok(Verified {
        header,
        size,
        sha256: digest.iter().map(|b| format!("{b:02x}")).collect(),
        payload_start,
        payload_end: signed_len,
    })
}

/// The decrypted payload of a [`verify`]ed container, as a stream.
///
/// # Errors
/// [`BackupError::NotForThisIdentity`] when no identity opens it;
/// [`BackupError::Payload`] when its age header is damaged.
pub fn open_payload(
    path: &Path,
    verified: &Verified,
    identities: &[age::x25519::Identity],
) -> Result<PayloadReader, BackupError> {
    let mut file = File::open(path)?;
    file.seek(SeekFrom::Start(verified.payload_start))?;
    let limited = BufReader::with_capacity(
        1 << 20,
        file.take(verified.payload_end - verified.payload_start),
    );
    let decryptor = age::Decryptor::new_buffered(limited).map_err(payload_error)?;
    let reader = decryptor
        .decrypt(identities.iter().map(|i| i as &dyn age::Identity))
        .map_err(payload_error)?;
    Ok(PayloadReader(BufReader::with_capacity(1 << 20, reader)))
}

fn payload_error(err: age::DecryptError) -> BackupError {
    match err {
        age::DecryptError::NoMatchingKeys => BackupError::NotForThisIdentity,
        other => BackupError::Payload(other.to_string()),
    }
}

/// The plaintext of a container.
pub struct PayloadReader(BufReader<age::stream::StreamReader<BufReader<io::Take<File>>>>);

impl fmt::Debug for PayloadReader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PayloadReader").finish_non_exhaustive()
    }
}

impl Read for PayloadReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read(buf)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn header() -> ContainerHeader {
        ContainerHeader {
            kind: "data".into(),
            backup_id: uuid::Uuid::now_v7(),
            created_at: "2026-11-29T00:00:00Z".into(),
            schema_version: "m1".into(),
            source_engine: "sqlite".into(),
            recipients: vec![],
            signing_key: String::new(),
        }
    }

    struct Sealed {
        _dir: tempfile::TempDir,
        path: std::path::PathBuf,
        key: BackupSigningKey,
        identity: age::x25519::Identity,
        payload: Vec<u8>,
    }

    fn sealed() -> Sealed {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.rrbackup");
        let key = BackupSigningKey::generate();
        let (identity, recipient) = generate_identity();
        let identity = parse_identities(&identity).unwrap().remove(0);
        let payload: Vec<u8> = (0..200_000_u32).flat_map(u32::to_le_bytes).collect();
        let recipients = parse_recipients(&[recipient]).unwrap();
        let mut writer =
            SealedWriter::start(File::create(&path).unwrap(), header(), &recipients, &key).unwrap();
        writer.write_all(&payload).unwrap();
        writer.finish().unwrap();
        Sealed {
            _dir: dir,
            path,
            key,
            identity,
            payload,
        }
    }

    #[test]
    fn a_sealed_file_verifies_and_opens() {
        let s = sealed();
        let verified = verify(&s.path, &s.key.verifying_key()).unwrap();
        assert_eq!(verified.header.kind, "data");
        assert_eq!(
            verified.header.signing_key,
            s.key.verifying_key().fingerprint()
        );
        let mut plain = Vec::new();
        open_payload(&s.path, &verified, std::slice::from_ref(&s.identity))
            .unwrap()
            .read_to_end(&mut plain)
            .unwrap();
        assert_eq!(plain, s.payload);
    }

    #[test]
    fn the_plaintext_is_not_in_the_file() {
        let s = sealed();
        let bytes = std::fs::read(&s.path).unwrap();
        let needle = &s.payload[4000..4032];
        assert!(!bytes.windows(needle.len()).any(|w| w == needle));
    }

    #[test]
    fn every_region_flipped_is_refused() {
        let s = sealed();
        let original = std::fs::read(&s.path).unwrap();
        let len = original.len();
        // Magic, header, age header, payload, trailer digest, signature.
        for at in [3, 20, 200, len / 2, len - 100, len - 10] {
            let mut bytes = original.clone();
            bytes[at] ^= 0x01;
            std::fs::write(&s.path, &bytes).unwrap();
            let err = verify(&s.path, &s.key.verifying_key()).unwrap_err();
            assert!(
                matches!(
                    err,
                    BackupError::Altered
                        | BackupError::Truncated(_)
                        | BackupError::WrongSigner { .. }
                        | BackupError::NotABackup
                        | BackupError::Header(_)
                ),
                "byte {at}: {err}"
            );
        }
        let mut bytes = original.clone();
        bytes[len / 2] ^= 0x80;
        std::fs::write(&s.path, &bytes).unwrap();
        assert!(matches!(
            verify(&s.path, &s.key.verifying_key()),
            Err(BackupError::Altered)
        ));
    }

    #[test]
    fn a_truncated_file_is_refused() {
        let s = sealed();
        let original = std::fs::read(&s.path).unwrap();
        for keep in [
            original.len() - 1,
            original.len() - 112,
            original.len() / 2,
            30,
            5,
        ] {
            std::fs::write(&s.path, &original[..keep]).unwrap();
            let err = verify(&s.path, &s.key.verifying_key()).unwrap_err();
            assert!(
                matches!(err, BackupError::Truncated(_) | BackupError::NotABackup),
                "kept {keep}: {err}"
            );
        }
    }

    #[test]
    fn another_signing_key_is_refused() {
        let s = sealed();
        let other = BackupSigningKey::generate().verifying_key();
        let err = verify(&s.path, &other).unwrap_err();
        assert!(matches!(err, BackupError::WrongSigner { .. }), "{err}");
        assert!(err.to_string().contains(&other.fingerprint()));
    }

    #[test]
    fn another_identity_cannot_open_it() {
        let s = sealed();
        let verified = verify(&s.path, &s.key.verifying_key()).unwrap();
        let (other, _) = generate_identity();
        let other = parse_identities(&other).unwrap();
        assert!(matches!(
            open_payload(&s.path, &verified, &other),
            Err(BackupError::NotForThisIdentity)
        ));
    }

    #[test]
    fn keys_round_trip_through_pem() {
        let key = BackupSigningKey::generate();
        let again = BackupSigningKey::from_pkcs8_pem(&key.to_pkcs8_pem().unwrap()).unwrap();
        assert_eq!(again.verifying_key(), key.verifying_key());
        let public = key.verifying_key().to_public_key_pem().unwrap();
        assert_eq!(
            BackupVerifyingKey::from_public_key_pem(&public).unwrap(),
            key.verifying_key()
        );
        assert!(BackupVerifyingKey::from_public_key_pem("nope").is_err());
        assert!(parse_recipients(&["age1nope".into()]).is_err());
        assert!(parse_identities("# only a comment\n").is_err());
    }
}
