//! `/search/`: a page whose small script searches an index of the current roster, loaded as
//! scripts so that it works from `file://` as well as served. Each entry carries the name, its
//! pinyin by syllable and as initials (李明: `li ming`, `lm`), post, duties, district and the
//! digits of the published numbers.
//!
//! At a province's size the whole index is megabytes, so it is split, after Pagefind's
//! chunked index, and a query loads only what it needs:
//! - `search/index.js`: the manifest (entry count, chunk size, bucket counts, synonyms);
//! - `search/r/<n>.js`: the entries, [`CHUNK`] per file, in roster order;
//! - `search/k/<n>.js`: the keys, each with the ids of the entries that have it. A key is a
//!   kind and a gram: `n` a character or two consecutive characters of the name, `t` two of
//!   post, duties and district, `p` two letters of the pinyin, `i` the first one or two
//!   initials, `d` three consecutive digits of a number. Keys are put in buckets by a hash of
//!   the gram (FNV-1a over UTF-16 units, the same in the script), so every key a search term
//!   can need is in one file;
//! - `search/s/<n>.js`: the `s` keys, a syllable of the pinyin or two consecutive ones (`li`,
//!   `li jian`: how a same-sounding name is found), in smaller buckets of their own;
//! - `search/y/<n>.js`: the readings of every CJK character ([`readings`]), for a name typed
//!   with a same-sounding character.
//!
//! The manifest also carries the synonym groups ([`synonyms`]): 城管 is looked up as 城市管理.
//!
//! A term needs a key of its first gram, so the entries its script loads are a superset of
//! those it matches, and the script then scores them as before. What is not indexed: a single
//! character found only in post, duties or district; a single letter found in the pinyin other
//! than at its start; fewer than three digits.

mod readings;
mod synonyms;

use pinyin::ToPinyin;
use rayon::prelude::*;
use serde::Serialize;

use super::{Ctx, links, markdown};
use crate::diag::Diagnostic;
use crate::output::Sink;

/// The pinyin of a name without tones, a syllable per character and separated by spaces, and
/// its initials; a run of other letters and digits is one lowercase syllable (so "Li Ming"
/// gives `li ming` and `lm`).
pub fn pinyin_of(name: &str) -> (String, String) {
    let mut syllables: Vec<String> = Vec::new();
    let mut initials = String::new();
    let mut in_run = false;
    for (c, py) in name.chars().zip(name.to_pinyin()) {
        match py {
            Some(p) => {
                syllables.push(p.plain().to_owned());
                initials.push_str(p.first_letter());
                in_run = false;
            }
            None if c.is_alphanumeric() => {
                let lower = c.to_lowercase().to_string();
                match syllables.last_mut() {
                    Some(last) if in_run => last.push_str(&lower),
                    _ => {
                        initials.push_str(&lower);
                        syllables.push(lower);
                    }
                }
                in_run = true;
            }
            None => in_run = false,
        }
    }
    (syllables.join(" "), initials)
}

/// One search entry: `[name, pinyin, initials, post, duties, district, digits, person url,
/// district url, numbers]`, numbers as `kind|national|e164` (kind `o` for the office phone,
/// `m` for the mobile) separated by spaces.
type Entry = [String; 10];

/// The entries of every current member, in roster order (districts in parallel).
fn entries(ctx: &Ctx<'_>) -> Vec<Entry> {
    let per_district: Vec<Vec<Entry>> = ctx.roster.districts.par_iter().map(district_entries).collect();
    per_district.into_iter().flatten().collect()
}

fn district_entries(d: &crate::model::District) -> Vec<Entry> {
    let mut out = Vec::new();
    if let Some(e) = d.current() {
        for (_, m) in e.members() {
            let (full, initials) = pinyin_of(&m.name);
            let digits: Vec<String> = [m.office_phone.as_ref(), m.mobile.as_ref()]
                .into_iter()
                .flatten()
                .map(|p| format!("{} {}", p.national.replace(' ', ""), p.digits()))
                .collect();
            out.push([
                m.name.to_string(),
                full,
                initials,
                m.post.to_string(),
                m.duties.as_deref().map(markdown::plain).unwrap_or_default(),
                d.name.clone(),
                digits.join(" "),
                links::person(&m.id),
                links::district(&d.path),
                [("o", m.office_phone.as_ref()), ("m", m.mobile.as_ref())]
                    .into_iter()
                    .filter_map(|(kind, p)| p.map(|p| (kind, p)))
                    .map(|(kind, p)| format!("{kind}|{}|{}", p.national.replace(' ', "\u{a0}"), p.e164))
                    .collect::<Vec<_>>()
                    .join(" "),
            ]);
        }
    }
    out
}

