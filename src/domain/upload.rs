//! What an uploaded file really is, read from its first bytes (never from its name or the
//! type the browser claims), and a safe name to keep for it.

/// A file type the site accepts: (kind, content type).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileType {
    pub kind: &'static str,
    pub content_type: &'static str,
}

/// PNG, JPEG, GIF and WebP images and PDFs. Anything else (SVG, which can carry script,
/// included) is refused.
pub fn sniff(bytes: &[u8]) -> Option<FileType> {
    let image = |content_type| {
        Some(FileType {
            kind: "image",
            content_type,
        })
    };
    match bytes {
        [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => image("image/png"),
        [0xFF, 0xD8, 0xFF, ..] => image("image/jpeg"),
        [b'G', b'I', b'F', b'8', b'7' | b'9', b'a', ..] => image("image/gif"),
        [
            b'R',
            b'I',
            b'F',
            b'F',
            _,
            _,
            _,
            _,
            b'W',
            b'E',
            b'B',
            b'P',
            ..,
        ] => image("image/webp"),
        [b'%', b'P', b'D', b'F', b'-', ..] => Some(FileType {
            kind: "pdf",
            content_type: "application/pdf",
        }),
        _ => None,
    }
}

/// The last part of a browser-supplied name, reduced to letters, digits, dots, dashes and
/// underscores (at most 100 characters), or "file".
pub fn safe_filename(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '-'
            }
        })
        .take(100)
        .collect();
    let cleaned = cleaned.trim_matches(['.', '-']).to_owned();
    if cleaned.is_empty() {
        "file".to_owned()
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_the_bytes() {
        assert_eq!(
            sniff(b"\x89PNG\r\n\x1a\nrest").map(|t| t.content_type),
            Some("image/png")
        );
        assert_eq!(
            sniff(b"\xFF\xD8\xFF\xE0").map(|t| t.content_type),
            Some("image/jpeg")
        );
        assert_eq!(
            sniff(b"GIF89a...").map(|t| t.content_type),
            Some("image/gif")
        );
        assert_eq!(
            sniff(b"RIFF1234WEBPVP8 ").map(|t| t.content_type),
            Some("image/webp")
        );
        assert_eq!(sniff(b"%PDF-1.7").map(|t| t.kind), Some("pdf"));
        for refused in [
            &b"<svg xmlns='http://www.w3.org/2000/svg'>"[..],
            b"<html>",
            b"",
            b"MZ\x90\x00",
            b"\x89PNG",
        ] {
            assert_eq!(sniff(refused), None);
        }
    }

    #[test]
    fn names_are_made_safe() {
        assert_eq!(
            safe_filename("C:\\Users\\me\\Report 2026 (final).pdf"),
            "Report-2026--final-.pdf"
        );
        assert_eq!(safe_filename("../../etc/passwd"), "passwd");
        assert_eq!(safe_filename("\"><script>.png"), "script-.png");
        assert_eq!(safe_filename(""), "file");
        assert_eq!(safe_filename("..."), "file");
    }
}
