use chrono::NaiveDate;

use super::*;
use crate::model::{Body, Phone};

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn phone(s: &str) -> Option<Phone> {
    Some(Phone::parse(s, phonenumber::country::Id::CN).unwrap())
}

fn m(id: &str, post: &str) -> Member {
    Member {
        id: id.into(),
        name: id.to_uppercase().into(),
        post: post.into(),
        duties: None,
        mobile: None,
        office_phone: None,
        office: None,
        hours: None,
        verified: None,
        private: FieldSet::EMPTY,
    }
}

fn ed(bodies: &[(&str, Vec<Member>)]) -> Edition {
    Edition {
        date: date("2022-01-01"),
        reason: None,
        source: None,
        note: None,
        bodies: bodies
            .iter()
            .map(|(n, ms)| Body { name: (*n).into(), members: ms.iter().cloned().map(std::sync::Arc::new).collect() })
            .collect(),
        file: String::new(),
    }
}

/// One line per change, for table-driven assertions.
fn describe(c: &Change) -> String {
    let f = |fc: &FieldChange| {
        let v = |x: &Option<String>| x.clone().unwrap_or_else(|| "-".into());
        let p = if fc.private { " (private)" } else { "" };
        format!("{} {} -> {}{p}", fc.field, v(&fc.from), v(&fc.to))
    };
    match &c.kind {
        Kind::Joined { body, post, .. } => format!("joined {} {body}/{post}", c.person),
        Kind::Left { body, post, .. } => format!("left {} {body}/{post}", c.person),
        Kind::Post { from_body, from_post, to_body, to_post } => {
            format!("post {} {from_body}/{from_post} -> {to_body}/{to_post}", c.person)
        }
        Kind::Duties(fc) => format!("duties {}: {}", c.person, f(fc)),
        Kind::Contact { fields } => {
            format!("contact {}: {}", c.person, fields.iter().map(f).collect::<Vec<_>>().join("; "))
        }
    }
}

#[test]
fn diff_table() {
    let with = |mut mem: Member, edit: &dyn Fn(&mut Member)| {
        edit(&mut mem);
        mem
    };
    let a = m("a", "书记");
    let b = m("b", "区长");
    let cases: Vec<(&str, Edition, Edition, Vec<&str>)> = vec![
        ("identical", ed(&[("委", vec![a.clone(), b.clone()])]), ed(&[("委", vec![a.clone(), b.clone()])]), vec![]),
        (
            "reordering only",
            ed(&[("委", vec![a.clone(), b.clone()])]),
            ed(&[("委", vec![b.clone(), a.clone()])]),
            vec![],
        ),
        ("joined", ed(&[("委", vec![a.clone()])]), ed(&[("委", vec![a.clone(), b.clone()])]), vec!["joined b 委/区长"]),
        ("left", ed(&[("委", vec![a.clone(), b.clone()])]), ed(&[("委", vec![a.clone()])]), vec!["left b 委/区长"]),
        (
            "post changed",
            ed(&[("委", vec![a.clone()])]),
            ed(&[("委", vec![m("a", "副书记")])]),
            vec!["post a 委/书记 -> 委/副书记"],
        ),
        (
            "moved between bodies",
            ed(&[("委", vec![a.clone()]), ("府", vec![b.clone()])]),
            ed(&[("委", vec![]), ("府", vec![b.clone(), a.clone()])]),
            vec!["post a 委/书记 -> 府/书记"],
        ),
        (
            "duties changed",
            ed(&[("委", vec![with(a.clone(), &|x| x.duties = Some("教育".into()))])]),
            ed(&[("委", vec![with(a.clone(), &|x| x.duties = Some("教育、卫生".into()))])]),
            vec!["duties a: duties 教育 -> 教育、卫生"],
        ),
        (
            "duties added",
            ed(&[("委", vec![a.clone()])]),
            ed(&[("委", vec![with(a.clone(), &|x| x.duties = Some("教育".into()))])]),
            vec!["duties a: duties - -> 教育"],
        ),
        (
            "mobile changed",
            ed(&[("委", vec![with(a.clone(), &|x| x.mobile = phone("139 0000 0001"))])]),
            ed(&[("委", vec![with(a.clone(), &|x| x.mobile = phone("139 0000 0002"))])]),
            vec!["contact a: mobile 139 0000 0001 -> 139 0000 0002"],
        ),
        (
            "same number written differently",
            ed(&[("委", vec![with(a.clone(), &|x| x.mobile = phone("13900000001"))])]),
            ed(&[("委", vec![with(a.clone(), &|x| x.mobile = phone("+86 139 0000 0001"))])]),
            vec![],
        ),
        (
            "office phone, office and hours",
            ed(&[(
                "委",
                vec![with(a.clone(), &|x| {
                    x.office_phone = phone("028-3812 0001");
                    x.office = Some("101".into());
                    x.hours = Some("24 小时".into());
                })],
            )]),
            ed(&[(
                "委",
                vec![with(a.clone(), &|x| {
                    x.office_phone = phone("028-3812 0009");
                    x.office = Some("102".into());
                })],
            )]),
            vec!["contact a: office_phone 028 3812 0001 -> 028 3812 0009; office 101 -> 102; hours 24 小时 -> -"],
        ),
        (
            "several changes at once",
            ed(&[(
                "委",
                vec![with(a.clone(), &|x| {
                    x.duties = Some("教育".into());
                    x.mobile = phone("139 0000 0001");
                })],
            )]),
            ed(&[(
                "府",
                vec![with(m("a", "区长"), &|x| {
                    x.duties = Some("全面".into());
                    x.mobile = phone("139 0000 0003");
                })],
            )]),
            vec![
                "post a 委/书记 -> 府/区长",
                "duties a: duties 教育 -> 全面",
                "contact a: mobile 139 0000 0001 -> 139 0000 0003",
            ],
        ),
        (
            "private number changed",
            ed(&[(
                "委",
                vec![with(a.clone(), &|x| {
                    x.mobile = phone("139 0000 0001");
                    x.private.insert(Field::Mobile);
                })],
            )]),
            ed(&[(
                "委",
                vec![with(a.clone(), &|x| {
                    x.mobile = phone("139 0000 0002");
                    x.private.insert(Field::Mobile);
                })],
            )]),
            vec!["contact a: mobile 139 0000 0001 -> 139 0000 0002 (private)"],
        ),
        (
            "joined and left in one edition",
            ed(&[("委", vec![a.clone()])]),
            ed(&[("委", vec![b.clone()])]),
            vec!["joined b 委/区长", "left a 委/书记"],
        ),
        (
            "verified date alone is no change",
            ed(&[("委", vec![a.clone()])]),
            ed(&[("委", vec![with(a.clone(), &|x| x.verified = Some(date("2022-01-01")))])]),
            vec![],
        ),
    ];
    for (name, old, new, want) in cases {
        let got: Vec<String> = diff(&old, &new).iter().map(describe).collect();
        assert_eq!(got, want, "case: {name}");
    }
}

