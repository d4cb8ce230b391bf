//! Helpers for unit tests: small sites written to a temporary folder and loaded.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::model::Roster;

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A fresh, empty temporary folder.
pub fn temp_dir(tag: &str) -> PathBuf {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("roster-unit-{tag}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Writes `files` (path, text) into a new site folder and returns it.
pub fn site(files: &[(&str, &str)]) -> PathBuf {
    let dir = temp_dir("site");
    let mut has_config = false;
    for (path, text) in files {
        has_config |= *path == "roster.toml";
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }
    if !has_config {
        std::fs::write(dir.join("roster.toml"), "title = \"Test\"\nbase_url = \"https://example.org/\"\n")
            .expect("write");
    }
    dir
}

/// Loads a site, panicking on errors.
pub fn load(dir: &std::path::Path, as_of: Option<chrono::NaiveDate>) -> Roster {
    let opts = crate::BuildOptions { as_of, ..Default::default() };
    let loaded = crate::pipeline::load(dir, crate::pipeline::Input::Folder(None), &opts);
    let errors: Vec<_> = loaded.diagnostics.iter().filter(|d| d.is_error()).map(|d| d.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    loaded.roster
}

/// A roster from (district path, edition date, members as (id, name, post)); every member is
/// in one body named 班子.
/// (id, name, post)
pub type M<'a> = (&'a str, &'a str, &'a str);

pub fn roster(editions: &[(&str, &str, &[M<'_>])]) -> Roster {
    let mut files: Vec<(String, String)> = Vec::new();
    for (district, date, members) in editions {
        let meta = format!("content/{district}/district.toml");
        if !files.iter().any(|(p, _)| *p == meta) {
            files.push((meta, format!("name = \"{district}\"\n")));
        }
        let mut text = String::from("[[body]]\nname = \"班子\"\n");
        for (id, name, post) in *members {
            text.push_str(&format!("[[body.member]]\nid = \"{id}\"\nname = \"{name}\"\npost = \"{post}\"\n"));
        }
        files.push((format!("content/{district}/{date}.toml"), text));
    }
    let refs: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    load(&site(&refs), None)
}
