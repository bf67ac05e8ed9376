//! The QR code of a certificate's verification address, as dark runs of modules: drawn as
//! an SVG path on the page and as vector rectangles in the PDF (never a picture of one).

use qrcode::{Color, EcLevel, QrCode};

/// The modules of a code, with the four-module quiet zone around them.
#[derive(Clone, Debug)]
pub struct Modules {
    /// Modules per side, quiet zone included.
    pub size: usize,
    /// Dark runs on one row: (row, first column, length), quiet zone included.
    pub runs: Vec<(usize, usize, usize)>,
}

const QUIET: usize = 4;

impl Modules {
    /// The code for `text` at error correction level M (15% of it may be lost to a smudge
    /// or a fold and it still reads). `None` only for text too long for any QR code.
    pub fn of(text: &str) -> Option<Modules> {
        let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).ok()?;
        let width = code.width();
        let colors = code.to_colors();
        let mut runs = Vec::new();
        for y in 0..width {
            let mut x = 0;
            while x < width {
                if colors[y * width + x] == Color::Dark {
                    let start = x;
                    while x < width && colors[y * width + x] == Color::Dark {
                        x += 1;
                    }
                    runs.push((y + QUIET, start + QUIET, x - start));
                } else {
                    x += 1;
                }
            }
        }
        Some(Modules {
            size: width + 2 * QUIET,
            runs,
        })
    }

    /// An inline SVG (one path on a white square), labelled for screen readers.
    pub fn svg(&self, label: &str) -> String {
        let mut path = String::new();
        for (y, x, length) in &self.runs {
            path.push_str(&format!("M{x} {y}h{length}v1h-{length}z"));
        }
        format!(
            r##"<svg class="qr-code" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {s} {s}" role="img" aria-label="{label}" shape-rendering="crispEdges"><rect width="{s}" height="{s}" fill="#fff"/><path fill="#000" d="{path}"/></svg>"##,
            s = self.size,
            label = escape_attribute(label),
        )
    }
}

fn escape_attribute(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_verification_address_makes_a_code_with_its_quiet_zone() {
        let modules =
            Modules::of("https://academy.example/certificates/abcdefghijklmnopqrstuvwxyz")
                .expect("a code");
        assert!(modules.size >= 21 + 2 * QUIET);
        assert!(!modules.runs.is_empty());
        assert!(
            modules
                .runs
                .iter()
                .all(|(y, x, n)| *y >= QUIET && *x >= QUIET && x + n <= modules.size - QUIET)
        );
        let svg = modules.svg("QR code for \"x\" & <y>");
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("aria-label=\"QR code for &quot;x&quot; &amp; &lt;y&gt;\""));
    }
}
