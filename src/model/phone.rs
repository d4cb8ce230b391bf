//! Phone numbers: parsed with the `phonenumber` crate (libphonenumber's metadata), stored as
//! E.164 for `tel:` links and vCards, shown in the national format people dial.
//!
//! A number is digits and separators, nothing else: the crate reads letters as the keypad's
//! digits (`139 OOOO 0001` typed with the letter O would become 139 6666 0001, somebody
//! else's phone), so any letter is refused before the crate sees the text, with a hint to
//! the digit it looks like. The one exception is an extension after the number, written
//! `转 123` or `ext. 123`: it is kept as written in the national form and as `;ext=123`
//! (RFC 3966) in the `tel:` form.
//!
//! Parsing, validating and formatting one number costs the crate some 30 µs of regular
//! expressions, and a roster repeats the same numbers in every edition: results are cached
//! for the life of the process (so `serve` parses a number once), and a build parses the
//! distinct numbers of the site in parallel first ([`warm`]).

use std::collections::HashMap;
use std::sync::{OnceLock, RwLock};

use phonenumber::{Mode, country};

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Phone {
    /// `+8613900000001`; with an extension `+862838120001;ext=123`, as a `tel:` URI has it.
    pub e164: String,
    /// `139 0000 0001`
    pub national: String,
}

type Parsed = Result<Phone, String>;

fn cache() -> &'static RwLock<HashMap<(country::Id, String), Parsed>> {
    static CACHE: OnceLock<RwLock<HashMap<(country::Id, String), Parsed>>> = OnceLock::new();
    CACHE.get_or_init(|| RwLock::new(HashMap::new()))
}

/// The cache key: the text without the separators people write in numbers.
fn key(text: &str, region: country::Id) -> (country::Id, String) {
    let cleaned = text.chars().filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '.' | '\u{3000}')).collect();
    (region, cleaned)
}

/// Parses every number of `texts` not parsed yet, in parallel.
pub fn warm<'a>(texts: impl Iterator<Item = &'a str>, region: country::Id) {
    let mut todo: Vec<(country::Id, String)> = {
        let known = cache().read().unwrap_or_else(|e| e.into_inner());
        texts.map(|t| key(t, region)).filter(|k| !known.contains_key(k)).collect()
    };
    todo.sort_unstable_by(|a, b| a.1.cmp(&b.1));
    todo.dedup();
    let parsed: Vec<((country::Id, String), Parsed)> = todo
        .into_iter()
        .map(|k| {
            let result = Phone::parse_uncached(&k.1, k.0);
            (k, result)
        })
        .collect();
    let mut map = cache().write().unwrap_or_else(|e| e.into_inner());
    if map.len() > 1_000_000 {
        map.clear();
    }
    map.extend(parsed);
}

impl Phone {
    /// Parses a number written in `region`'s national format or in international format.
    pub fn parse(text: &str, region: country::Id) -> Parsed {
        let k = key(text, region);
        if let Some(hit) = cache().read().unwrap_or_else(|e| e.into_inner()).get(&k) {
            return hit.clone();
        }
        let result = Phone::parse_uncached(&k.1, region);
        cache().write().unwrap_or_else(|e| e.into_inner()).insert(k, result.clone());
        result
    }

    fn parse_uncached(text: &str, region: country::Id) -> Parsed {
        let (main, extension) = split_extension(text);
        if !main.bytes().any(|b| b.is_ascii_digit()) {
            return Err("not a number".to_owned());
        }
        if let Some(hint) = letters(main) {
            return Err(hint);
        }
        if let Some((_, digits)) = extension
            && (digits.is_empty() || digits.len() > 6 || !digits.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(format!("the extension `{digits}` must be 1 to 6 digits"));
        }
        let number = phonenumber::parse(Some(region), main).map_err(|e| e.to_string())?;
        if !phonenumber::is_valid(&number) {
            return Err("not a valid number (wrong length or unknown area code)".to_owned());
        }
        let mut e164 = number.format().mode(Mode::E164).to_string();
        let mut national = number.format().mode(Mode::National).to_string();
        if let Some((marker, digits)) = extension {
            e164 = format!("{e164};ext={digits}");
            national = format!("{national} {marker} {digits}");
        }
        Ok(Phone { e164, national })
    }

    /// The digits of the E.164 form without `+` (and without an extension).
    pub fn digits(&self) -> &str {
        let number = self.e164.split(';').next().unwrap_or_default();
        number.trim_start_matches('+')
    }
}

