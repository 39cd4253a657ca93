//! Files attached to a resource (course PDFs, images): their display name,
//! the types accepted, and the address of their content.
//!
//! A file name is shown to people and offered to browsers when they download;
//! it is never a path. The content lives apart, addressed by its SHA-256
//! ([`BlobDigest`]), and its type is what the bytes say ([`AttachmentType`]),
//! never what the name says.

use std::fmt;

use uuid::Uuid;

use crate::DomainError;

/// Identifier of an attachment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AttachmentId(Uuid);

impl AttachmentId {
    /// Wraps an existing identifier.
    #[must_use]
    pub const fn from_uuid(id: Uuid) -> Self {
        Self(id)
    }

    /// A new, time-ordered identifier.
    #[must_use]
    pub fn generate() -> Self {
        Self(Uuid::now_v7())
    }

    /// The identifier as a UUID.
    #[must_use]
    pub const fn as_uuid(&self) -> Uuid {
        self.0
    }
}

/// Characters that reorder or hide text around them (bidirectional
/// overrides and isolates, zero-width marks): `cours\u{202e}fdp.exe` would
/// read as `coursexe.pdf`.
fn is_deceptive(c: char) -> bool {
    matches!(
        c,
        '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}'
    )
}

/// The name an attachment is shown and downloaded under: 1 to 255 bytes of
/// UTF-8 (trimmed), without control or text-direction characters, without
/// `/` or `\`, and not starting with a dot (which also rules out `.` and
/// `..`). A display name only: the content is stored under its digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileName(String);

impl FileName {
    /// Longest name, in bytes of UTF-8 (the usual limit of file systems).
    pub const MAX_BYTES: usize = 255;

    /// Parses a file name (trimmed).
    ///
    /// # Errors
    /// [`DomainError::InvalidFileName`] when empty, longer than
    /// [`Self::MAX_BYTES`] bytes, starting with a dot, or holding a control
    /// character, a text-direction character, `/` or `\`.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let name = raw.trim();
        let valid = !name.is_empty()
            && name.len() <= Self::MAX_BYTES
            && !name.starts_with('.')
            && !name
                .chars()
                .any(|c| c.is_control() || is_deceptive(c) || matches!(c, '/' | '\\'));
        if valid {
            Ok(Self(name.to_owned()))
        } else {
            Err(DomainError::InvalidFileName)
        }
    }

    /// The name.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for FileName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The types of content an attachment may have, recognised from the bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AttachmentType {
    /// A PDF document.
    Pdf,
    /// A PNG image.
    Png,
    /// A JPEG image.
    Jpeg,
    /// A WebP image.
    Webp,
    /// A GIF image.
    Gif,
}

impl AttachmentType {
    /// Every accepted type.
    pub const ALL: [Self; 5] = [Self::Pdf, Self::Png, Self::Jpeg, Self::Webp, Self::Gif];

    /// Its media type, as stored and served in `Content-Type`.
    #[must_use]
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Png => "image/png",
            Self::Jpeg => "image/jpeg",
            Self::Webp => "image/webp",
            Self::Gif => "image/gif",
        }
    }

    /// The type whose media type is `media_type`, if accepted.
    #[must_use]
    pub fn from_media_type(media_type: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.media_type() == media_type)
    }
}

/// The address of stored content: the lower-case hexadecimal SHA-256 of its
/// bytes, 64 characters. Equal content, equal address.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BlobDigest(String);

impl BlobDigest {
    /// Length of the hexadecimal form.
    pub const LEN: usize = 64;

    /// The address of content whose SHA-256 is `sha256`.
    #[must_use]
    pub fn from_sha256(sha256: [u8; 32]) -> Self {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut hex = String::with_capacity(Self::LEN);
        for byte in sha256 {
            hex.push(char::from(HEX[usize::from(byte >> 4)]));
            hex.push(char::from(HEX[usize::from(byte & 0x0f)]));
        }
        Self(hex)
    }

    /// Parses the hexadecimal form: exactly 64 of `0-9a-f`.
    #[must_use]
    pub fn parse(hex: &str) -> Option<Self> {
        (hex.len() == Self::LEN && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
            .then(|| Self(hex.to_owned()))
    }

    /// The hexadecimal form.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for BlobDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn ordinary_names_are_kept_trimmed() {
        for name in [
            "cours.pdf",
            "Fiche n°3 — écouter son ado.pdf",
            "a..b.png",
            "photo (1).JPG",
            "sans extension",
        ] {
            assert_eq!(FileName::parse(name).unwrap().as_str(), name);
        }
        assert_eq!(
            FileName::parse("  cours.pdf ").unwrap().as_str(),
            "cours.pdf"
        );
    }

    #[test]
    fn names_that_could_be_paths_or_deceive_are_refused() {
        let long = format!("{}.pdf", "é".repeat(126));
        assert!(long.len() > FileName::MAX_BYTES);
        for name in [
            "",
            "   ",
            ".",
            "..",
            ".htaccess",
            "../etc/passwd",
            "..\\windows\\win.ini",
            "cours/../../secret.pdf",
            "/etc/passwd",
            "C:\\cours.pdf",
            "cours\u{0}.pdf",
            "cours\n.pdf",
            "cours\u{7f}.pdf",
            "cours\u{202e}fdp.exe",
            &long,
        ] {
            assert_eq!(
                FileName::parse(name),
                Err(DomainError::InvalidFileName),
                "{name:?}"
            );
        }
        assert!(FileName::parse(&"a".repeat(255)).is_ok());
        assert!(FileName::parse(&"a".repeat(256)).is_err());
    }

    #[test]
    fn media_types_round_trip() {
        for kind in AttachmentType::ALL {
            assert_eq!(
                AttachmentType::from_media_type(kind.media_type()),
                Some(kind)
            );
        }
        assert_eq!(AttachmentType::from_media_type("text/html"), None);
        assert_eq!(AttachmentType::from_media_type("image/svg+xml"), None);
    }

    #[test]
    fn digests_are_lower_case_hexadecimal() {
        let digest = BlobDigest::from_sha256([0xab; 32]);
        assert_eq!(digest.as_str(), "ab".repeat(32));
        assert_eq!(BlobDigest::parse(digest.as_str()), Some(digest));
        assert_eq!(BlobDigest::parse(&"AB".repeat(32)), None);
        assert_eq!(BlobDigest::parse(&"ab".repeat(31)), None);
        assert_eq!(BlobDigest::parse(&format!("../{}", "a".repeat(61))), None);
    }

    proptest! {
        #[test]
        fn an_accepted_name_is_never_a_path(raw in "\\PC{0,300}") {
            if let Ok(name) = FileName::parse(&raw) {
                let name = name.as_str();
                prop_assert!(!name.contains(['/', '\\']));
                prop_assert!(!name.starts_with('.'));
                prop_assert!(name.len() <= FileName::MAX_BYTES);
                prop_assert!(!name.chars().any(char::is_control));
            }
        }
    }
}
