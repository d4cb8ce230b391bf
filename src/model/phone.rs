//! Phone numbers: parsed with the `phonenumber` crate (libphonenumber's metadata), stored as
//! E.164 for `tel:` links and vCards, shown in the national format people dial.
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
    /// `+8613900000001`
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
        let number = phonenumber::parse(Some(region), text).map_err(|e| e.to_string())?;
        if !phonenumber::is_valid(&number) {
            return Err("not a valid number (wrong length or unknown area code)".to_owned());
        }
        Ok(Phone {
            e164: number.format().mode(Mode::E164).to_string(),
            national: number.format().mode(Mode::National).to_string(),
        })
    }

    /// The digits of the E.164 form without `+`.
    pub fn digits(&self) -> &str {
        self.e164.trim_start_matches('+')
    }
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
    fn warm_fills_the_cache() {
        warm(["139 0000 0777", "139-0000-0777", "nonsense"].into_iter(), country::Id::CN);
        let map = cache().read().unwrap();
        assert!(map.get(&key("13900000777", country::Id::CN)).is_some_and(Result::is_ok));
        assert!(map.get(&key("nonsense", country::Id::CN)).is_some_and(Result::is_err));
    }
}