/// Entries per file of `search/r/`.
pub const CHUNK: usize = 64;

/// About this many bytes of keys per file of `search/k/`.
const BUCKET_BYTES: usize = 96 * 1024;

/// About this many bytes of syllable keys per file of `search/s/`.
const SOUND_BUCKET_BYTES: usize = 16 * 1024;

/// The normalisation of the search script (`norm` in search.js): lowercase, without white
/// space and the separators people type in names and numbers.
fn norm(text: &str) -> Vec<char> {
    text.chars()
        .flat_map(char::to_lowercase)
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '(' | ')' | '（' | '）' | '·' | '.'))
        .collect()
}

/// FNV-1a over the UTF-16 code units of `gram` (`hash` in search.js).
fn hash(gram: &str) -> u32 {
    gram.encode_utf16().fold(0x811c_9dc5_u32, |h, u| (h ^ u32::from(u)).wrapping_mul(0x0100_0193))
}

/// A key as the index builder holds it: its kind and a gram of up to three characters, or
/// for `s` the syllables (in [`Postings::sounds`]). No string is made per key occurrence.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Short {
    kind: char,
    len: u8,
    chars: [char; 3],
}

impl Short {
    fn new(kind: char, gram: &[char]) -> Short {
        let mut chars = ['\0'; 3];
        chars[..gram.len()].copy_from_slice(gram);
        Short { kind, len: gram.len() as u8, chars }
    }

    fn gram(&self) -> String {
        self.chars[..usize::from(self.len)].iter().collect()
    }
}

/// One key of an entry, handed to [`each_key`]'s visitor.
enum Key<'a> {
    Short(Short),
    /// A syllable or two, space-separated (`li`, `li jian`).
    Sound(&'a str),
}