/// The number and its extension (marker as it is shown, digits), written `转 123`,
/// `ext. 123` or `ext 123` after the number (separators already removed by [`key`]).
fn split_extension(text: &str) -> (&str, Option<(&'static str, &str)>) {
    if let Some((main, ext)) = text.split_once('转') {
        return (main, Some(("转", ext.trim())));
    }
    let lower = text.to_ascii_lowercase();
    match lower.find("ext") {
        Some(at) => {
            let ext = text[at + 3..].trim_start_matches(['.', ':']).trim();
            (&text[..at], Some(("ext.", ext)))
        }
        None => (text, None),
    }
}

/// Why a number with letters is refused, naming the digits they look like.
fn letters(text: &str) -> Option<String> {
    let mut found: Vec<char> = text.chars().filter(|c| c.is_alphabetic()).collect();
    if found.is_empty() {
        return None;
    }
    found.dedup();
    let looks: Vec<String> = found
        .iter()
        .filter_map(|c| {
            let digit = match c {
                'O' | 'o' | 'Ｏ' | 'ｏ' | '〇' => '0',
                'l' | 'I' | 'i' | 'Ｉ' | 'ｌ' => '1',
                'Z' | 'z' => '2',
                'S' | 's' => '5',
                'b' | 'G' => '6',
                'B' => '8',
                'g' | 'q' => '9',
                _ => return None,
            };
            Some(format!("`{c}` looks like {digit}"))
        })
        .collect();
    let listed: Vec<String> = found.iter().map(|c| format!("`{c}`")).collect();
    let mut why = format!("a phone number has no letters, and this one has {}", listed.join(", "));
    if !looks.is_empty() {
        why.push_str(&format!(" ({})", looks.join(", ")));
    }
    why.push_str(": write its digits (an extension as `转 123` or `ext. 123`)");
    Some(why)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mobile_and_landline() {
        let m = Phone::parse("139 0000 0001", country::Id::CN).unwrap();
        assert_eq!(m.e164, "+8613900000001");
        assert_eq!(m.national, "139 0000 0001");
        let o = Phone::parse("028-3812 0001", country::Id::CN).unwrap();
        assert_eq!(o.e164, "+862838120001");
        assert_eq!(o.national, "028 3812 0001");
        assert_eq!(Phone::parse("+86 139 0000 0001", country::Id::CN).unwrap(), m);
        assert_eq!(Phone::parse("(028) 3812-0001", country::Id::CN).unwrap(), o);
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(Phone::parse("abc", country::Id::CN).is_err());
        assert!(Phone::parse("12345", country::Id::CN).is_err());
        assert!(Phone::parse("139 0000 00011", country::Id::CN).is_err());
    }

    #[test]
    fn letters_are_refused_never_read_as_keypad_digits() {
        let cases = [
            ("139 OOOO 0001", "`O` looks like 0"),
            ("028-3813 OO12", "`O` looks like 0"),
            ("139 ABCD 0001", "`A`, `B`, `C`, `D`"),
            ("1-800-FLOWERS", "`F`"),
            ("139 0000 000l", "`l` looks like 1"),
            ("139 0000 000I", "`I` looks like 1"),
            ("139 0000 0O01", "`O` looks like 0"),
            ("+86 139 0000 OOO1", "`O` looks like 0"),
            ("x123", "`x`"),
        ];
        for (text, hint) in cases {
            let why = Phone::parse(text, country::Id::CN).expect_err(text);
            assert!(why.contains(hint), "{text}: {why}");
            assert!(why.contains("no letters"), "{text}: {why}");
        }
    }

    #[test]
    fn extensions_are_kept_as_written() {
        let p = Phone::parse("028-3812 0001 转 123", country::Id::CN).unwrap();
        assert_eq!(p.e164, "+862838120001;ext=123");
        assert_eq!(p.national, "028 3812 0001 转 123");
        assert_eq!(p.digits(), "862838120001");
        let q = Phone::parse("028-3812 0001 ext. 45", country::Id::CN).unwrap();
        assert_eq!(q.e164, "+862838120001;ext=45");
        assert_eq!(q.national, "028 3812 0001 ext. 45");
        assert_eq!(Phone::parse("028-3812 0001 EXT 45", country::Id::CN).unwrap().e164, q.e164);
        for bad in ["028-3812 0001 转", "028-3812 0001 转 12a", "028-3812 0001 ext. 1234567"] {
            assert!(Phone::parse(bad, country::Id::CN).is_err(), "{bad}");
        }
    }

    #[test]
    fn warm_fills_the_cache() {
        warm(["139 0000 0777", "139-0000-0777", "nonsense"].into_iter(), country::Id::CN);
        let map = cache().read().unwrap();
        assert!(map.get(&key("13900000777", country::Id::CN)).is_some_and(Result::is_ok));
        assert!(map.get(&key("nonsense", country::Id::CN)).is_some_and(Result::is_err));
    }
}
