//! The change log: a fixture with three editions of one district and a transfer to another.

use crate::roster;
use crate::support::{assert_expected, fixture, site_copy, temp_dir};

fn main_of(html: &str) -> &str {
    let start = html.find("<main").unwrap();
    let end = html.find("</main>").unwrap() + "</main>".len();
    &html[start..end]
}

fn build() -> crate::support::Temp {
    let out = temp_dir("history-out").sub("public");
    let run = roster!(fixture("history"), "build", "--output", out.to_str().unwrap());
    assert_eq!(run.code, 0, "{}", run.stderr);
    out
}

#[test]
fn district_and_site_logs() {
    let out = build();
    let a = std::fs::read_to_string(out.join("a/changes/index.html")).unwrap();
    assert_expected(main_of(&a), "expected/history/a-changes.html");
    let site = std::fs::read_to_string(out.join("changes/index.html")).unwrap();
    assert_expected(main_of(&site), "expected/history/site-changes.html");
    // The transfer appears once on the site log, with both ends.
    assert_eq!(site.matches("change-transferred").count(), 1, "{site}");
    // Bob's private mobile changed: said, without either value.
    for log in [&a, &site] {
        assert!(!log.contains("139 0000 0002") && !log.contains("139 0000 0009"));
    }
    assert!(a.contains("changed (not published)"));
    // Office is not in the web policy: Cat's office change is not in the log at all.
    assert!(!a.contains("Room 1") && !a.contains("Room 2"));
    // District and person pages link to the log and show the last change.
    let district = std::fs::read_to_string(out.join("a/index.html")).unwrap();
    assert!(district.contains("href=\"../a/changes/index.html\""), "{district}");
    assert!(district.contains("Last change <time datetime=\"2022-01-01\">"));
    let ann = std::fs::read_to_string(out.join("people/ann/index.html")).unwrap();
    assert!(ann.contains("Transferred: Ann, to District B, Committee Secretary"), "{ann}");
    assert!(ann.contains("Responsibilities changed: Ann, “Everything.” → “Everything, and finance.”"), "{ann}");
}

#[test]
fn atom_feed() {
    let out = build();
    let xml = std::fs::read_to_string(out.join("changes.xml")).unwrap();
    let doc = roxmltree::Document::parse(&xml).expect("feed is well-formed XML");
    let feed = doc.root_element();
    assert_eq!(feed.tag_name().name(), "feed");
    assert_eq!(feed.tag_name().namespace(), Some("http://www.w3.org/2005/Atom"));
    let child = |n: roxmltree::Node<'_, '_>, name: &str| {
        n.children().find(|c| c.tag_name().name() == name).and_then(|c| c.text()).map(str::to_owned)
    };
    assert_eq!(child(feed, "id").as_deref(), Some("https://example.org/h/changes.xml"));
    assert_eq!(child(feed, "updated").as_deref(), Some("2022-01-01T00:00:00Z"));
    let entries: Vec<_> = feed.children().filter(|c| c.tag_name().name() == "entry").collect();
    assert_eq!(entries.len(), 5, "one entry per district edition");
    let ids: Vec<String> = entries.iter().map(|e| child(*e, "id").unwrap()).collect();
    assert_eq!(ids[0], "https://example.org/h/a/2022-01-01/");
    assert_eq!(ids.iter().collect::<std::collections::BTreeSet<_>>().len(), 5, "ids are unique");
    let updated: Vec<String> = entries.iter().map(|e| child(*e, "updated").unwrap()).collect();
    let mut sorted = updated.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(updated, sorted, "newest first");
    for e in &entries {
        let link = e.children().find(|c| c.tag_name().name() == "link").unwrap();
        assert!(link.attribute("href").unwrap().starts_with("https://example.org/h/"));
        assert!(child(*e, "title").is_some());
    }
    let first = child(entries[0], "content").unwrap();
    assert!(first.contains("<li>Transferred: Ann, to District B, Committee Secretary</li>"), "{first}");
    assert!(!xml.contains("139 0000 0009"), "private values stay out of the feed");
}

#[test]
fn diff_command_text_and_json() {
    let run = roster!(fixture("history"), "diff", "a");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_expected(&run.stdout, "expected/history/diff-a.txt");
    let run = roster!(fixture("history"), "diff", "a", "2020-01-01", "2021-01-01");
    assert_expected(&run.stdout, "expected/history/diff-a-2020-2021.txt");
    assert!(run.stdout.contains("Mobile changed (not published)"));
    let run = roster!(fixture("history"), "diff", "a", "2020-01-01", "2021-01-01", "--show-private");
    assert!(run.stdout.contains("Mobile 139 0000 0002 → 139 0000 0009"), "{}", run.stdout);
    let run = roster!(fixture("history"), "diff", "/a/", "--format", "json");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["from"], "2021-01-01");
    assert_eq!(v["to"], "2022-01-01");
    let kinds: Vec<&str> = v["changes"].as_array().unwrap().iter().map(|c| c["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["left", "left", "post", "post"]);
    assert_eq!(v["changes"][0]["to"]["district"], "b");
}

#[test]
fn diff_command_errors() {
    let run = roster!(fixture("history"), "diff", "c");
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("no district `c`"), "{}", run.stderr);
    let run = roster!(fixture("history"), "diff", "a", "2020-05-05");
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("has no edition dated 2020-05-05; its editions are: 2020-01-01, 2021-01-01, 2022-01-01"),
        "{}",
        run.stderr
    );
    let run = roster!(fixture("history"), "diff", "a", "2022-01-01", "2020-01-01");
    assert_eq!(run.code, 1);
}

#[test]
fn as_of_rebuilds_an_old_printing() {
    let run = roster!(fixture("history"), "diff", "a", "--as-of", "2021-06-30");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with("District A (a): 2020-01-01 → 2021-01-01"), "{}", run.stdout);
    let dir = site_copy("history");
    let run = roster!(dir, "build", "--as-of", "2021-06-30");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!dir.join("public/a/2022-01-01").exists());
    let a = std::fs::read_to_string(dir.join("public/a/index.html")).unwrap();
    assert!(a.contains("In force since 2021-01-01"));
    assert!(a.contains(">Dan</a>"), "Dan was still there");
    let feed = std::fs::read_to_string(dir.join("public/changes.xml")).unwrap();
    assert_eq!(feed.matches("<entry>").count(), 3);
    assert_eq!(roster!(dir, "check", "--as-of", "2021-06-30").code, 0);
}
