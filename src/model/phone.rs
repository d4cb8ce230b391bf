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
//! expressions. The common Chinese shapes take a fast path instead ([`fast`]): an 11-digit
//! mobile is checked against the mobile pattern of the crate's own metadata and formatted
//! 3-4-4; a landline with its area code (`0` or `+86` first) is formatted by a template the
//! crate made for the first number of the same leading digits and length, which is what
//! decides validity and grouping in the metadata. Anything else, and any number the fast
//! path does not accept, goes to the crate, and those results are cached for the life of the
//! process (so `serve` parses such a number once). A test holds the fast path to the crate's
//! exact result.

use std::collections::HashMap;
use std::sync::{OnceLock, RwLock};

use phonenumber::{Mode, country};
use rustc_hash::FxHashMap;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Phone {
    /// `+8613900000001`; with an extension `+862838120001;ext=123`, as a `tel:` URI has it.
    pub e164: super::Text,
    /// `139 0000 0001`
    pub national: super::Text,
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

impl Phone {
    /// Parses a number written in `region`'s national format or in international format.
    pub fn parse(text: &str, region: country::Id) -> Parsed {
        let k = key(text, region);
        let (main, extension) = split_extension(&k.1);
        if let Some(phone) = fast(main, region) {
            return Ok(match extension {
                None => phone,
                Some((marker, digits)) if valid_extension(digits) => Phone {
                    e164: format!("{};ext={digits}", phone.e164).into(),
                    national: format!("{} {marker} {digits}", phone.national).into(),
                },
                Some((_, digits)) => return Err(extension_error(digits)),
            });
        }
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
            && !valid_extension(digits)
        {
            return Err(extension_error(digits));
        }
        let Phone { mut e164, mut national } = by_crate(main, region)?;
        if let Some((marker, digits)) = extension {
            e164 = format!("{e164};ext={digits}").into();
            national = format!("{national} {marker} {digits}").into();
        }
        Ok(Phone { e164, national })
    }

    /// The digits of the E.164 form without `+` (and without an extension).
    pub fn digits(&self) -> &str {
        let number = self.e164.split(';').next().unwrap_or_default();
        number.trim_start_matches('+')
    }
}

/// Checks the fast path against the crate for `text` (for the fuzz target): when the fast
/// path takes it, the result must be exactly the crate's.
pub(crate) fn check_fast_path(text: &str, region: country::Id) {
    let k = key(text, region);
    let (main, _) = split_extension(&k.1);
    if let Some(fast) = fast(main, region) {
        assert_eq!(Ok(fast), by_crate(main, region), "the fast path and the crate differ on {text:?}");
    }
}

/// The crate's reading of a number without extension.
fn by_crate(main: &str, region: country::Id) -> Parsed {
    let number = phonenumber::parse(Some(region), main).map_err(|e| e.to_string())?;
    if !phonenumber::is_valid(&number) {
        return Err("not a valid number (wrong length or unknown area code)".to_owned());
    }
    Ok(Phone {
        e164: number.format().mode(Mode::E164).to_string().into(),
        national: number.format().mode(Mode::National).to_string().into(),
    })
}

fn valid_extension(digits: &str) -> bool {
    !digits.is_empty() && digits.len() <= 6 && digits.bytes().all(|b| b.is_ascii_digit())
}

fn extension_error(digits: &str) -> String {
    format!("the extension `{digits}` must be 1 to 6 digits")
}

/// The fast path for Chinese numbers (separators already removed): `Some` only for a number
/// it is sure the crate accepts, with the crate's result; `None` sends it to the crate.
fn fast(main: &str, region: country::Id) -> Option<Phone> {
    if region != country::Id::CN {
        return None;
    }
    // The national significant number: after +86, or after the trunk prefix 0; a mobile is
    // written without either.
    let (nsn, trunk) = match main.strip_prefix("+86") {
        Some(rest) => (rest, false),
        None => match main.strip_prefix('0') {
            Some(rest) => (rest, true),
            None => (main, false),
        },
    };
    if !nsn.bytes().all(|b| b.is_ascii_digit()) || nsn.starts_with('0') {
        return None;
    }
    match (nsn.len(), nsn.as_bytes().first()) {
        (11, Some(b'1')) if !trunk => mobile(nsn),
        (10 | 11, _) if trunk || main.starts_with('+') => landline(nsn),
        _ => None,
    }
}

/// An 11-digit mobile number: the `mobile` pattern of the crate's metadata for CN
/// (`1740[0-5]\d{6}|1(?:[38]\d|4[57]|[59][0-35-9]|6[25-7]|7[0-35-8])\d{8}`), grouped 3-4-4.
fn mobile(nsn: &str) -> Option<Phone> {
    let d = nsn.as_bytes();
    let ok = match (d[1], d[2]) {
        (b'3' | b'8', _) => true,
        (b'4', b'5' | b'7') => true,
        (b'5' | b'9', c) => c != b'4',
        (b'6', b'2' | b'5'..=b'7') => true,
        (b'7', b'0'..=b'3' | b'5'..=b'8') => true,
        (b'7', b'4') => d[3] == b'0' && (b'0'..=b'5').contains(&d[4]),
        _ => false,
    };
    ok.then(|| Phone {
        e164: format!("+86{nsn}").into(),
        national: format!("{} {} {}", &nsn[..3], &nsn[3..7], &nsn[7..]).into(),
    })
}

/// How the crate writes the landlines of one leading-digits class: the national form with
/// `#` for each digit of the national number, or `None` when the crate refused the first
/// one (then every number of the class goes to the crate, for its own message).
type Template = Option<String>;

/// A landline (10 or 11 digits after the trunk prefix): formatted by the template of its
/// class. In the CN metadata, validity and grouping of such numbers are decided by the area
/// code (2 digits after 1 or 2, else 3) and the next 3 digits, and by the length.
fn landline(nsn: &str) -> Option<Phone> {
    static TEMPLATES: OnceLock<RwLock<FxHashMap<(String, usize), Template>>> = OnceLock::new();
    let prefix = if matches!(nsn.as_bytes()[0], b'1' | b'2') { 5 } else { 6 };
    let class = (nsn[..prefix].to_owned(), nsn.len());
    let templates = TEMPLATES.get_or_init(RwLock::default);
    let known = templates.read().unwrap_or_else(|e| e.into_inner()).get(&class).cloned();
    let template = match known {
        Some(t) => t,
        None => {
            let made = template_of(nsn);
            templates.write().unwrap_or_else(|e| e.into_inner()).insert(class, made.clone());
            made
        }
    }?;
    let mut digits = nsn.chars();
    let national: String = template.chars().map(|c| if c == '#' { digits.next().unwrap_or(c) } else { c }).collect();
    Some(Phone { e164: format!("+86{nsn}").into(), national: national.into() })
}

/// The crate's national form of `nsn` as a template, when it is valid and every digit of the
/// form is the trunk prefix or, in order, a digit of `nsn`.
fn template_of(nsn: &str) -> Template {
    let phone = by_crate(&format!("+86{nsn}"), country::Id::CN).ok()?;
    if *phone.e164 != *format!("+86{nsn}") {
        return None;
    }
    let form = phone.national;
    let digits: String = form.chars().filter(char::is_ascii_digit).collect();
    let skip = if digits == format!("0{nsn}") {
        1
    } else if digits == nsn {
        0
    } else {
        return None;
    };
    let mut seen = 0;
    Some(
        form.chars()
            .map(|c| {
                if !c.is_ascii_digit() {
                    return c;
                }
                seen += 1;
                if seen <= skip { c } else { '#' }
            })
            .collect(),
    )
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
        assert_eq!(&*m.e164, "+8613900000001");
        assert_eq!(&*m.national, "139 0000 0001");
        let o = Phone::parse("028-3812 0001", country::Id::CN).unwrap();
        assert_eq!(&*o.e164, "+862838120001");
        assert_eq!(&*o.national, "028 3812 0001");
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
        assert_eq!(&*p.e164, "+862838120001;ext=123");
        assert_eq!(&*p.national, "028 3812 0001 转 123");
        assert_eq!(p.digits(), "862838120001");
        let q = Phone::parse("028-3812 0001 ext. 45", country::Id::CN).unwrap();
        assert_eq!(&*q.e164, "+862838120001;ext=45");
        assert_eq!(&*q.national, "028 3812 0001 ext. 45");
        assert_eq!(Phone::parse("028-3812 0001 EXT 45", country::Id::CN).unwrap().e164, q.e164);
        for bad in ["028-3812 0001 转", "028-3812 0001 转 12a", "028-3812 0001 ext. 1234567", "+86", "0", "+86 转 1"]
        {
            assert!(Phone::parse(bad, country::Id::CN).is_err(), "{bad}");
        }
    }

    /// The crate's own result for a text, as `Phone::parse` would give it without the fast path.
    fn crate_result(text: &str) -> Parsed {
        let k = key(text, country::Id::CN);
        Phone::parse_uncached(&k.1, country::Id::CN)
    }

    #[test]
    fn the_fast_path_gives_the_crates_result_for_every_mobile_prefix() {
        // Every 5-digit prefix of an 11-digit number starting with 1, with two tails each.
        for prefix in 10_000..20_000u32 {
            for tail in ["000000", "987654"] {
                let text = format!("{prefix}{tail}");
                let fast = fast(&text, country::Id::CN);
                let exact = crate_result(&text);
                match (&fast, &exact) {
                    (Some(f), Ok(e)) => assert_eq!(f, e, "{text}"),
                    (Some(f), Err(e)) => panic!("{text}: fast path gives {f:?}, the crate refuses it: {e}"),
                    (None, _) => {}
                }
                if exact.as_ref().is_ok_and(|p| p.national.split(' ').map(str::len).eq([3, 4, 4])) {
                    assert!(fast.is_some(), "{text}: a mobile the fast path should take");
                }
            }
        }
    }

    #[test]
    fn the_fast_path_gives_the_crates_result_for_landlines_and_edge_cases() {
        let mut texts: Vec<String> = Vec::new();
        // The shapes the benchmark's generator and the demo write.
        for district in [0, 1, 57, 199] {
            for slot in [0, 3, 41] {
                texts.push(format!("028-{:04} {:04}", 3800 + district % 200, (slot * 37 + district) % 10_000));
            }
        }
        // Area codes of every length and shape, with subscribers of every leading digit.
        let areas = [
            "10", "20", "21", "22", "23", "24", "25", "27", "28", "29", "311", "351", "411", "451", "471", "510",
            "531", "551", "571", "591", "731", "755", "769", "833", "851", "871", "898", "931", "951", "991", "335",
            "349", "580", "807", "852", "853", "854", "660", "691", "999", "400", "800",
        ];
        let mut rng = fastrand::Rng::with_seed(7);
        for area in areas {
            for first in 0..10u32 {
                for len in [7, 8] {
                    let rest: String = (1..len).map(|_| char::from(b'0' + rng.u8(0..10))).collect();
                    texts.push(format!("0{area}-{first}{rest}"));
                    texts.push(format!("+86 {area} {first}{rest}"));
                }
            }
        }
        texts.extend(
            [
                "010-6552 9988",
                "(010) 8000 1234",
                "021-2345 6789",
                "+86 10 6552 9988",
                "0086 10 6552 9988",
                "400-123-4567",
                "800-123-4567",
                "95588",
                "12345",
                "+86 139 0000 0001",
                "0139 0000 0001",
                "1390000000",
                "139000000012",
                "+8613900000001",
                "0833-1234567",
                "0833-12345678",
                "0833 123456789",
                "+86 833 1234567",
                "028-3812 0001",
                "02838120001",
                "2838120001",
                "+44 20 7946 0958",
                "+1 212 555 0100",
                "17400012345",
                "17406012345",
                "14512345678",
                "14612345678",
                "19412345678",
                "16212345678",
            ]
            .map(String::from),
        );
        let mut fast_taken = 0;
        for text in &texts {
            let exact = crate_result(text);
            let parsed = Phone::parse(text, country::Id::CN);
            assert_eq!(parsed, exact, "{text}");
            let k = key(text, country::Id::CN);
            if let Some(f) = fast(&k.1, country::Id::CN) {
                fast_taken += 1;
                assert_eq!(Ok(f), exact, "{text}");
            }
        }
        assert!(fast_taken * 2 > texts.len(), "the fast path takes most of them: {fast_taken} of {}", texts.len());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        /// Any digits in the shapes the fast path takes: the crate's result, or the crate decides.
        #[test]
        fn the_fast_path_agrees_with_the_crate(
            lead in proptest::sample::select(vec!["0", "+86", "", "+860", "00"]),
            digits in "[1-9][0-9]{9,10}",
        ) {
            let text = format!("{lead}{digits}");
            if let Some(f) = fast(&text, country::Id::CN) {
                proptest::prop_assert_eq!(Ok(f), crate_result(&text), "{}", text);
            }
        }
    }
}
