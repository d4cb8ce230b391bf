//! Person ids.
//!
//! An explicit `id` is a slug. Without one the id is derived from the name, stably:
//! each Han character becomes its pinyin without tone (the first reading the `pinyin` crate
//! gives), runs of ASCII letters and digits are kept in lowercase, and the parts are joined
//! with `-`: 李明 → `li-ming`, 欧阳娜娜 → `ou-yang-na-na`, "Li Ming" → `li-ming`. A name
//! with nothing to spell (no Han, no ASCII) gets `p-` and a hash of the name.

use pinyin::ToPinyin;

pub fn derive(name: &str) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut ascii = String::new();
    for (c, py) in name.chars().zip(name.to_pinyin()) {
        if c.is_ascii_alphanumeric() {
            ascii.push(c.to_ascii_lowercase());
            continue;
        }
        if !ascii.is_empty() {
            parts.push(std::mem::take(&mut ascii));
        }
        if let Some(p) = py {
            parts.push(p.plain().to_owned());
        }
    }
    if !ascii.is_empty() {
        parts.push(ascii);
    }
    if parts.is_empty() {
        return format!("p-{:08x}", fnv1a(name.as_bytes()));
    }
    parts.join("-")
}

/// 32-bit FNV-1a: small, stable across versions and platforms.
fn fnv1a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5_u32, |h, b| (h ^ u32::from(*b)).wrapping_mul(0x0100_0193))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_ids() {
        assert_eq!(derive("李明"), "li-ming");
        assert_eq!(derive("欧阳娜娜"), "ou-yang-na-na");
        assert_eq!(derive("买买提·艾力"), "mai-mai-ti-ai-li");
        assert_eq!(derive("Li Ming"), "li-ming");
        assert_eq!(derive("王2"), "wang-2");
        assert_eq!(derive("Ⅱ"), derive("Ⅱ"));
        assert!(derive("Ⅱ").starts_with("p-"));
        assert!(crate::source::text::is_slug(&derive("Ⅱ")));
    }
}