/// Calls `visit` with every key of one entry (a key may come more than once).
fn each_key(e: &Entry, mut visit: impl FnMut(Key<'_>)) {
    let grams = |kind: char, chars: &[char], n: usize, visit: &mut dyn FnMut(Key<'_>)| {
        for w in chars.windows(n) {
            visit(Key::Short(Short::new(kind, w)));
        }
    };
    let name = norm(&e[0]);
    grams('n', &name, 1, &mut visit);
    grams('n', &name, 2, &mut visit);
    let text = norm(&format!("{}{}{}", e[3], e[4], e[5]));
    grams('t', &text, 2, &mut visit);
    let pinyin: Vec<char> = e[1].chars().filter(|c| *c != ' ').collect();
    grams('p', &pinyin, 2, &mut visit);
    for number in e[6].split(' ') {
        grams('d', &number.chars().collect::<Vec<_>>(), 3, &mut visit);
    }
    let syllables: Vec<&str> = e[1].split(' ').filter(|s| !s.is_empty()).collect();
    let mut pair = String::new();
    for (i, syllable) in syllables.iter().enumerate() {
        visit(Key::Sound(syllable));
        if let Some(next) = syllables.get(i + 1) {
            pair.clear();
            pair.push_str(syllable);
            pair.push(' ');
            pair.push_str(next);
            visit(Key::Sound(&pair));
        }
    }
    let initials: Vec<char> = e[2].chars().collect();
    for n in 1..=initials.len().min(2) {
        visit(Key::Short(Short::new('i', &initials[..n])));
    }
}

/// The keys of one entry, as (gram, kind).
#[cfg(test)]
fn keys(e: &Entry) -> Vec<(String, char)> {
    let mut out = Vec::new();
    each_key(e, |k| match k {
        Key::Short(s) => out.push((s.gram(), s.kind)),
        Key::Sound(s) => out.push((s.to_owned(), 's')),
    });
    out
}

/// The ids of the entries with each key, ascending.
#[derive(Default)]
struct Postings {
    short: rustc_hash::FxHashMap<Short, Vec<u32>>,
    sounds: rustc_hash::FxHashMap<String, Vec<u32>>,
}

fn add(ids: &mut Vec<u32>, id: u32) {
    if ids.last() != Some(&id) {
        ids.push(id);
    }
}

fn postings(items: &[Entry]) -> Postings {
    let mut map = Postings::default();
    for (id, e) in items.iter().enumerate() {
        let id = id as u32;
        each_key(e, |key| match key {
            Key::Short(s) => add(map.short.entry(s).or_default(), id),
            Key::Sound(s) => match map.sounds.get_mut(s) {
                Some(ids) => add(ids, id),
                None => {
                    map.sounds.insert(s.to_owned(), vec![id]);
                }
            },
        });
    }
    map
}

impl Postings {
    /// Every key as (gram, kind, ids), ordered by gram and then kind, so that the files come
    /// out the same whatever the hash maps' order.
    fn sorted(self) -> Vec<(String, char, Vec<u32>)> {
        let mut all: Vec<(String, char, Vec<u32>)> = self
            .short
            .into_iter()
            .map(|(k, ids)| (k.gram(), k.kind, ids))
            .chain(self.sounds.into_iter().map(|(g, ids)| (g, 's', ids)))
            .collect();
        all.par_sort_unstable_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
        all
    }
}

/// A key ready for its file: the hash of its gram and its JSON (`"nli":[3,1,…]`).
type Encoded = (u32, String);

/// Writes `search/<family>/<n>.js`: the keys (hash of the gram, encoded key) in as many
/// buckets (a power of two) as hold about `size` bytes each; returns the number of buckets.
fn write_buckets(
    sink: &dyn Sink,
    family: &str,
    keys: &[(u32, String)],
    size: usize,
    errors: &mut Vec<Diagnostic>,
) -> usize {
    let total: usize = keys.iter().map(|(_, e)| e.len() + 1).sum();
    let buckets = total.div_ceil(size).max(1).next_power_of_two();
    let mut by_bucket: Vec<Vec<&str>> = vec![Vec::new(); buckets];
    for (h, entry) in keys {
        by_bucket[*h as usize % buckets].push(entry);
    }
    errors.par_extend(by_bucket.par_iter().enumerate().filter_map(|(n, entries)| {
        let json = format!("{{{}}}", entries.join(","));
        let bytes = script(&format!("ROSTER_SEARCH_PUT(\"{family}\",{n},"), &json);
        super::put(sink, &format!("search/{family}/{n}.js"), bytes).err()
    }));
    buckets
}

/// One file of the index: a call that hands its part to the search script. `<` and `>` are
/// escaped: harmless in a script file, and safe should it ever be inlined.
fn script(call: &str, json: &str) -> Vec<u8> {
    format!("{call}{});\n", json.replace('<', "\\u003c").replace('>', "\\u003e")).into_bytes()
}

pub fn render(ctx: &Ctx<'_>, sink: &dyn Sink) -> Vec<Diagnostic> {
    let items = entries(ctx);
    let mut errors: Vec<Diagnostic> = items
        .par_chunks(CHUNK)
        .enumerate()
        .filter_map(|(n, chunk)| {
            let json = serde_json::to_string(chunk).unwrap_or_default();
            let bytes = script(&format!("ROSTER_SEARCH_PUT(\"r\",{n},"), &json);
            super::put(sink, &format!("search/r/{n}.js"), bytes).err()
        })
        .collect();
    let postings = postings(&items);
    // Ids are written as gaps from the one before: a few digits each. The syllable keys
    // (`s`) go to files of their own, smaller ones: a query for a name needs one of them
    // besides the bucket of its characters.
    let (mut keys, mut sounds): (Vec<Encoded>, Vec<Encoded>) = (Vec::new(), Vec::new());
    for (gram, kind, ids) in postings.sorted() {
        let mut text = serde_json::to_string(&format!("{kind}{gram}")).unwrap_or_default();
        text.push_str(":[");
        let mut last = 0;
        for (i, id) in ids.iter().enumerate() {
            if i > 0 {
                text.push(',');
            }
            text.push_str(&(id - last).to_string());
            last = *id;
        }
        text.push(']');
        let list = if kind == 's' { &mut sounds } else { &mut keys };
        list.push((hash(&gram), text));
    }
    let buckets = write_buckets(sink, "k", &keys, BUCKET_BYTES, &mut errors);
    let sound_buckets = write_buckets(sink, "s", &sounds, SOUND_BUCKET_BYTES, &mut errors);
    errors.extend(
        readings::files()
            .iter()
            .enumerate()
            .filter_map(|(n, bytes)| super::put(sink, &format!("search/y/{n}.js"), bytes.clone()).err()),
    );
    let synonyms = serde_json::to_string(&synonyms::groups(&ctx.roster.config.search)).unwrap_or_default();
    let manifest = format!(
        "window.ROSTER_SEARCH = {{\"v\":3,\"count\":{},\"chunk\":{CHUNK},\"buckets\":{buckets},\"sounds\":{sound_buckets},\"readings\":{},\"synonyms\":{}}};\n",
        items.len(),
        readings::BUCKETS,
        synonyms.replace('<', "\\u003c").replace('>', "\\u003e")
    );
    errors.extend(super::put(sink, "search/index.js", manifest.into_bytes()).err());
    #[derive(Serialize)]
    struct Page {
        crumbs: Vec<super::view::Link>,
        count: usize,
    }
    let crumbs = vec![super::view::Link {
        name: ctx.theme.labels.get("search").cloned().unwrap_or_default(),
        url: "search/index.html".into(),
    }];
    errors.extend(ctx.page("search.html", "search/index.html", &Page { crumbs, count: items.len() }, sink).err());
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinyin_and_initials() {
        assert_eq!(pinyin_of("李明"), ("li ming".into(), "lm".into()));
        assert_eq!(pinyin_of("欧阳娜娜"), ("ou yang na na".into(), "oynn".into()));
        assert_eq!(pinyin_of("买买提·艾力"), ("mai mai ti ai li".into(), "mmtal".into()));
        assert_eq!(pinyin_of("Li Ming"), ("li ming".into(), "lm".into()));
        assert_eq!(pinyin_of("王A2"), ("wang a2".into(), "wa".into()));
    }

    #[test]
    fn the_hash_is_fnv1a_over_utf16_as_the_script_computes_it() {
        // Values from the script's `hash` in Node: FNV-1a 32-bit test vectors and a surrogate pair.
        assert_eq!(hash(""), 0x811c_9dc5);
        assert_eq!(hash("a"), 0xe40c_292c);
        assert_eq!(hash("foobar"), 0xbf9c_f968);
        assert_eq!(hash("𪚥"), 0x1dc8_a1b3, "a surrogate pair, as charCodeAt sees it");
    }

    #[test]
    fn every_term_finds_its_entries_among_the_keys_of_its_first_gram() {
        let e: Entry = [
            "欧阳 娜娜".into(),
            "ou yang na na".into(),
            "oynn".into(),
            "副区长".into(),
            "负责城市管理".into(),
            "东坡区".into(),
            "02838120001 862838120001".into(),
            String::new(),
            String::new(),
            String::new(),
        ];
        let keys = keys(&e);
        let has = |kind: char, gram: &str| keys.iter().any(|(g, k)| *k == kind && g == gram);
        assert!(has('n', "欧") && has('n', "欧阳") && has('n', "阳娜"), "name grams without the space");
        assert!(
            has('t', "城市") && has('t', "长负"),
            "text grams run across post and duties, as the script's text does"
        );
        assert!(
            has('p', "ou") && has('p', "na") && has('p', "gn") && has('i', "o") && has('i', "oy") && !has('i', "yn")
        );
        assert!(
            has('s', "yang") && has('s', "ou yang") && has('s', "na na") && !has('s', "ou na"),
            "syllables and pairs"
        );
        assert!(has('d', "028") && has('d', "001") && has('d', "862") && !has('d', "1 8"));
    }
}
