//! `search/y/<n>.js`: the readings of every common Chinese character, so that the search
//! script can match a name typed with a same-sounding character (李 for 黎) without a
//! dictionary of its own. The characters are put in [`BUCKETS`] files by the same hash as the
//! keys, and each file lists its characters by reading (`{"li":"李黎里…"}`), the compact
//! way round; a query loads one small file per character it types.
//!
//! The files depend on nothing but the `pinyin` crate's table, so they are made once per
//! process and written as they are by every build.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use pinyin::ToPinyinMulti;

/// Files of `search/y/`.
pub const BUCKETS: u32 = 16;

/// The CJK Unified Ideographs and their Extension A: every character of the national
/// standard for names (《通用规范汉字表》) is in them.
const RANGES: [std::ops::RangeInclusive<char>; 2] = ['\u{3400}'..='\u{4DBF}', '\u{4E00}'..='\u{9FFF}'];

/// The script of each file, by number.
pub fn files() -> &'static [Vec<u8>] {
    static FILES: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    FILES.get_or_init(build)
}

fn build() -> Vec<Vec<u8>> {
    let mut buckets: Vec<BTreeMap<&'static str, String>> = vec![BTreeMap::new(); BUCKETS as usize];
    for c in RANGES.into_iter().flatten() {
        let Some(multi) = c.to_pinyin_multi() else { continue };
        let bucket = &mut buckets[(super::hash(c.encode_utf8(&mut [0; 4])) % BUCKETS) as usize];
        let mut seen: Vec<&str> = Vec::new();
        for p in multi {
            let plain = p.plain();
            if !seen.contains(&plain) {
                seen.push(plain);
                bucket.entry(plain).or_default().push(c);
            }
        }
    }
    buckets
        .iter()
        .enumerate()
        .map(|(n, readings)| {
            let json = serde_json::to_string(readings).unwrap_or_default();
            super::script(&format!("ROSTER_SEARCH_PUT(\"y\",{n},"), &json)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The readings of `c` as the script finds them: in the file of its hash, under each key
    /// whose characters hold it.
    fn readings_of(c: char) -> Vec<String> {
        let n = super::super::hash(&c.to_string()) % BUCKETS;
        let text = String::from_utf8(files()[n as usize].clone()).unwrap();
        let json = text.trim_end().strip_prefix(&format!("ROSTER_SEARCH_PUT(\"y\",{n},")).unwrap();
        let map: BTreeMap<String, String> = serde_json::from_str(json.strip_suffix(");").unwrap()).unwrap();
        map.into_iter().filter(|(_, chars)| chars.contains(c)).map(|(reading, _)| reading).collect()
    }

    #[test]
    fn homophones_share_a_reading_and_heteronyms_have_all_theirs() {
        assert_eq!(readings_of('李'), ["li"]);
        assert_eq!(readings_of('黎'), ["li"]);
        let dan = readings_of('单');
        assert!(dan.contains(&"dan".into()) && dan.contains(&"shan".into()), "{dan:?}");
        assert!(readings_of('曾').contains(&"zeng".into()));
        let total: usize = files().iter().map(Vec::len).sum();
        assert!(total < 200_000 && files().iter().all(|f| f.len() < 16_000), "{total} bytes");
    }
}
