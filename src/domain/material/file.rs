//! The file formats a cohort material may be, read from its bytes: PDFs, images, Office
//! Open XML and OpenDocument files (zip containers, typed by what they hold), and text.

use std::io::Read;

labelled_enum!(FileFormat {
    Pdf = "pdf", "PDF";
    Word = "docx", "Word document";
    Excel = "xlsx", "Excel spreadsheet";
    PowerPoint = "pptx", "PowerPoint presentation";
    OdfText = "odt", "OpenDocument text";
    OdfSpreadsheet = "ods", "OpenDocument spreadsheet";
    OdfPresentation = "odp", "OpenDocument presentation";
    Png = "png", "PNG image";
    Jpeg = "jpeg", "JPEG image";
    Gif = "gif", "GIF image";
    Webp = "webp", "WebP image";
    Text = "text", "Plain text";
});

impl FileFormat {
    pub fn content_type(self) -> &'static str {
        match self {
            FileFormat::Pdf => "application/pdf",
            FileFormat::Word => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            FileFormat::Excel => {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
            FileFormat::PowerPoint => {
                "application/vnd.openxmlformats-officedocument.presentationml.presentation"
            }
            FileFormat::OdfText => "application/vnd.oasis.opendocument.text",
            FileFormat::OdfSpreadsheet => "application/vnd.oasis.opendocument.spreadsheet",
            FileFormat::OdfPresentation => "application/vnd.oasis.opendocument.presentation",
            FileFormat::Png => "image/png",
            FileFormat::Jpeg => "image/jpeg",
            FileFormat::Gif => "image/gif",
            FileFormat::Webp => "image/webp",
            FileFormat::Text => "text/plain; charset=utf-8",
        }
    }

    /// The extension a downloaded copy should have, whatever name it was uploaded with.
    pub fn extension(self) -> &'static str {
        match self {
            FileFormat::Jpeg => "jpg",
            FileFormat::Text => "txt",
            other => other.as_str(),
        }
    }

    /// Images open in the browser; every other file downloads.
    pub fn is_image(self) -> bool {
        matches!(
            self,
            FileFormat::Png | FileFormat::Jpeg | FileFormat::Gif | FileFormat::Webp
        )
    }
}

/// Why a file is not accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refused {
    /// Not one of the formats above (an old binary Office file, an SVG, a program…).
    Unrecognised,
    /// An Office or OpenDocument file that carries macros.
    Macros,
}

/// The most of a zip member read to type it: `[Content_Types].xml` is a few kilobytes.
const MEMBER_LIMIT: u64 = 256 * 1024;

/// What a file is, from its bytes: a PDF, an image (PNG, JPEG, GIF, WebP), a Word, Excel
/// or PowerPoint document (the zip container's `[Content_Types].xml` names its main part),
/// an OpenDocument text, spreadsheet or presentation (its `mimetype` member), or UTF-8
/// plain text. Office files with macros, templates and anything else are refused.
pub fn sniff(bytes: &[u8]) -> Result<FileFormat, Refused> {
    if let Some(known) = crate::domain::upload::sniff(bytes) {
        return Ok(match known.content_type {
            "application/pdf" => FileFormat::Pdf,
            "image/png" => FileFormat::Png,
            "image/jpeg" => FileFormat::Jpeg,
            "image/gif" => FileFormat::Gif,
            "image/webp" => FileFormat::Webp,
            _ => return Err(Refused::Unrecognised),
        });
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return office(bytes);
    }
    if is_plain_text(bytes) {
        return Ok(FileFormat::Text);
    }
    Err(Refused::Unrecognised)
}

/// A zip container: an Office Open XML or OpenDocument file, or refused.
fn office(bytes: &[u8]) -> Result<FileFormat, Refused> {
    let mut archive =
        zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|_| Refused::Unrecognised)?;
    let names: Vec<String> = archive.file_names().map(str::to_ascii_lowercase).collect();
    if names.iter().any(|name| {
        name.ends_with("vbaproject.bin")
            || name.starts_with("basic/")
            || name.starts_with("scripts/")
    }) {
        return Err(Refused::Macros);
    }
    if let Some(mimetype) = member(&mut archive, "mimetype") {
        return match mimetype.trim() {
            "application/vnd.oasis.opendocument.text" => Ok(FileFormat::OdfText),
            "application/vnd.oasis.opendocument.spreadsheet" => Ok(FileFormat::OdfSpreadsheet),
            "application/vnd.oasis.opendocument.presentation" => Ok(FileFormat::OdfPresentation),
            _ => Err(Refused::Unrecognised),
        };
    }
    let types = member(&mut archive, "[Content_Types].xml").ok_or(Refused::Unrecognised)?;
    if types.to_ascii_lowercase().contains("macroenabled") {
        return Err(Refused::Macros);
    }
    // The main part's content type, exactly: a template (dotx, xltx, potx) or a slide show
    // has another and is refused.
    const MAIN_PARTS: [(&str, FileFormat); 3] = [
        (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
            FileFormat::Word,
        ),
        (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            FileFormat::Excel,
        ),
        (
            "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
            FileFormat::PowerPoint,
        ),
    ];
    let quoted = |content_type: &str| format!("\"{content_type}\"");
    MAIN_PARTS
        .iter()
        .find(|(content_type, _)| types.contains(&quoted(content_type)))
        .map(|(_, format)| *format)
        .ok_or(Refused::Unrecognised)
}