#[test]
fn diff_with_itself_is_empty() {
    let e = ed(&[("委", vec![m("a", "书记"), m("b", "区长")]), ("府", vec![m("c", "副区长")])]);
    assert!(diff(&e, &e).is_empty());
}

#[test]
fn redaction_keeps_changed_without_values_and_drops_unpublished_fields() {
    let mut a = m("a", "书记");
    a.mobile = phone("139 0000 0001");
    a.office = Some("101".into());
    a.private.insert(Field::Mobile);
    let mut b = a.clone();
    b.mobile = phone("139 0000 0002");
    b.office = Some("102".into());
    let changes = vec![vec![
        std::sync::Arc::new(vec![]),
        std::sync::Arc::new(diff(&ed(&[("委", vec![a])]), &ed(&[("委", vec![b])]))),
    ]];
    let history = History { changes };
    let web: FieldSet = [Field::Name, Field::Post, Field::Mobile].into_iter().collect();
    let shown: Vec<String> = history.redacted(web).changes[0][1].iter().map(describe).collect();
    assert_eq!(shown, vec!["contact a: mobile - -> - (private)"]);
    let nothing: FieldSet = [Field::Name, Field::Post].into_iter().collect();
    assert!(history.redacted(nothing).changes[0][1].is_empty());
}

#[test]
fn first_edition_is_initial_publication_and_transfers_link_both_ends() {
    let r = crate::testutil::roster(&[
        ("a", "2020-01-01", &[("x", "X", "书记"), ("y", "Y", "区长")]),
        ("a", "2022-01-01", &[("y", "Y", "区长")]),
        ("b", "2020-01-01", &[("z", "Z", "书记")]),
        ("b", "2022-01-01", &[("z", "Z", "书记"), ("x", "X", "区委副书记")]),
    ]);
    let h = History::compute(&r);
    let a = r.district_by_path("a").unwrap();
    let b = r.district_by_path("b").unwrap();
    assert!(h.changes[a][0].is_empty() && h.changes[b][0].is_empty());
    assert_eq!(h.changes[a][1].len(), 1);
    assert_eq!(
        h.changes[a][1][0].kind,
        Kind::Left {
            body: "班子".into(),
            post: "书记".into(),
            to: Some(Place { district: b, date: date("2022-01-01") })
        }
    );
    assert_eq!(
        h.changes[b][1][0].kind,
        Kind::Joined {
            body: "班子".into(),
            post: "区委副书记".into(),
            from: Some(Place { district: a, date: date("2022-01-01") })
        }
    );
    assert_eq!(h.changes[b][1][0].kind.kind(), ChangeKind::TransferredIn);
    assert_eq!(h.last_change(&r, a), Some(date("2022-01-01")));
}

