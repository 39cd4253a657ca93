//! Which of [`BUCKETS`] buckets an account falls in for a flag group.
//!
//! The bucket is SipHash-2-4 (Aumasson and Bernstein, 2012) under a fixed key
//! of the group's name, a zero byte and the account id's 16 bytes, reduced
//! modulo [`BUCKETS`]. It is written out here, not taken from
//! `std::hash::DefaultHasher`, whose algorithm and keys may change from one
//! Rust release to the next and whose keys are random per process with
//! `RandomState`: the same account must land in the same bucket on every
//! API node, after every restart and every upgrade, or a raised rollout
//! would reshuffle who has the feature. The key is not a secret: the
//! buckets only have to be spread evenly and stay put, not be unguessable
//! (which accounts have a feature is not a security boundary).

use crate::features::FlagKey;
use crate::identity::UserId;

/// Buckets of a rollout: one per basis point (0.01%).
pub const BUCKETS: u16 = 10_000;

/// The fixed SipHash key, 16 bytes. Changing it moves every account to
/// another bucket: never do it.
const KEY: [u8; 16] = *b"rr-feature-flags";

/// The bucket, in `0..BUCKETS`, of `user` in the flags of `group`. Flags of
/// one group put an account in the same bucket, so their rollouts are
/// nested (the accounts at 10% in one are among those at 20% in another);
/// flags of different groups are independent.
#[must_use]
pub fn bucket(group: &FlagKey, user: UserId) -> u16 {
    let mut message = Vec::with_capacity(group.as_str().len() + 17);
    message.extend_from_slice(group.as_str().as_bytes());
    // A key never holds a zero byte: the group ends here, whatever its length.
    message.push(0);
    message.extend_from_slice(user.as_uuid().as_bytes());
    let (k0, k1) = keys(KEY);
    let reduced = siphash24(k0, k1, &message) % u64::from(BUCKETS);
    // Below `BUCKETS`, so it fits; the fallback keeps this total without a panic.
    u16::try_from(reduced).unwrap_or(0)
}

fn keys(key: [u8; 16]) -> (u64, u64) {
    let mut k0 = [0; 8];
    let mut k1 = [0; 8];
    k0.copy_from_slice(&key[..8]);
    k1.copy_from_slice(&key[8..]);
    (u64::from_le_bytes(k0), u64::from_le_bytes(k1))
}

/// One SipRound.
fn round(v: &mut [u64; 4]) {
    v[0] = v[0].wrapping_add(v[1]);
    v[1] = v[1].rotate_left(13);
    v[1] ^= v[0];
    v[0] = v[0].rotate_left(32);
    v[2] = v[2].wrapping_add(v[3]);
    v[3] = v[3].rotate_left(16);
    v[3] ^= v[2];
    v[0] = v[0].wrapping_add(v[3]);
    v[3] = v[3].rotate_left(21);
    v[3] ^= v[0];
    v[2] = v[2].wrapping_add(v[1]);
    v[1] = v[1].rotate_left(17);
    v[1] ^= v[2];
    v[2] = v[2].rotate_left(32);
}

/// SipHash-2-4 of `message` under the key `(k0, k1)` (little-endian halves).
fn siphash24(k0: u64, k1: u64, message: &[u8]) -> u64 {
    let mut v = [
        k0 ^ 0x736f_6d65_7073_6575,
        k1 ^ 0x646f_7261_6e64_6f6d,
        k0 ^ 0x6c79_6765_6e65_7261,
        k1 ^ 0x7465_6462_7974_6573,
    ];
    let mut compress = |m: u64| {
        v[3] ^= m;
        round(&mut v);
        round(&mut v);
        v[0] ^= m;
    };
    let mut words = message.chunks_exact(8);
    for word in &mut words {
        let mut bytes = [0; 8];
        bytes.copy_from_slice(word);
        compress(u64::from_le_bytes(bytes));
    }
    // The last word: the remaining bytes, and the length modulo 256 on top.
    let mut last = [0; 8];
    let tail = words.remainder();
    last[..tail.len()].copy_from_slice(tail);
    last[7] = message.len().to_le_bytes()[0];
    compress(u64::from_le_bytes(last));
    v[2] ^= 0xff;
    for _ in 0..4 {
        round(&mut v);
    }
    v[0] ^ v[1] ^ v[2] ^ v[3]
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    /// The key of the reference test vectors: bytes 0 to 15.
    fn reference_keys() -> (u64, u64) {
        let mut key = [0; 16];
        for (i, byte) in key.iter_mut().enumerate() {
            *byte = u8::try_from(i).unwrap_or(0);
        }
        keys(key)
    }

    /// Bytes 0, 1, …, `len - 1`, as in the reference test vectors.
    fn counting(len: usize) -> Vec<u8> {
        (0..len).map(|i| u8::try_from(i).unwrap_or(0)).collect()
    }

    #[test]
    fn siphash_gives_the_reference_vectors() {
        let (k0, k1) = reference_keys();
        // The paper's appendix A (15 bytes) and the first and a few other
        // entries of the reference implementation's `vectors.h`.
        assert_eq!(siphash24(k0, k1, &counting(0)), 0x726f_db47_dd0e_0e31);
        assert_eq!(siphash24(k0, k1, &counting(15)), 0xa129_ca61_49be_45e5);
    }

    /// std's SipHasher is deprecated and not to be relied on in production,
    /// but it is SipHash-2-4 and serves as a second oracle for every
    /// length, including those around a word boundary.
    #[test]
    #[allow(deprecated)]
    fn siphash_agrees_with_the_standard_library_on_every_length() {
        use std::hash::Hasher as _;
        let (k0, k1) = reference_keys();
        for len in 0..64 {
            let message = counting(len);
            let mut std = std::hash::SipHasher::new_with_keys(k0, k1);
            std.write(&message);
            assert_eq!(siphash24(k0, k1, &message), std.finish(), "{len} bytes");
        }
    }

    fn group(raw: &str) -> FlagKey {
        FlagKey::parse(raw).unwrap_or_else(|e| panic!("{raw}: {e}"))
    }

    fn user(n: u128) -> UserId {
        UserId::from_uuid(Uuid::from_u128(n))
    }

    /// Pinned values: if one changes, every account changes bucket, and
    /// every flag in production changes audience. Never update them.
    #[test]
    fn buckets_never_change_from_one_release_to_the_next() {
        let id = Uuid::parse_str("0193a1ef-7c1a-7b42-9d0e-2f6a1c4b8e55").unwrap_or_default();
        assert_eq!(
            bucket(&group("nouvel-editeur"), UserId::from_uuid(id)),
            PINNED[0]
        );
        assert_eq!(bucket(&group("nouvel-editeur"), user(1)), PINNED[1]);
        assert_eq!(bucket(&group("canary"), user(1)), PINNED[2]);
    }

    /// Computed once, also by an independent implementation of SipHash-2-4.
    const PINNED: [u16; 3] = [2730, 5504, 6211];

    #[test]
    fn an_account_keeps_its_bucket_and_groups_are_independent() {
        let g = group("canary");
        for n in 0..1_000 {
            assert_eq!(bucket(&g, user(n)), bucket(&g, user(n)));
            assert!(bucket(&g, user(n)) < BUCKETS);
        }
        // Another group places accounts elsewhere: about one in BUCKETS by chance.
        let other = group("canary-2");
        let same = (0..10_000)
            .filter(|n| bucket(&g, user(*n)) == bucket(&other, user(*n)))
            .count();
        assert!(
            same < 10,
            "{same} accounts in the same bucket of both groups"
        );
    }
}