/// A member's text, at most [`MEMBER_LIMIT`] of it (a zip bomb inflates no further).
fn member(archive: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>, name: &str) -> Option<String> {
    let file = archive.by_name(name).ok()?;
    let mut text = String::new();
    file.take(MEMBER_LIMIT).read_to_string(&mut text).ok()?;
    Some(text)
}

/// UTF-8 text (a byte-order mark allowed) without control characters other than tabs,
/// line breaks and form feeds: not a binary file given a `.txt` name. Text that starts as
/// markup (HTML, SVG, XML) is not plain text and is refused.
fn is_plain_text(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => {
            !text.trim().is_empty()
                && !text.trim_start().starts_with('<')
                && !text
                    .chars()
                    .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0C'))
        }
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    /// A zip with the given members (name, text), deflated.
    fn zip_of(members: &[(&str, &str)]) -> Vec<u8> {
        let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, text) in members {
            out.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            out.write_all(text.as_bytes()).unwrap();
        }
        out.finish().unwrap().into_inner()
    }

    fn content_types(main: &str) -> String {
        format!(
            r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/main.xml" ContentType="{main}"/></Types>"#
        )
    }

    #[test]
    fn office_documents_are_typed_by_their_main_part() {
        let docx = zip_of(&[
            (
                "[Content_Types].xml",
                &content_types(
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
                ),
            ),
            ("word/document.xml", "<w:document/>"),
        ]);
        assert_eq!(sniff(&docx), Ok(FileFormat::Word));
        let xlsx = zip_of(&[(
            "[Content_Types].xml",
            &content_types(
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            ),
        )]);
        assert_eq!(sniff(&xlsx), Ok(FileFormat::Excel));
        let pptx = zip_of(&[(
            "[Content_Types].xml",
            &content_types(
                "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
            ),
        )]);
        assert_eq!(sniff(&pptx), Ok(FileFormat::PowerPoint));
        let odt = zip_of(&[
            ("mimetype", "application/vnd.oasis.opendocument.text"),
            ("content.xml", "<office:document-content/>"),
        ]);
        assert_eq!(sniff(&odt), Ok(FileFormat::OdfText));
    }

    #[test]
    fn macros_templates_and_other_zips_are_refused() {
        let docm = zip_of(&[(
            "[Content_Types].xml",
            &content_types("application/vnd.ms-word.document.macroEnabled.main+xml"),
        )]);
        assert_eq!(sniff(&docm), Err(Refused::Macros));
        let hidden_macros = zip_of(&[
            (
                "[Content_Types].xml",
                &content_types(
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
                ),
            ),
            ("word/vbaProject.bin", "macros"),
        ]);
        assert_eq!(sniff(&hidden_macros), Err(Refused::Macros));
        let odt_macros = zip_of(&[
            ("mimetype", "application/vnd.oasis.opendocument.text"),
            ("Basic/Standard/Module1.xml", "Sub Main"),
        ]);
        assert_eq!(sniff(&odt_macros), Err(Refused::Macros));
        let template = zip_of(&[(
            "[Content_Types].xml",
            &content_types(
                "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
            ),
        )]);
        assert_eq!(sniff(&template), Err(Refused::Unrecognised));
        let plain_zip = zip_of(&[("notes.txt", "hello")]);
        assert_eq!(sniff(&plain_zip), Err(Refused::Unrecognised));
        assert_eq!(sniff(b"PK\x03\x04broken"), Err(Refused::Unrecognised));
    }

    #[test]
    fn images_pdfs_and_text_are_typed_and_binaries_refused() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Ok(FileFormat::Pdf));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\nrest"), Ok(FileFormat::Png));
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0"), Ok(FileFormat::Jpeg));
        assert_eq!(
            sniff("Reading list\r\n\t– Reason, 1990\n".as_bytes()),
            Ok(FileFormat::Text)
        );
        assert_eq!(sniff(b"\xEF\xBB\xBFWith a BOM"), Ok(FileFormat::Text));
        for refused in [
            &b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 an old .doc"[..],
            b"MZ\x90\x00\x03",
            b"\x7fELF\x02\x01",
            b"text with a \x00 byte",
            b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
            b"  <!DOCTYPE html><script>alert(1)</script>",
            b"\xFF\xFE not utf-8",
            b"   \n",
            b"",
        ] {
            assert_eq!(sniff(refused), Err(Refused::Unrecognised), "{refused:?}");
        }
    }
}
