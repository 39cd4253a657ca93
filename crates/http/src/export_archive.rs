//! The archive of an export (`GET /api/v1/me/exports/{id}/download`): one
//! JSON document, written piece by piece as the person's data is read
//! (ADR 0022).
//!
//! ```json
//! {"format": "ressources-relationnelles/export", "formatVersion": 1,
//!  "exportId": "…", "subjectId": "…", "origin": "self",
//!  "generatedAt": "2026-11-29T10:15:30.123456Z",
//!  "sections": {
//!   "profile": {"description": "…", "rows": [{"id": "…", "email": "…", …}]},
//!   "comments": {"description": "…", "rows": [{…}, …]},
//!   …}}
//! ```
//!
//! Field names are the stored names in camelCase; instants are RFC 3339 in
//! UTC; ids are UUIDs; absent values are `null`. One row per line, so that
//! the archive also reads as text.

use std::collections::BTreeMap;

use rr_application::ports::{
    ArchiveFormat, ArchiveHeader, ArchiveWriter, ExportRow, ExportSection, ExportValue,
};
use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use utoipa::ToSchema;

/// Value of the `format` member.
pub const FORMAT: &str = "ressources-relationnelles/export";

/// Value of the `formatVersion` member: grows when a change would break a
/// reader (a section or field renamed or removed; added ones do not).
pub const FORMAT_VERSION: u32 = 1;

// Documents the archive (and parses it in tests): the bytes are written by
// `JsonArchiveFormat`, never through this type.
/// The archive of an export: everything the platform holds about a person,
/// machine-readable (GDPR Art. 15 and 20).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({
    "format": "ressources-relationnelles/export", "formatVersion": 1,
    "exportId": "0193a1f0-c2b8-7e4f-9d1a-2b3c4d5e6f70",
    "subjectId": "0193a1f0-0000-7e4f-9d1a-2b3c4d5e6f70", "origin": "self",
    "generatedAt": "2026-11-29T10:15:30.123456Z",
    "sections": {"profile": {"description": "Your personal data…",
        "rows": [{"id": "0193a1f0-0000-7e4f-9d1a-2b3c4d5e6f70", "username": "lea.martin",
                  "email": "lea@exemple.fr", "firstName": "Léa", "lastName": "Martin",
                  "country": "FR", "phone": null}]}}
}))]
pub struct ArchiveDocument {
    /// Always `ressources-relationnelles/export`.
    pub format: String,
    /// Version of this format; 1.
    pub format_version: u32,
    /// The export.
    pub export_id: uuid::Uuid,
    /// Whose data it holds.
    pub subject_id: uuid::Uuid,
    /// `self` (the person asked) or `staff` (a staff member answered a
    /// request the person made outside the application).
    pub origin: String,
    /// When production started (RFC 3339, UTC).
    pub generated_at: String,
    /// Each section by name (`profile`, `account`, `consents`, `sessions`,
    /// `resources`, `comments`, …: the list and what each holds are in
    /// docs/api/guide.md, "Exports of one's data"). Every section is
    /// present, empty or not; readers should ignore sections they do not
    /// know.
    pub sections: BTreeMap<String, ArchiveSectionDocument>,
}

/// A section of the archive.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ArchiveSectionDocument {
    /// What its rows are.
    pub description: String,
    /// Its rows: objects whose members are the stored fields in camelCase.
    #[schema(value_type = Vec<Object>)]
    pub rows: Vec<serde_json::Map<String, serde_json::Value>>,
}

/// Archives as one JSON document.
#[derive(Debug, Default, Clone, Copy)]
pub struct JsonArchiveFormat;

impl ArchiveFormat for JsonArchiveFormat {
    fn writer(&self) -> Box<dyn ArchiveWriter> {
        Box::new(JsonWriter::default())
    }

    fn media_type(&self) -> &'static str {
        "application/json"
    }

    fn extension(&self) -> &'static str {
        "json"
    }
}

#[derive(Debug, Default)]
struct JsonWriter {
    buffer: Vec<u8>,
    /// Sections started.
    sections: usize,
    /// Rows written in the current section.
    rows: usize,
}

