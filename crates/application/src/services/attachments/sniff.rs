//! What an attachment is, decided from its first bytes, never from its name
//! or from the `Content-Type` its sender claimed.
//!
//! `infer` recognises the content among the many types it knows; only the
//! [`AttachmentType`]s are accepted, and each must then show its complete
//! signature at the very start. `infer` is lenient where a browser is not:
//! it finds `%PDF` anywhere in the first KiB (an HTML page that mentions it
//! would pass) and WebP from bytes 8–11 alone (without `RIFF`).

use rr_domain::resource::AttachmentType;

use crate::AppError;
use crate::ports::ByteSource;

/// Bytes read before deciding: enough for every signature checked here and
/// for `infer`'s other matchers to claim what is not ours.
pub(super) const SNIFF_LEN: usize = 1024;

/// The full signature of each accepted type, at offset 0.
fn has_signature(kind: AttachmentType, head: &[u8]) -> bool {
    match kind {
        AttachmentType::Pdf => head.starts_with(b"%PDF-"),
        AttachmentType::Png => head.starts_with(b"\x89PNG\r\n\x1a\n"),
        AttachmentType::Jpeg => head.starts_with(&[0xff, 0xd8, 0xff]),
        AttachmentType::Gif => head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a"),
        AttachmentType::Webp => {
            head.len() >= 12 && head.starts_with(b"RIFF") && &head[8..12] == b"WEBP"
        }
    }
}

/// The accepted type of content starting with `head`, if any.
#[must_use]
pub fn sniff(head: &[u8]) -> Option<AttachmentType> {
    let detected = infer::get(head)?;
    let kind = AttachmentType::from_media_type(detected.mime_type())?;
    has_signature(kind, head).then_some(kind)
}

/// `head`, then the rest of a source.
struct Prefixed {
    head: Option<Vec<u8>>,
    rest: Box<dyn ByteSource>,
}

#[async_trait::async_trait]
impl ByteSource for Prefixed {
    async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, std::io::Error> {
        match self.head.take() {
            Some(head) => Ok(Some(head)),
            None => self.rest.next_chunk().await,
        }
    }
}

/// The body did not arrive whole.
pub(super) fn incomplete(_: std::io::Error) -> AppError {
    AppError::invalid(
        "body",
        "incomplete_body",
        "Le fichier n'est pas arrivé en entier.",
    )
}

/// Reads the first bytes of `body`, decides its type, and gives the body
/// back whole.
///
/// # Errors
/// [`AppError::Invalid`] `empty_attachment` for an empty body;
/// [`AppError::UnsupportedContent`] `unsupported_attachment_type` for
/// content of any other type than the accepted ones.
pub(super) async fn inspect(
    mut body: Box<dyn ByteSource>,
) -> Result<(AttachmentType, Box<dyn ByteSource>), AppError> {
    let mut head = Vec::new();
    while head.len() < SNIFF_LEN {
        match body.next_chunk().await.map_err(incomplete)? {
            Some(chunk) => head.extend_from_slice(&chunk),
            None => break,
        }
    }
    if head.is_empty() {
        return Err(AppError::invalid(
            "body",
            "empty_attachment",
            "Le fichier est vide.",
        ));
    }
    let kind = sniff(&head).ok_or(AppError::UnsupportedContent("unsupported_attachment_type"))?;
    Ok((
        kind,
        Box::new(Prefixed {
            head: Some(head),
            rest: body,
        }),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn webp() -> Vec<u8> {
        let mut bytes = b"RIFF\x24\x00\x00\x00WEBPVP8 ".to_vec();
        bytes.extend_from_slice(&[0; 24]);
        bytes
    }

    #[test]
    fn each_accepted_type_is_recognised_from_its_bytes() {
        let cases: [(&[u8], AttachmentType); 6] = [
            (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", AttachmentType::Pdf),
            (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", AttachmentType::Png),
            (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", AttachmentType::Jpeg),
            (b"GIF89a\x01\x00\x01\x00", AttachmentType::Gif),
            (b"GIF87a\x01\x00\x01\x00", AttachmentType::Gif),
            (&webp(), AttachmentType::Webp),
        ];
        for (bytes, kind) in cases {
            assert_eq!(sniff(bytes), Some(kind), "{kind:?}");
        }
    }

    #[test]
    fn other_content_is_refused_whatever_it_claims() {
        let html_mentioning_pdf = b"<!DOCTYPE html><p>%PDF-1.4</p><script>alert(1)</script>";
        let webp_without_riff = b"<html><!WEBPVP8 <script>alert(1)</script>";
        let cases: [&[u8]; 9] = [
            b"MZ\x90\x00\x03\x00\x00\x00\x04\x00",                  // Windows executable
            b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00",             // ELF executable
            b"<!DOCTYPE html><html><script>alert(1)</script>",      // HTML
            b"<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>",
            b"PK\x03\x04\x14\x00\x00\x00\x08\x00",                  // zip
            b"Bonjour, ceci est un texte.",
            html_mentioning_pdf,
            webp_without_riff,
        ];
        for bytes in cases {
            assert_eq!(sniff(bytes), None, "{:?}", String::from_utf8_lossy(bytes));
        }
    }
}
