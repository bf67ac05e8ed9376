//! The PDFs' typeface (DejaVu Sans, vendored in `src/pdf/fonts/` with its licence) and
//! lines of text: shaped once with rustybuzz so a line's width is known before it is
//! placed, and the same glyphs are drawn.

use std::sync::LazyLock;

use krilla::text::{Font, GlyphId, KrillaGlyph};
use rustybuzz::{Direction, UnicodeBuffer};

static REGULAR: &[u8] = include_bytes!("fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("fonts/DejaVuSans-Bold.ttf");

/// One face: krilla's handle (which subsets and embeds it) and the shaper's.
pub struct Face {
    pub font: Font,
    shaper: rustybuzz::Face<'static>,
}

pub struct Faces {
    pub regular: Face,
    pub bold: Face,
}

impl Face {
    fn load(bytes: &'static [u8]) -> Option<Face> {
        Some(Face {
            font: Font::new(bytes.into(), 0)?,
            shaper: rustybuzz::Face::from_slice(bytes, 0)?,
        })
    }
}

/// Parsed once per process; `None` only if the vendored files were damaged.
pub static FACES: LazyLock<Option<Faces>> = LazyLock::new(|| {
    Some(Faces {
        regular: Face::load(REGULAR)?,
        bold: Face::load(BOLD)?,
    })
});

/// A line of text shaped at a size: its glyphs and width in points.
#[derive(Clone, Debug)]
pub struct Shaped {
    pub text: String,
    pub glyphs: Vec<KrillaGlyph>,
    pub width: f32,
}

/// Shapes `text` (one line, one script) with `face`.
/// A character the font lacks becomes its `.notdef` box, never a failure.
pub fn shape(face: &Face, text: &str, size: f32) -> Shaped {
    let mut buffer = UnicodeBuffer::new();
    buffer.push_str(text);
    buffer.guess_segment_properties();
    let forwards = matches!(
        buffer.direction(),
        Direction::LeftToRight | Direction::TopToBottom
    );
    let output = rustybuzz::shape(&face.shaper, &[], buffer);
    let upem = (face.shaper.units_per_em() as f32).max(1.0);
    let infos = output.glyph_infos();
    let positions = output.glyph_positions();
    let mut glyphs = Vec::with_capacity(infos.len());
    for (i, (info, position)) in infos.iter().zip(positions).enumerate() {
        let start = info.cluster as usize;
        // A cluster runs to where the next one (in text order) starts.
        let next = match forwards {
            true => infos[i + 1..]
                .iter()
                .find(|other| other.cluster != info.cluster),
            false => infos[..i]
                .iter()
                .rev()
                .find(|other| other.cluster != info.cluster),
        };
        let end = next.map_or(text.len(), |other| other.cluster as usize);
        glyphs.push(KrillaGlyph::new(
            GlyphId::new(info.glyph_id),
            position.x_advance as f32 / upem,
            position.x_offset as f32 / upem,
            position.y_offset as f32 / upem,
            position.y_advance as f32 / upem,
            start..end.max(start),
            None,
        ));
    }
    let width = glyphs.iter().map(|g| g.x_advance).sum::<f32>() * size;
    Shaped {
        text: text.to_owned(),
        glyphs,
        width,
    }
}

/// `text` broken into lines no wider than `width` points at `size`, at spaces (a word
/// wider than a line, such as a long address, is broken between characters).
pub fn wrap(face: &Face, text: &str, size: f32, width: f32) -> Vec<Shaped> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let candidate = match current.is_empty() {
            true => word.to_owned(),
            false => format!("{current} {word}"),
        };
        if shape(face, &candidate, size).width <= width {
            current = candidate;
            continue;
        }
        if !current.is_empty() {
            lines.push(shape(face, &current, size));
        }
        current = word.to_owned();
        while shape(face, &current, size).width > width {
            let (head, tail) = split_to_fit(face, &current, size, width);
            lines.push(shape(face, &head, size));
            current = tail;
        }
    }
    if !current.is_empty() || lines.is_empty() {
        lines.push(shape(face, &current, size));
    }
    lines
}

/// The longest start of `word` that fits (at least one character), and the rest.
fn split_to_fit(face: &Face, word: &str, size: f32, width: f32) -> (String, String) {
    let mut cut = word.chars().next().map_or(0, char::len_utf8);
    for (at, c) in word.char_indices().skip(1) {
        if shape(face, &word[..at + c.len_utf8()], size).width > width {
            break;
        }
        cut = at + c.len_utf8();
    }
    (word[..cut].to_owned(), word[cut..].to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn faces() -> &'static Faces {
        FACES.as_ref().expect("the vendored fonts load")
    }

    #[test]
    fn lines_are_measured_and_wrapped_at_spaces() {
        let face = &faces().regular;
        let one = shape(face, "Human factors", 12.0);
        assert!(one.width > 50.0 && one.width < 120.0, "{}", one.width);
        assert_eq!(one.glyphs.len(), "Human factors".len());
        let lines = wrap(
            face,
            "Explain why a systems approach finds more useful learning",
            12.0,
            150.0,
        );
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| l.width <= 150.0));
        assert_eq!(
            lines
                .iter()
                .map(|l| l.text.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            "Explain why a systems approach finds more useful learning"
        );
    }

    #[test]
    fn a_word_longer_than_a_line_is_broken_and_nothing_is_lost() {
        let face = &faces().regular;
        let url = "https://academy.example/certificates/abcdefghijklmnopqrstuvwxyz";
        let lines = wrap(face, url, 12.0, 120.0);
        assert!(lines.len() > 1);
        assert_eq!(
            lines.iter().map(|l| l.text.as_str()).collect::<String>(),
            url
        );
        assert_eq!(
            wrap(face, "", 12.0, 10.0).len(),
            1,
            "an empty line stays a line"
        );
    }

    #[test]
    fn accents_right_to_left_and_missing_glyphs_shape_without_failing() {
        let face = &faces().bold;
        for text in ["Zoë Łukasz Ñúñez", "שלום עולם", "王小明", "e\u{301}"] {
            let shaped = shape(face, text, 20.0);
            assert!(!shaped.glyphs.is_empty(), "{text}");
            assert!(shaped.glyphs.iter().all(|g| g.text_range.end <= text.len()));
        }
    }
}
