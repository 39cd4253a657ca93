//! An archive at rest: a sequence of frames, each a chunk sealed under the
//! person's data key through [`FieldCipher`] (ADR 0022).
//!
//! A frame is one byte saying whether it is the last (`1`) or not (`0`),
//! the length of the sealed chunk (4 bytes, big-endian), then the sealed
//! chunk. Each chunk is sealed with the field name
//! `data_export:<export id>:<index>:<more|last>` as associated data (the
//! owner's id is bound by the cipher too), so that chunks cannot be
//! reordered, moved to another export or person, dropped from the end, or
//! followed by anything: opening checks all of it.

use std::sync::Arc;

use rr_domain::identity::{ExportId, Sealed, UserId, WrappedKey};

use crate::ports::{CryptoError, FieldCipher};

/// Longest sealed chunk accepted when opening, whatever the chunk size
/// configured when the archive was written: a bound on memory, not a format
/// rule.
const MAX_FRAME: usize = 64 << 20;

/// Length of a frame's header: the flag and the length.
const HEADER: usize = 5;

/// Why an archive cannot be opened.
#[derive(Debug, thiserror::Error)]
pub(super) enum OpenError {
    /// A chunk fails authentication (tampered, reordered, another owner).
    #[error("an archive chunk failed authentication")]
    Crypto(#[from] CryptoError),
    /// The frames are malformed, cut short, or followed by extra bytes.
    #[error("the archive is malformed: {0}")]
    Malformed(&'static str),
}

fn field(export: ExportId, index: u64, last: bool) -> String {
    let position = if last { "last" } else { "more" };
    format!("data_export:{export}:{index}:{position}")
}

/// Seals an archive's chunks, in order.
pub(super) struct Sealer {
    cipher: Arc<dyn FieldCipher>,
    key: WrappedKey,
    owner: UserId,
    export: ExportId,
    index: u64,
}

impl Sealer {
    pub(super) fn new(
        cipher: Arc<dyn FieldCipher>,
        key: WrappedKey,
        owner: UserId,
        export: ExportId,
    ) -> Self {
        Self {
            cipher,
            key,
            owner,
            export,
            index: 0,
        }
    }

    /// The next frame, holding `plaintext`; `last` for the final one.
    pub(super) fn seal(&mut self, plaintext: &[u8], last: bool) -> Result<Vec<u8>, CryptoError> {
        let name = field(self.export, self.index, last);
        let sealed = self.cipher.seal(&self.key, self.owner, &name, plaintext)?;
        let length = u32::try_from(sealed.0.len())
            .map_err(|_| CryptoError::Internal("an archive chunk is too long".into()))?;
        self.index += 1;
        let mut frame = Vec::with_capacity(HEADER + sealed.0.len());
        frame.push(u8::from(last));
        frame.extend_from_slice(&length.to_be_bytes());
        frame.extend_from_slice(&sealed.0);
        Ok(frame)
    }
}

/// Opens an archive's frames as its bytes arrive, in chunks of any size.
pub(super) struct Opener {
    cipher: Arc<dyn FieldCipher>,
    key: WrappedKey,
    owner: UserId,
    export: ExportId,
    index: u64,
    buffer: Vec<u8>,
    finished: bool,
}

impl Opener {
    pub(super) fn new(
        cipher: Arc<dyn FieldCipher>,
        key: WrappedKey,
        owner: UserId,
        export: ExportId,
    ) -> Self {
        Self {
            cipher,
            key,
            owner,
            export,
            index: 0,
            buffer: Vec::new(),
            finished: false,
        }
    }

    /// The plaintext of every frame `bytes` completes (possibly none).
    pub(super) fn push(&mut self, bytes: &[u8]) -> Result<Vec<u8>, OpenError> {
        self.buffer.extend_from_slice(bytes);
        let mut plaintext = Vec::new();
        let mut start = 0;
        while self.buffer.len() - start >= HEADER {
            if self.finished {
                return Err(OpenError::Malformed("bytes after the last chunk"));
            }
            let header = &self.buffer[start..start + HEADER];
            let last = match header[0] {
                0 => false,
                1 => true,
                _ => return Err(OpenError::Malformed("unknown frame flag")),
            };
            let length = u32::from_be_bytes([header[1], header[2], header[3], header[4]]);
            let length = usize::try_from(length).unwrap_or(usize::MAX);
            if length > MAX_FRAME {
                return Err(OpenError::Malformed("a chunk is too long"));
            }
            let end = start + HEADER + length;
            if self.buffer.len() < end {
                break;
            }
            let sealed = Sealed(self.buffer[start + HEADER..end].to_vec());
            let name = field(self.export, self.index, last);
            plaintext.extend(self.cipher.open(&self.key, self.owner, &name, &sealed)?);
            self.index += 1;
            self.finished = last;
            start = end;
        }
        self.buffer.drain(..start);
        if self.finished && !self.buffer.is_empty() {
            return Err(OpenError::Malformed("bytes after the last chunk"));
        }
        Ok(plaintext)
    }

    /// Checks, once the bytes ended, that the last chunk came and nothing
    /// is left over.
    pub(super) fn end(&self) -> Result<(), OpenError> {
        if !self.finished {
            return Err(OpenError::Malformed("the archive is cut short"));
        }
        if !self.buffer.is_empty() {
            return Err(OpenError::Malformed("bytes after the last chunk"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::CryptoError;
    use rr_domain::identity::KeyId;

    /// Seals by prefixing key, owner and field (what authenticated
    /// encryption binds), so that tests see every mismatch.
    struct PrefixCipher;

    impl FieldCipher for PrefixCipher {
        fn new_data_key(&self) -> Result<WrappedKey, CryptoError> {
            Ok(key())
        }

        fn seal(
            &self,
            key: &WrappedKey,
            owner: UserId,
            field: &str,
            plaintext: &[u8],
        ) -> Result<Sealed, CryptoError> {
            let mut bytes = format!("{:?}|{}|{field}|", key.bytes, owner.as_uuid()).into_bytes();
            bytes.extend_from_slice(plaintext);
            Ok(Sealed(bytes))
        }

        fn open(
            &self,
            key: &WrappedKey,
            owner: UserId,
            field: &str,
            sealed: &Sealed,
        ) -> Result<Vec<u8>, CryptoError> {
            let prefix = format!("{:?}|{}|{field}|", key.bytes, owner.as_uuid()).into_bytes();
            sealed
                .0
                .strip_prefix(prefix.as_slice())
                .map(<[u8]>::to_vec)
                .ok_or(CryptoError::Integrity)
        }

        fn current_key_id(&self) -> KeyId {
            KeyId("k1".into())
        }

        fn rewrap(&self, key: &WrappedKey) -> Result<WrappedKey, CryptoError> {
            Ok(key.clone())
        }
    }

    fn key() -> WrappedKey {
        WrappedKey {
            key_id: KeyId("k1".into()),
            bytes: vec![9; 4],
        }
    }

    struct Setup {
        owner: UserId,
        export: ExportId,
    }

    impl Setup {
        fn new() -> Self {
            Self {
                owner: UserId::generate(),
                export: ExportId::generate(),
            }
        }

        fn sealer(&self) -> Sealer {
            Sealer::new(Arc::new(PrefixCipher), key(), self.owner, self.export)
        }

        fn opener(&self) -> Opener {
            Opener::new(Arc::new(PrefixCipher), key(), self.owner, self.export)
        }

        fn archive(&self, chunks: &[&str]) -> Vec<Vec<u8>> {
            let mut sealer = self.sealer();
            chunks
                .iter()
                .enumerate()
                .map(|(i, chunk)| {
                    sealer
                        .seal(chunk.as_bytes(), i + 1 == chunks.len())
                        .unwrap()
                })
                .collect()
        }
    }

    fn open_all(opener: &mut Opener, bytes: &[u8], piece: usize) -> Result<Vec<u8>, OpenError> {
        let mut plaintext = Vec::new();
        for part in bytes.chunks(piece) {
            plaintext.extend(opener.push(part)?);
        }
        opener.end()?;
        Ok(plaintext)
    }

    #[test]
    fn an_archive_opens_whatever_pieces_its_bytes_arrive_in() {
        let setup = Setup::new();
        let bytes = setup.archive(&["{\"a\":", "1", "}"]).concat();
        for piece in [1, 2, 7, 1000] {
            let plaintext = open_all(&mut setup.opener(), &bytes, piece).unwrap();
            assert_eq!(plaintext, b"{\"a\":1}", "pieces of {piece}");
        }
    }

    #[test]
    fn a_truncated_archive_is_refused() {
        let setup = Setup::new();
        let frames = setup.archive(&["one", "two", "three"]);
        let without_last = frames[..2].concat();
        assert!(matches!(
            open_all(&mut setup.opener(), &without_last, 1000),
            Err(OpenError::Malformed(_))
        ));
        let cut = frames.concat();
        assert!(open_all(&mut setup.opener(), &cut[..cut.len() - 1], 1000).is_err());
    }

    #[test]
    fn reordered_or_relabelled_chunks_are_refused() {
        let setup = Setup::new();
        let frames = setup.archive(&["one", "two", "three"]);
        let swapped = [frames[1].clone(), frames[0].clone(), frames[2].clone()].concat();
        assert!(matches!(
            open_all(&mut setup.opener(), &swapped, 1000),
            Err(OpenError::Crypto(CryptoError::Integrity))
        ));
        // The middle chunk claimed as the last: its field name no longer matches.
        let mut relabelled = frames[..2].concat();
        let second = frames[0].len();
        relabelled[second] = 1;
        assert!(open_all(&mut setup.opener(), &relabelled, 1000).is_err());
    }

    #[test]
    fn another_export_or_owner_cannot_open_it() {
        let setup = Setup::new();
        let bytes = setup.archive(&["secret"]).concat();
        let other_export = Setup {
            owner: setup.owner,
            export: ExportId::generate(),
        };
        assert!(open_all(&mut other_export.opener(), &bytes, 1000).is_err());
        let other_owner = Setup {
            owner: UserId::generate(),
            export: setup.export,
        };
        assert!(open_all(&mut other_owner.opener(), &bytes, 1000).is_err());
    }

    #[test]
    fn bytes_after_the_last_chunk_are_refused() {
        let setup = Setup::new();
        let mut bytes = setup.archive(&["a", "b"]).concat();
        bytes.extend(setup.archive(&["c"]).concat());
        assert!(matches!(
            open_all(&mut setup.opener(), &bytes, 1000),
            Err(OpenError::Malformed(_))
        ));
        let mut trailing = setup.archive(&["a"]).concat();
        trailing.push(0);
        assert!(open_all(&mut setup.opener(), &trailing, 1000).is_err());
    }
}
