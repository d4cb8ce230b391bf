//! Reading a file of the site into text: a UTF-8 BOM is dropped, CRLF is kept (TOML and our
//! front-matter splitter accept it), invalid UTF-8 and oversized files are diagnostics that
//! point at the offending byte. Also the rule for slugs, the names of folders and pages that
//! become paths of the site.

use std::path::Path;

use crate::diag::{Diagnostic, FileRef, SourceFile};

/// No roster file is anywhere near this size; a larger one is a mistake (or an attack).
pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;

/// Reads `path` (shown as `rel`) as UTF-8 text.
pub fn read(path: &Path, rel: &str) -> Result<FileRef, Diagnostic> {
    let meta = std::fs::metadata(path).map_err(|e| Diagnostic::error(rel, format!("cannot read file: {e}")))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(Diagnostic::error(
            rel,
            format!("file is {} bytes, larger than the limit of {MAX_FILE_BYTES} bytes", meta.len()),
        )
        .with_help("a roster file is a few kilobytes; split the data or check that this is the right file"));
    }
    let bytes = std::fs::read(path).map_err(|e| Diagnostic::error(rel, format!("cannot read file: {e}")))?;
    decode(bytes, rel)
}

/// Decodes bytes read from `rel` as UTF-8, dropping a leading BOM.
pub fn decode(mut bytes: Vec<u8>, rel: &str) -> Result<FileRef, Diagnostic> {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(SourceFile::new(rel, text)),
        Err(err) => {
            let at = err.utf8_error().valid_up_to();
            let bad = err.as_bytes()[at];
            let lossy = String::from_utf8_lossy(err.as_bytes()).into_owned();
            let file = SourceFile::new(rel, lossy);
            Err(Diagnostic::at(&file, at..at + 1, format!("invalid UTF-8 (byte 0x{bad:02X})"))
                .with_label("not UTF-8")
                .with_help("save the file as UTF-8 (in Excel or Notepad: \"Save as… UTF-8\"); GBK and other encodings are not read"))
        }
    }
}

/// A slug: lowercase ASCII letters, digits and inner `-`.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 100
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_is_dropped() {
        let f = decode(b"\xEF\xBB\xBFname = 1".to_vec(), "a.toml").unwrap();
        assert_eq!(f.text, "name = 1");
    }

    #[test]
    fn invalid_utf8_points_at_the_byte() {
        // "name = " then GBK bytes for 李明
        let d = decode(b"a = 1\nname = \"\xC0\xEE\xC3\xF7\"\n".to_vec(), "x.toml").unwrap_err();
        assert_eq!(d.line_col(), Some((2, 9)));
        assert!(d.message.contains("0xC0"), "{}", d.message);
    }
}
