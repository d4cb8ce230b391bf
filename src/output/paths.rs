//! Output paths come partly from data (district folders, person ids, page names). They are
//! validated as slugs on input; this is the last line of defence before a file is written.

/// A relative path of plain segments: no `..`, no absolute or empty segments, no backslashes,
/// no control characters, no drive letters.
pub fn is_safe_path(path: &str) -> bool {
    !path.is_empty()
        && path.len() < 4096
        && !path.starts_with('/')
        && path.split('/').all(|seg| {
            !seg.is_empty()
                && seg != "."
                && seg != ".."
                && seg.len() <= 255
                && !seg.chars().any(|c| c.is_control() || matches!(c, '\\' | ':' | '\0'))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_and_unsafe_paths() {
        assert!(is_safe_path("index.html"));
        assert!(is_safe_path("shili/dongpo/2022-02-08/index.html"));
        for bad in ["", "/etc/passwd", "../x", "a/../../x", "a//b", "a/./b", "a\\..\\b", "c:/x", "a\0b", "a/"] {
            assert!(!is_safe_path(bad), "{bad:?}");
        }
    }
}
