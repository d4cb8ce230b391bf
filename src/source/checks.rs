//! Call-check rounds as written, `checks/YYYY-MM-DD.csv` with one row per number called, and
//! citizens' reports of wrong numbers, `reports/YYYY-MM-DD.csv` with one row per report.
//!
//! An office fills these in with Excel, so the reader takes what Excel writes: a UTF-8 BOM,
//! CRLF, quoted cells, empty trailing rows, and columns found by their header name in any
//! order. Columns besides `id, field, result, note, district, number` are the caller's (name,
//! post, hours) and are ignored. Only the shape is read here; whether the id, field and
//! number are right is the `model` stage's question.
//!
//! The reader is ours, not the `csv` crate's: an error names the cell, and `csv` gives the
//! position of a record but not of the cells in it.

use std::ops::Range;

use chrono::NaiveDate;

use super::Text;
use super::chars::{self, Kind};
use crate::diag::{Diagnostic, FileRef};

/// The columns roster reads, in the order the call sheet writes them.
pub const COLUMNS: [&str; 6] = ["id", "field", "result", "note", "district", "number"];

/// Which kind of file: a round needs a result per row, a report does not have one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sheet {
    Round,
    Report,
}

impl Sheet {
    fn required(self) -> &'static [&'static str] {
        match self {
            Sheet::Round => &["id", "field", "result"],
            Sheet::Report => &["id", "field"],
        }
    }

    fn header(self) -> &'static str {
        match self {
            Sheet::Round => "id,field,result,note",
            Sheet::Report => "id,field,note",
        }
    }
}

/// One round's file.
#[derive(Debug)]
pub struct CheckSource {
    pub file: FileRef,
    /// The day the calls were made (the file name).
    pub date: NaiveDate,
    /// The district path of the folder the file is in; "" for `content/checks/`.
    pub folder: String,
    pub rows: Vec<CallSource>,
}

/// One row: the cells roster reads, each with its span.
#[derive(Debug)]
pub struct CallSource {
    /// The whole row.
    pub span: Range<usize>,
    pub id: Text,
    pub field: Text,
    /// Always there in a round's row; reports have none.
    pub result: Option<Text>,
    pub note: Option<Text>,
    pub district: Option<Text>,
    pub number: Option<Text>,
}

/// Parses a round's file; rows that cannot be read are diagnostics and left out.
pub fn parse(
    file: &FileRef,
    date: NaiveDate,
    folder: &str,
    sheet: Sheet,
    diags: &mut Vec<Diagnostic>,
) -> Option<CheckSource> {
    let text = file.text.as_str();
    let (records, unclosed) = records(text);
    if let Some(at) = unclosed {
        diags.push(
            Diagnostic::at(file, at..at + 1, "this quote is never closed: the rest of the file would be one cell")
                .with_label("opened here")
                .with_help("close the quote; a quote inside a quoted cell is written twice (\"\"); the file is not read until it is fixed"),
        );
        return None;
    }
    let Some(((header_span, header), rows)) = records.split_first() else {
        diags.push(
            Diagnostic::error(file.path.clone(), "call-check file is empty")
                .with_help(format!("the first line is the header: {}", sheet.header())),
        );
        return None;
    };
    let columns = columns(file, header_span, header, sheet, diags)?;
    let mut out = CheckSource { file: file.clone(), date, folder: folder.to_owned(), rows: Vec::new() };
    for (span, cells) in rows {
        if cells.iter().all(|(v, _)| v.trim().is_empty()) {
            continue;
        }
        if let Some(row) = row(file, span, cells, &columns, sheet, diags) {
            out.rows.push(row);
        }
    }
    Some(out)
}

/// Where each column roster reads is, by header name.
struct Columns([Option<usize>; 6]);