#[test]
fn a_rebuild_relinks_transfers_as_a_fresh_build_and_keeps_the_lists_it_does_not_change() {
    // x leaves a for b, where p and q join too (x between them); w leaves c for d.
    let before: &[(&str, &str, &[crate::testutil::M<'_>])] = &[
        ("a", "2020-01-01", &[("x", "X", "书记"), ("y", "Y", "区长")]),
        ("a", "2022-01-01", &[("y", "Y", "区长")]),
        ("b", "2020-01-01", &[("z", "Z", "书记")]),
        ("b", "2022-01-01", &[("z", "Z", "书记"), ("p", "P", "委员"), ("x", "X", "副书记"), ("q", "Q", "委员")]),
        ("c", "2020-01-01", &[("w", "W", "书记")]),
        ("c", "2022-01-01", &[("v", "V", "书记")]),
        ("d", "2020-01-01", &[("u", "U", "书记")]),
        ("d", "2022-01-01", &[("u", "U", "书记"), ("w", "W", "委员")]),
    ];
    let r1 = crate::testutil::roster(before);
    let h1 = History::compute(&r1);
    let [a, b, c, d] = ["a", "b", "c", "d"].map(|p| r1.district_by_path(p).unwrap());
    assert_eq!(h1.changes[b][1][0].kind.kind(), ChangeKind::TransferredIn);
    // An edit of a: x stays, so x only joined b (a second post), between p and q again.
    let mut edited = before.to_vec();
    edited[1] = ("a", "2022-01-01", &[("x", "X", "书记"), ("y", "Y", "区长")]);
    let mut r2 = r1.clone();
    r2.districts[a].editions[1] = crate::testutil::roster(&edited).districts[a].editions[1].clone();
    let h2 = History::compute_reusing(&r2, Some((&r1, &h1)));
    assert_eq!(h2, History::compute(&r2), "the same history, in the same order, as a fresh build");
    let b_joined: Vec<&str> = h2.changes[b][1].iter().map(|c| &*c.person).collect();
    assert_eq!(b_joined, ["p", "x", "q"]);
    for e in 0..2 {
        assert!(Arc::ptr_eq(&h2.changes[c][e], &h1.changes[c][e]), "c's transfer is as it was: its list is kept");
        assert!(Arc::ptr_eq(&h2.changes[d][e], &h1.changes[d][e]));
    }
    // And back: the transfer is linked again.
    let h3 = History::compute_reusing(&r1, Some((&r2, &h2)));
    assert_eq!(h3, h1);
    assert_eq!(h3.changes[b][1][0].kind.kind(), ChangeKind::TransferredIn);
}

#[test]
fn transfer_window() {
    let files = [
        ("roster.toml", "title = \"t\"\nbase_url = \"https://e.org/\"\n[history]\ntransfer_window_days = 10\n"),
        ("content/a/district.toml", "name = \"A\"\n"),
        ("content/b/district.toml", "name = \"B\"\n"),
        (
            "content/a/2020-01-01.toml",
            "[[body]]\nname = \"班子\"\n[[body.member]]\nid = \"x\"\nname = \"X\"\npost = \"书记\"\n[[body.member]]\nid = \"q\"\nname = \"Q\"\npost = \"区长\"\n",
        ),
        (
            "content/a/2022-01-01.toml",
            "[[body]]\nname = \"班子\"\n[[body.member]]\nid = \"q\"\nname = \"Q\"\npost = \"区长\"\n",
        ),
        (
            "content/b/2020-01-01.toml",
            "[[body]]\nname = \"班子\"\n[[body.member]]\nid = \"z\"\nname = \"Z\"\npost = \"书记\"\n",
        ),
        (
            "content/b/2022-01-08.toml",
            "[[body]]\nname = \"班子\"\n[[body.member]]\nid = \"z\"\nname = \"Z\"\npost = \"书记\"\n[[body.member]]\nid = \"x\"\nname = \"X\"\npost = \"副书记\"\n",
        ),
    ];
    let dir = crate::testutil::site(&files);
    let r = crate::testutil::load(&dir, None);
    let h = History::compute(&r);
    let a = r.district_by_path("a").unwrap();
    assert!(matches!(h.changes[a][1][0].kind, Kind::Left { to: Some(_), .. }), "7 days apart is within 10");
    // The same site without a window: two separate changes.
    let strict = crate::testutil::site(
        &[&files[1..], &[("roster.toml", "title = \"t\"\nbase_url = \"https://e.org/\"\n")]].concat(),
    );
    let r = crate::testutil::load(&strict, None);
    let h = History::compute(&r);
    assert!(matches!(h.changes[a][1][0].kind, Kind::Left { to: None, .. }));
}

#[test]
fn as_of_ignores_later_editions() {
    let dir = crate::testutil::site(&[
        ("content/a/district.toml", "name = \"A\"\n"),
        (
            "content/a/2020-01-01.toml",
            "[[body]]\nname = \"班子\"\n[[body.member]]\nid = \"x\"\nname = \"X\"\npost = \"书记\"\n",
        ),
        (
            "content/a/2022-01-01.toml",
            "[[body]]\nname = \"班子\"\n[[body.member]]\nid = \"y\"\nname = \"Y\"\npost = \"书记\"\n",
        ),
        ("content/b/district.toml", "name = \"B\"\n"),
        (
            "content/b/2023-01-01.toml",
            "[[body]]\nname = \"班子\"\n[[body.member]]\nid = \"z\"\nname = \"Z\"\npost = \"书记\"\n",
        ),
    ]);
    let r = crate::testutil::load(&dir, Some(date("2021-06-30")));
    assert_eq!(r.districts.len(), 1, "b did not exist yet");
    assert_eq!(r.districts[0].editions.len(), 1);
    assert_eq!(r.districts[0].current().unwrap().members().next().unwrap().1.id, "x".into());
    assert!(!r.people.contains_key("y"));
    let h = History::compute(&r);
    assert!(h.changes[0][0].is_empty());
    let full = crate::testutil::load(&dir, None);
    assert_eq!(History::compute(&full).changes[0][1].len(), 2);
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    /// An edition of up to 8 people drawn from a small pool, in two bodies.
    fn edition() -> impl Strategy<Value = Edition> {
        let member = (0usize..8, 0usize..3, 0usize..2, proptest::option::of(0usize..3), proptest::option::of(0u32..3));
        proptest::collection::vec(member, 0..8).prop_map(|ms| {
            let mut seen = std::collections::HashSet::new();
            let mut bodies = vec![("委", Vec::new()), ("府", Vec::new())];
            for (id, post, body, duties, mobile) in ms {
                if !seen.insert(id) {
                    continue;
                }
                let mut x = m(&format!("p{id}"), ["书记", "区长", "委员"][post]);
                x.duties = duties.map(|d| ["教育", "卫生", "财政"][d].into());
                x.mobile = mobile.and_then(|n| phone(&format!("139 0000 000{n}")));
                bodies[body].1.push(x);
            }
            ed(&bodies)
        })
    }

    fn ids(e: &Edition) -> std::collections::BTreeSet<String> {
        e.members().map(|(_, m)| m.id.to_string()).collect()
    }

    fn place(e: &Edition, id: &str) -> Option<(String, String)> {
        e.members().find(|(_, m)| *m.id == *id).map(|(b, m)| (b.name.to_string(), m.post.to_string()))
    }

    proptest! {
        #[test]
        fn diff_with_itself_is_empty(e in edition()) {
            prop_assert!(diff(&e, &e).is_empty());
        }

        #[test]
        fn diff_composes(a in edition(), b in edition(), c in edition()) {
            let ac = diff(&a, &c);
            let joined: std::collections::BTreeSet<String> =
                ac.iter().filter(|x| matches!(x.kind, Kind::Joined { .. })).map(|x| x.person.to_string()).collect();
            let left: std::collections::BTreeSet<String> =
                ac.iter().filter(|x| matches!(x.kind, Kind::Left { .. })).map(|x| x.person.to_string()).collect();
            prop_assert_eq!(&joined, &ids(&c).difference(&ids(&a)).cloned().collect());
            prop_assert_eq!(&left, &ids(&a).difference(&ids(&c)).cloned().collect());
            // A person in a and c changed post from a to c exactly when their place differs;
            // if neither step a→b→c changed it (and they stayed throughout), neither did a→c.
            let (ab, bc) = (diff(&a, &b), diff(&b, &c));
            let moved = |d: &[Change], id: &str| d.iter().any(|x| *x.person == *id && matches!(x.kind, Kind::Post { .. }));
            for id in ids(&a).intersection(&ids(&c)) {
                prop_assert_eq!(moved(&ac, id), place(&a, id) != place(&c, id));
                if ids(&b).contains(id) && !moved(&ab, id) && !moved(&bc, id) {
                    prop_assert!(!moved(&ac, id));
                }
            }
            // Every change names someone of a or c.
            for x in &ac {
                prop_assert!(ids(&a).contains(&*x.person) || ids(&c).contains(&*x.person));
            }
        }
    }
}
