//! Spreadsheet downloads (CSV that Excel opens): cells that cannot become formulas, UTF-8
//! with a byte-order mark so Excel shows accents, and bodies streamed row by row.

use std::future::Future;

use axum::body::{Body, Bytes};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use tokio::sync::mpsc;

/// Excel reads a formula from a cell starting with one of these; prefixing a quote shows
/// the text as typed instead (OWASP's advice for CSV injection).
pub fn neutralise(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_owned(),
    }
}

/// One CSV record, every cell neutralised and quoted where CSV needs it.
pub fn record<S: AsRef<str>>(cells: impl IntoIterator<Item = S>) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(cells.into_iter().map(|c| neutralise(c.as_ref())))?;
    writer.into_inner().map_err(|e| e.into_error().into())
}

/// The headers of a CSV download named `filename`.
pub fn headers(filename: &str) -> [(header::HeaderName, String); 3] {
    [
        (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
        (
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ),
        (header::CACHE_CONTROL, "private, no-store".to_owned()),
    ]
}

type Chunk = Result<Bytes, std::io::Error>;

/// Where a streamed download's producer sends its rows.
pub struct Rows(mpsc::Sender<Chunk>);

impl Rows {
    /// Sends one row. False once the person has gone (stop reading rows then).
    pub async fn send<S: AsRef<str>>(&self, cells: impl IntoIterator<Item = S>) -> bool {
        match record(cells) {
            Ok(bytes) => self.0.send(Ok(Bytes::from(bytes))).await.is_ok(),
            Err(error) => {
                self.fail(error.into()).await;
                false
            }
        }
    }

    /// Ends the download part-way (the browser reports a failed download, never a file
    /// that looks complete), logging why.
    pub async fn fail(&self, error: anyhow::Error) {
        tracing::error!(error = ?error, "a spreadsheet download failed part-way");
        let _ = self
            .0
            .send(Err(std::io::Error::other("the download failed")))
            .await;
    }
}

/// A CSV download whose rows `produce` sends one at a time while the body is being
/// written, after the byte-order mark and the `header` row: however many rows there are,
/// only a few are held at once. The producer runs on its own task and stops when the
/// person goes away.
pub fn streamed<F, Fut>(filename: &str, header: &[&str], produce: F) -> Response
where
    F: FnOnce(Rows) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let (sender, receiver) = mpsc::channel::<Chunk>(32);
    let mut first = Vec::from("\u{feff}".as_bytes());
    let header_row = record(header.iter().copied());
    let task = produce(Rows(sender.clone()));
    tokio::spawn(async move {
        let rows = Rows(sender);
        match header_row {
            Ok(row) => {
                first.extend(row);
                if rows.0.send(Ok(Bytes::from(first))).await.is_err() {
                    return;
                }
            }
            Err(error) => return rows.fail(error.into()).await,
        }
        drop(rows);
        task.await;
    });
    // Fused: the compression layer polls the body once more after its end, and a bare
    // `unfold` panics when polled again after it finished.
    let stream = futures_util::stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|chunk| (chunk, receiver))
    })
    .fuse();
    (headers(filename), Body::from_stream(stream)).into_response()
}

#[cfg(test)]
mod tests {
    use super::{neutralise, record};

    #[test]
    fn formula_cells_are_neutralised() {
        assert_eq!(neutralise("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralise("+44 20"), "'+44 20");
        assert_eq!(neutralise("-1"), "'-1");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("Zoë O'Brien"), "Zoë O'Brien");
        assert_eq!(neutralise(""), "");
    }

    #[test]
    fn records_are_quoted_and_neutralised() {
        let row = record(["=1+1", "a, b", "say \"hi\""]).unwrap();
        assert_eq!(
            String::from_utf8(row).unwrap(),
            "'=1+1,\"a, b\",\"say \"\"hi\"\"\"\n"
        );
    }
}