fn columns(
    file: &FileRef,
    span: &Range<usize>,
    header: &[Cell],
    sheet: Sheet,
    diags: &mut Vec<Diagnostic>,
) -> Option<Columns> {
    let mut at = [None; 6];
    for (i, (name, cell)) in header.iter().enumerate() {
        let name = name.trim().to_ascii_lowercase();
        let Some(k) = COLUMNS.iter().position(|c| *c == name) else { continue };
        if at[k].is_some() {
            diags.push(Diagnostic::at(file, cell.clone(), format!("column `{name}` appears twice in the header")));
            return None;
        }
        at[k] = Some(i);
    }
    let missing: Vec<&str> = sheet
        .required()
        .iter()
        .copied()
        .filter(|c| at[COLUMNS.iter().position(|k| k == c).unwrap_or(0)].is_none())
        .collect();
    if !missing.is_empty() {
        let found: Vec<&str> = header.iter().map(|(n, _)| n.as_str()).collect();
        diags.push(
            Diagnostic::at(file, span.clone(), format!("the header has no column {}", missing.join(", ")))
                .with_label(format!("header: {}", found.join(",")))
                .with_help(format!(
                    "the first line names the columns: {} (more columns are allowed and ignored); `roster calls` writes a round's sheet",
                    sheet.header()
                )),
        );
        return None;
    }
    Some(Columns(at))
}

fn row(
    file: &FileRef,
    span: &Range<usize>,
    cells: &[Cell],
    columns: &Columns,
    sheet: Sheet,
    diags: &mut Vec<Diagnostic>,
) -> Option<CallSource> {
    let mut ok = true;
    let mut cell = |k: usize| -> Option<Text> {
        let (value, cell_span) = cells.get(columns.0[k]?)?;
        let value = value.trim();
        if let Some((at, c)) = chars::forbidden(value, Kind::Plain) {
            diags.push(chars::forbidden_error(file, cell_span.clone(), COLUMNS[k], at, c, Kind::Plain));
            ok = false;
            return None;
        }
        (!value.is_empty()).then(|| Text { value: value.to_owned(), span: cell_span.clone() })
    };
    let fields: [Option<Text>; 6] = std::array::from_fn(&mut cell);
    let [id, field, result, note, district, number] = fields;
    if !ok {
        return None;
    }
    let empty = |name: &str, diags: &mut Vec<Diagnostic>| {
        diags.push(
            Diagnostic::at(file, span.clone(), format!("row has no `{name}`"))
                .with_help("each row is one number called: id, field (mobile or office_phone) and result"),
        )
    };
    let (Some(id), Some(field)) = (id, field) else {
        empty("id` or `field", diags);
        return None;
    };
    if result.is_none() && sheet == Sheet::Round {
        diags.push(
            Diagnostic::at(file, span.clone(), format!("no result for `{}` {}: the row is not counted", id.value, field.value))
                .as_warning()
                .with_help("fill in answered, no-answer, unreachable or wrong-person, or delete the row if the number was not called"),
        );
        return None;
    }
    Some(CallSource { span: span.clone(), id, field, result, note, district, number })
}

/// A cell's value and span.
type Cell = (String, Range<usize>);

/// A record's span and its cells.
type Record = (Range<usize>, Vec<Cell>);

/// The CSV records of `text`, each with its span and its cells (RFC 4180: quoted cells may
/// hold commas, quotes doubled, line breaks), and where a quote that is never closed opens.
fn records(text: &str) -> (Vec<Record>, Option<usize>) {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        let mut cells = Vec::new();
        loop {
            let (value, span, next, closed) = cell(text, i);
            if !closed {
                return (out, Some(span.start));
            }
            cells.push((value, span));
            i = next;
            match bytes.get(i) {
                Some(b',') => i += 1,
                Some(b'\r') => {
                    i += if bytes.get(i + 1) == Some(&b'\n') { 2 } else { 1 };
                    break;
                }
                Some(b'\n') => {
                    i += 1;
                    break;
                }
                _ => break,
            }
        }
        let end = text[..i].trim_end_matches(['\r', '\n']).len();
        out.push((start..end.max(start), cells));
    }
    (out, None)
}

