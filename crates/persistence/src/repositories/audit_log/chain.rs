//! The hash chain of the audit log, in a form an outside tool can recompute.
//!
//! `hash = SHA-256(previous_hash ‖ sequence ‖ at ‖ action ‖ 0x00 ‖ actor ‖ 0x00
//! ‖ subject ‖ 0x00 ‖ detail)` where `previous_hash` is the 32 bytes of the
//! previous entry's hash (zeros for the first entry), `sequence` is 8 bytes
//! big-endian, `at` is the UTC instant as stored, in RFC 3339 with exactly six
//! fractional digits (`2026-11-29T12:30:15.123456Z`), actor and subject are
//! hyphenated lower-case UUIDs or nothing, and text is UTF-8.
//!
//! Frozen: changing any of this breaks the verification of every past entry.

use sha2::{Digest, Sha256};
use time::PrimitiveDateTime;
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use uuid::Uuid;

/// The previous hash of the first entry.
pub(crate) const GENESIS: [u8; 32] = [0; 32];

const AT: &[BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z");

/// What one entry's hash covers.
#[derive(Debug)]
pub(crate) struct Link<'a> {
    pub(crate) previous_hash: &'a [u8],
    pub(crate) sequence: u64,
    /// UTC, as stored.
    pub(crate) at: PrimitiveDateTime,
    pub(crate) action: &'a str,
    pub(crate) actor: Option<Uuid>,
    pub(crate) subject: Option<Uuid>,
    pub(crate) detail: &'a str,
}

impl Link<'_> {
    /// The entry's hash.
    ///
    /// # Errors
    /// When `at` cannot be written in RFC 3339 (a year outside 0–9999).
    pub(crate) fn hash(&self) -> Result<Vec<u8>, time::error::Format> {
        let uuid = |id: Option<Uuid>| id.map(|id| id.hyphenated().to_string()).unwrap_or_default();
        let mut hasher = Sha256::new();
        hasher.update(self.previous_hash);
        hasher.update(self.sequence.to_be_bytes());
        hasher.update(self.at.format(AT)?.as_bytes());
        hasher.update(self.action.as_bytes());
        hasher.update([0]);
        hasher.update(uuid(self.actor).as_bytes());
        hasher.update([0]);
        hasher.update(uuid(self.subject).as_bytes());
        hasher.update([0]);
        hasher.update(self.detail.as_bytes());
        Ok(hasher.finalize().to_vec())
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    fn link() -> Link<'static> {
        Link {
            previous_hash: &GENESIS,
            sequence: 1,
            at: datetime!(2026-11-29 12:30:15.5),
            action: "role_changed",
            actor: Some(Uuid::from_u128(1)),
            subject: None,
            detail: "role=moderator",
        }
    }

    /// Recomputed outside Rust:
    /// `python3 -c 'import hashlib; print(hashlib.sha256(bytes(32) + (1).to_bytes(8, "big") +
    /// b"2026-11-29T12:30:15.500000Zrole_changed\0" + b"00000000-0000-0000-0000-000000000001\0"
    /// + b"\0" + b"role=moderator").hexdigest())'`
    #[test]
    fn the_hash_is_the_documented_one() {
        let hex: String = link()
            .hash()
            .unwrap()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(hex, EXPECTED);
    }

    const EXPECTED: &str = "0ea94ec46d503298a4cb7dfbfb8b0c940cc28064d87d6436a12fab56a71fed98";

    #[test]
    fn every_field_is_covered() {
        let base = link().hash().unwrap();
        let other = Uuid::from_u128(2);
        let changes: [Link<'static>; 7] = [
            Link {
                previous_hash: &[1; 32],
                ..link()
            },
            Link {
                sequence: 2,
                ..link()
            },
            Link {
                at: datetime!(2026-11-29 12:30:15.500001),
                ..link()
            },
            Link {
                action: "role_change",
                ..link()
            },
            Link {
                actor: None,
                ..link()
            },
            Link {
                subject: Some(other),
                ..link()
            },
            Link {
                detail: "role=administrator",
                ..link()
            },
        ];
        for changed in changes {
            assert_ne!(changed.hash().unwrap(), base, "{changed:?}");
        }
    }
}