/// `first_name` as `firstName`.
fn camel(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

impl JsonWriter {
    fn string(&mut self, value: &str) {
        // Serialising a string into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut self.buffer, value);
    }

    fn value(&mut self, value: &ExportValue) {
        match value {
            ExportValue::Null => self.buffer.extend(b"null"),
            ExportValue::Bool(b) => self.buffer.extend(if *b { &b"true"[..] } else { b"false" }),
            ExportValue::Integer(i) => self.buffer.extend(i.to_string().into_bytes()),
            ExportValue::Text(text) => self.string(text),
            ExportValue::Instant(at) => {
                let text = at.format(&Rfc3339).unwrap_or_else(|_| at.to_string());
                self.string(&text);
            }
            ExportValue::Id(id) => self.string(&id.hyphenated().to_string()),
        }
    }

    fn end_section(&mut self) {
        if self.sections > 0 {
            self.buffer
                .extend(if self.rows > 0 { &b"\n]}"[..] } else { b"]}" });
        }
    }
}

impl ArchiveWriter for JsonWriter {
    fn begin(&mut self, header: &ArchiveHeader) {
        self.buffer.extend(b"{\"format\":");
        self.string(FORMAT);
        self.buffer
            .extend(format!(",\"formatVersion\":{FORMAT_VERSION},\"exportId\":").into_bytes());
        self.string(&header.export_id.as_uuid().hyphenated().to_string());
        self.buffer.extend(b",\"subjectId\":");
        self.string(&header.subject.as_uuid().hyphenated().to_string());
        self.buffer.extend(b",\"origin\":");
        self.string(header.origin.as_str());
        self.buffer.extend(b",\"generatedAt\":");
        self.value(&ExportValue::Instant(header.generated_at));
        self.buffer.extend(b",\"sections\":{");
    }

    fn section(&mut self, section: &ExportSection) {
        self.end_section();
        if self.sections > 0 {
            self.buffer.push(b',');
        }
        self.buffer.push(b'\n');
        self.string(section.name);
        self.buffer.extend(b":{\"description\":");
        self.string(section.description);
        self.buffer.extend(b",\"rows\":[");
        self.sections += 1;
        self.rows = 0;
    }

    fn row(&mut self, row: &ExportRow) {
        if self.rows > 0 {
            self.buffer.push(b',');
        }
        self.buffer.extend(b"\n{");
        for (position, (name, value)) in row.fields.iter().enumerate() {
            if position > 0 {
                self.buffer.push(b',');
            }
            self.string(&camel(name));
            self.buffer.push(b':');
            self.value(value);
        }
        self.buffer.push(b'}');
        self.rows += 1;
    }

    fn finish(&mut self) {
        self.end_section();
        self.buffer.extend(b"}}\n");
    }

    fn buffered(&self) -> usize {
        self.buffer.len()
    }

    fn take(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.buffer)
    }
}

#[cfg(test)]
mod tests {
    use rr_domain::identity::{ExportId, ExportOrigin, UserId};
    use time::macros::datetime;

    use super::*;

    fn header() -> ArchiveHeader {
        ArchiveHeader {
            export_id: ExportId::generate(),
            subject: UserId::generate(),
            origin: ExportOrigin::Person,
            generated_at: datetime!(2026-11-29 10:15:30.123456 UTC),
        }
    }

    const A: ExportSection = ExportSection {
        name: "comments",
        description: "Vos « commentaires ».",
    };
    const B: ExportSection = ExportSection {
        name: "recoveryCodes",
        description: "Codes.",
    };

    /// The archive of `sections`, taken in small pieces as the use case does.
    fn archive(sections: &[(ExportSection, Vec<ExportRow>)]) -> Vec<u8> {
        let mut writer = JsonArchiveFormat.writer();
        let mut bytes = Vec::new();
        writer.begin(&header());
        bytes.extend(writer.take());
        for (section, rows) in sections {
            writer.section(section);
            for row in rows {
                writer.row(row);
                assert!(writer.buffered() > 0);
                bytes.extend(writer.take());
            }
        }
        writer.finish();
        bytes.extend(writer.take());
        bytes
    }

    #[test]
    fn every_value_is_written_as_json_and_names_in_camel_case() {
        let row = ExportRow {
            fields: vec![
                ("id", ExportValue::Id(uuid::Uuid::nil())),
                (
                    "body",
                    ExportValue::Text("« Ça va ? »\n\"oui\" \u{1}".into()),
                ),
                ("state_reason", ExportValue::Null),
                ("as_moderator", ExportValue::Bool(false)),
                ("depth", ExportValue::Integer(-2)),
                (
                    "created_at",
                    ExportValue::Instant(datetime!(2026-11-29 10:15:30.5 UTC)),
                ),
            ],
        };
        let bytes = archive(&[(A, vec![row.clone(), row]), (B, Vec::new())]);
        let document: ArchiveDocument = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(document.format, FORMAT);
        assert_eq!(document.format_version, 1);
        assert_eq!(document.origin, "self");
        assert_eq!(document.generated_at, "2026-11-29T10:15:30.123456Z");
        let comments = &document.sections["comments"];
        assert_eq!(comments.description, "Vos « commentaires ».");
        assert_eq!(comments.rows.len(), 2);
        assert_eq!(
            serde_json::Value::Object(comments.rows[0].clone()),
            serde_json::json!({
                "id": "00000000-0000-0000-0000-000000000000",
                "body": "« Ça va ? »\n\"oui\" \u{1}",
                "stateReason": null, "asModerator": false, "depth": -2,
                "createdAt": "2026-11-29T10:15:30.5Z"
            })
        );
        assert!(document.sections["recoveryCodes"].rows.is_empty());
    }

    #[test]
    fn an_archive_without_sections_is_a_document_too() {
        let document: ArchiveDocument = serde_json::from_slice(&archive(&[])).unwrap();
        assert!(document.sections.is_empty());
    }

    #[test]
    fn snake_case_becomes_camel_case() {
        assert_eq!(camel("first_name"), "firstName");
        assert_eq!(camel("id"), "id");
        assert_eq!(camel("resource_type_id"), "resourceTypeId");
    }
}