/// One cell from `i`: its value, its span, where it ends (at `,`, a line break or the end) and
/// whether its quote, if it opens with one, is closed.
fn cell(text: &str, i: usize) -> (String, Range<usize>, usize, bool) {
    let bytes = text.as_bytes();
    if bytes.get(i) != Some(&b'"') {
        let end = text[i..].find([',', '\r', '\n']).map_or(text.len(), |n| i + n);
        return (text[i..end].to_owned(), i..end, end, true);
    }
    let mut value = String::new();
    let mut at = i + 1;
    let mut closed = false;
    while at < bytes.len() {
        let rest = &text[at..];
        let Some(q) = rest.find('"').map(|n| at + n) else {
            break;
        };
        value.push_str(&text[at..q]);
        if bytes.get(q + 1) == Some(&b'"') {
            value.push('"');
            at = q + 2;
        } else {
            at = q + 1;
            closed = true;
            break;
        }
    }
    if !closed {
        return (value, i..text.len(), text.len(), false);
    }
    // Text after the closing quote, up to the separator, is kept as Excel would show it.
    let end = text[at..].find([',', '\r', '\n']).map_or(text.len(), |n| at + n);
    value.push_str(&text[at..end]);
    (value, i..end, end, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::SourceFile;

    fn parse_text(text: &str) -> (Option<CheckSource>, Vec<Diagnostic>) {
        let file = SourceFile::new("content/x/checks/2026-01-01.csv", text);
        let mut diags = Vec::new();
        let date = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        (parse(&file, date, "x", Sheet::Round, &mut diags), diags)
    }

    #[test]
    fn excel_shapes_are_read() {
        let text = "name,ID,field,result,note\r\n\"张,三\",zhang-san,mobile,answered,\"秘书接听，说\"\"在开会\"\"\"\r\n,,,,\r\n李四,li-si,office_phone,no-answer,\r\n";
        let (c, diags) = parse_text(text);
        assert!(diags.is_empty(), "{diags:?}");
        let c = c.unwrap();
        assert_eq!(c.rows.len(), 2);
        assert_eq!(c.rows[0].id.value, "zhang-san");
        assert_eq!(c.rows[0].note.as_ref().unwrap().value, "秘书接听，说\"在开会\"");
        assert_eq!(c.rows[1].result.as_ref().unwrap().value, "no-answer");
        assert_eq!(c.file.line_col(c.rows[1].span.start), (4, 1));
        assert_eq!(&c.file.text[c.rows[1].id.span.clone()], "li-si");
    }

    #[test]
    fn bad_headers_and_rows_are_diagnostics_at_their_line() {
        let (c, diags) = parse_text("id,result\nx,answered\n");
        assert!(c.is_none());
        assert!(diags[0].message.contains("no column field"), "{}", diags[0].message);
        let (c, diags) = parse_text("id,field,result,note\nx,mobile,,\ny,mobile,answered,\u{1b}[2J\n");
        assert_eq!(c.unwrap().rows.len(), 0);
        assert_eq!(diags.len(), 2);
        assert!(!diags[0].is_error() && diags[0].line_col() == Some((2, 1)), "{:?}", diags[0]);
        assert!(diags[1].is_error() && diags[1].line_col() == Some((3, 19)), "{:?}", diags[1]);
        let (_, diags) = parse_text("");
        assert!(diags[0].message.contains("empty"));
    }

    #[test]
    fn a_quote_never_closed_refuses_the_file_at_the_quote() {
        let header = "id,field,result,note\n";
        for (text, at) in [
            // In the last cell: the note would silently take the line break.
            (format!("{header}x,mobile,answered,\"秘书接听\n"), (2, 19)),
            // In a middle cell: the rows after it would vanish into one cell.
            (format!("{header}x,mobile,\"answered,\ny,mobile,answered,\n"), (2, 10)),
            // A doubled quote is a quote inside the cell, not its end.
            (format!("{header}x,mobile,answered,\"说\"\""), (2, 19)),
        ] {
            let (c, diags) = parse_text(&text);
            assert!(c.is_none(), "refused whole: {text:?}");
            assert_eq!(diags.len(), 1, "{diags:?}");
            assert!(diags[0].is_error() && diags[0].message.contains("never closed"), "{:?}", diags[0]);
            assert_eq!(diags[0].line_col(), Some(at), "{text:?}");
        }
        let (c, diags) = parse_text(&format!("{header}x,mobile,answered,\"说\"\"好\"\"\"\n"));
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(c.unwrap().rows[0].note.as_ref().unwrap().value, "说\"好\"");
    }
}
