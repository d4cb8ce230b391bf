//! One shared [`Text`] per distinct string of the model. A province's roster writes the same
//! posts (副区长), body names, offices, answering hours and, edition after edition, the same
//! names and duties tens of thousands of times; interned, each is held once, and a channel's
//! redacted copy of a member copies pointers only.
//!
//! Editions are validated in parallel, so the set is split into shards by hash, each behind
//! its own lock. It lives for one validation: `serve` keeps the validated editions, not the set.

use std::hash::BuildHasher;
use std::sync::Mutex;

use rustc_hash::{FxBuildHasher, FxHashSet};

use super::Text;

const SHARDS: usize = 16;

#[derive(Default)]
pub(crate) struct Interner {
    shards: [Mutex<FxHashSet<Text>>; SHARDS],
}

impl Interner {
    /// The shared text equal to `s`, made on first use.
    pub(crate) fn get(&self, s: &str) -> Text {
        let shard = &self.shards[(FxBuildHasher.hash_one(s) >> 32) as usize % SHARDS];
        let mut set = shard.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(t) = set.get(s) {
            return t.clone();
        }
        let t: Text = s.into();
        set.insert(t.clone());
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_strings_share_one_text_and_different_ones_do_not() {
        let interner = Interner::default();
        let a = interner.get("副区长");
        let b = interner.get(&String::from("副区长"));
        assert!(std::sync::Arc::ptr_eq(&a, &b));
        assert_eq!(&*a, "副区长");
        let c = interner.get("区长");
        assert!(!std::sync::Arc::ptr_eq(&a, &c));
        assert_eq!(&*c, "区长");
        // Across threads, as the editions are validated.
        let texts: Vec<Text> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..4).map(|_| s.spawn(|| interner.get("党组书记"))).collect();
            handles.into_iter().map(|h| h.join().expect("thread")).collect()
        });
        assert!(texts.windows(2).all(|w| std::sync::Arc::ptr_eq(&w[0], &w[1])));
    }
}
