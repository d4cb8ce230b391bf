//! Open data and search: every artifact parsed with a real parser, and checked against the
//! publish policy (golden fixture: web without office; data without mobile; 王五's mobile is
//! private everywhere).

use crate::roster;
use crate::support::{fixture, read_tree, site, temp_dir};

fn build_golden() -> crate::support::Temp {
    let out = temp_dir("data-out").sub("public");
    let run = roster!(fixture("golden"), "build", "--output", out.to_str().unwrap());
    assert_eq!(run.code, 0, "{}", run.stderr);
    out
}

const PRIVATE: [&str; 3] = ["139 0000 0003", "13900000003", "+8613900000003"];

#[test]
fn popolo_json() {
    let out = build_golden();
    let text = std::fs::read_to_string(out.join("data/roster.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let persons = v["persons"].as_array().unwrap();
    let names: Vec<&str> = persons.iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names.len(), 3, "{names:?}");
    assert!(names.contains(&"张三") && names.contains(&"李四") && names.contains(&"王五"));
    let orgs = v["organizations"].as_array().unwrap();
    assert!(orgs.iter().any(|o| o["id"] == "city" && o["classification"] == "市"));
    assert!(orgs.iter().any(|o| o["id"] == "city/east" && o["parent_id"] == "city"));
    assert!(orgs.iter().any(|o| o["id"] == "city:中共测试市委" && o["parent_id"] == "city"));
    let memberships = v["memberships"].as_array().unwrap();
    // 李四: 市委副书记、市长 in city 2020-01-01 until 2022-01-01, then 区长 in east from 2022-01-01.
    let li: Vec<&serde_json::Value> = memberships.iter().filter(|m| m["person_id"] == "li-si").collect();
    assert_eq!(li.len(), 2, "{li:?}");
    let city = li.iter().find(|m| m["organization_id"] == "city:中共测试市委").unwrap();
    assert_eq!(city["start_date"], "2020-01-01");
    assert_eq!(city["end_date"], "2022-01-01");
    assert_eq!(city["role"], "市委副书记、市长");
    let east = li.iter().find(|m| m["organization_id"] == "city/east:中共东区区委").unwrap();
    assert_eq!(east["end_date"], serde_json::Value::Null);
    let zhang = memberships
        .iter()
        .find(|m| m["person_id"] == "zhang-san" && m["organization_id"] == "city:中共测试市委")
        .unwrap();
    assert_eq!(zhang["responsibilities"], "主持市委全面工作，分管财政。");
    let details = zhang["contact_details"].as_array().unwrap();
    assert!(details.iter().any(|d| d["type"] == "voice" && d["value"] == "+862838120001"));
    assert!(details.iter().any(|d| d["type"] == "address" && d["value"] == "市委大楼 101 室"));
    // The data policy has no mobile: no cell numbers at all.
    assert!(!text.contains("\"cell\"") && !text.contains("+8613900000001"), "mobile in open data");
    for p in PRIVATE {
        assert!(!text.contains(p));
    }
}

#[test]
fn roster_csv_for_excel() {
    let out = build_golden();
    let bytes = std::fs::read(out.join("data/roster.csv")).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM for Excel");
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(
        header,
        [
            "district",
            "district_name",
            "body",
            "name",
            "post",
            "duties",
            "office_phone",
            "office",
            "hours",
            "verified",
            "office_phone_verified",
            "office_phone_last_call",
            "office_phone_last_call_date"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 4, "current members of city (2) and east (2)");
    let zhang = rows.iter().find(|r| &r[3] == "张三" && &r[0] == "city").unwrap();
    assert_eq!(&zhang[5], "主持市委全面工作，分管财政。", "duties as plain text");
    assert_eq!(&zhang[6], "028 3812 0001");
    assert_eq!(&zhang[9], "2021-12-28");
    let text = String::from_utf8_lossy(&bytes);
    for p in PRIVATE {
        assert!(!text.contains(p));
    }
    let changes = std::fs::read(out.join("data/changes.csv")).unwrap();
    assert!(changes.starts_with(b"\xEF\xBB\xBF"));
    let mut reader = csv::Reader::from_reader(&changes[3..]);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let kinds: Vec<&str> = rows.iter().map(|r| r.get(3).unwrap()).collect();
    // 李四 left the city; east's first edition is its initial publication, so no transfer.
    assert_eq!(kinds, ["joined", "left", "duties"]);
}

#[test]
fn csv_quoting_and_formula_injection() {
    let dir = site(&[
        ("content/x/district.toml", "name = \"X\"\n"),
        (
            "content/x/2022-01-01.toml",
            "[[body]]\nname = \"委, \\\"会\\\"\"\n[[body.member]]\nname = \"=HYPERLINK(\\\"http://evil\\\")\"\npost = \"+1\"\nduties = \"@SUM(A1)\\n第二行\"\noffice = \"-2\"\n",
        ),
    ]);
    let run = roster!(dir, "build");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let bytes = std::fs::read(dir.join("public/data/roster.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let row = reader.records().next().unwrap().unwrap();
    assert_eq!(&row[2], "委, \"会\"", "RFC 4180 quoting round-trips");
    assert_eq!(&row[3], "'=HYPERLINK(\"http://evil\")");
    assert_eq!(&row[4], "'+1");
    assert!(row[5].starts_with("'@SUM"), "{}", &row[5]);
    assert_eq!(&row[7], "'-2");
}

/// Unfolds and splits a vCard file into cards of (name, params, unescaped value).
fn parse_vcards(text: &str) -> Vec<Vec<(String, String, String)>> {
    let reader = ical::VcardParser::new(std::io::BufReader::new(text.as_bytes()));
    reader
        .map(|card| {
            card.expect("a valid vCard")
                .properties
                .into_iter()
                .map(|p| {
                    let params = p.params.map(|ps| format!("{ps:?}")).unwrap_or_default();
                    let value = p.value.unwrap_or_default();
                    let unescaped =
                        value.replace("\\n", "\n").replace("\\,", ",").replace("\\;", ";").replace("\\\\", "\\");
                    (p.name, params, unescaped)
                })
                .collect()
        })
        .collect()
}

/// The vCard a person page offers: the `data:` URI of its 保存到通讯录 link, decoded.
fn person_vcard(out: &std::path::Path, id: &str) -> String {
    let page = std::fs::read_to_string(out.join(format!("people/{id}/index.html"))).unwrap();
    let start = page.find("href=\"data:text/vcard;charset=utf-8,").expect("a vCard link") + 6;
    let uri = &page[start..start + page[start..].find('"').unwrap()];
    assert!(page.contains(&format!("download=\"{id}.vcf\"")), "saved under the person's id");
    assert!(!out.join(format!("people/{id}/contact.vcf")).exists(), "no file per person");
    let encoded = uri.strip_prefix("data:text/vcard;charset=utf-8,").unwrap();
    assert!(encoded.bytes().all(|b| b.is_ascii_alphanumeric() || b"%-._~".contains(&b)), "{encoded}");
    percent_encoding::percent_decode_str(encoded).decode_utf8().unwrap().into_owned()
}

#[test]
fn vcards_round_trip() {
    let out = build_golden();
    let text = std::fs::read_to_string(out.join("city/contacts.vcf")).unwrap();
    assert!(text.contains("\r\n"), "CRLF line ends");
    for line in text.split("\r\n") {
        assert!(line.len() <= 75, "folded at 75 octets: {line}");
    }
    let cards = parse_vcards(&text);
    assert_eq!(cards.len(), 2);
    let zhang = cards.iter().find(|c| c.iter().any(|(n, _, v)| n == "FN" && v == "张三")).unwrap();
    let get = |name: &str| zhang.iter().filter(|(n, _, _)| n == name).map(|(_, _, v)| v.as_str()).collect::<Vec<_>>();
    assert_eq!(get("VERSION"), ["4.0"]);
    assert_eq!(get("TITLE"), ["市委书记"]);
    assert_eq!(get("ORG"), ["测试市;中共测试市委"]);
    assert!(
        get("TEL").contains(&"tel:+862838120001") && get("TEL").contains(&"tel:+8613900000001"),
        "{:?}",
        get("TEL")
    );
    assert!(get("NOTE")[0].contains("主持市委全面工作，分管财政。") && get("NOTE")[0].contains("24 小时"));
    assert!(get("ADR").is_empty(), "office is not in the web policy");
    assert_eq!(get("URL"), ["https://example.org/sub/people/zhang-san/"]);
    // 王五's private mobile is not on his card; his office phone is.
    let wang = person_vcard(&out, "wang-wu");
    assert!(wang.contains("tel:+862838120003"));
    for p in PRIVATE {
        assert!(!wang.contains(p) && !text.contains(p));
    }
    // A person with two current posts: one card, both titles.
    let both = parse_vcards(&person_vcard(&out, "zhang-san"));
    assert_eq!(both.len(), 1);
    assert_eq!(both[0].iter().filter(|(n, _, _)| n == "TITLE").count(), 2);
}

#[test]
fn vcard_escaping_of_special_characters() {
    let dir = site(&[
        ("content/x/district.toml", "name = \"X; Y\"\n"),
        (
            "content/x/2022-01-01.toml",
            "[[body]]\nname = \"A,B\"\n[[body.member]]\nname = \"Li, Ming\"\npost = \"Head; Chief\"\nduties = \"One\\\\Two\"\nmobile = \"139 0000 0001\"\n",
        ),
    ]);
    assert_eq!(roster!(dir, "build").code, 0);
    let text = std::fs::read_to_string(dir.join("public/x/contacts.vcf")).unwrap();
    assert!(text.contains("FN:Li\\, Ming\r\n"), "{text}");
    assert!(text.contains("TITLE:Head\\; Chief\r\n"));
    assert!(text.contains("ORG:X\\; Y;A\\,B\r\n"));
    let cards = parse_vcards(&text);
    assert!(cards[0].iter().any(|(n, _, v)| n == "FN" && v == "Li, Ming"));
}

#[test]
fn sitemap_robots_and_jsonld() {
    let out = build_golden();
    let xml = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let urls: Vec<(String, Option<String>)> = doc
        .root_element()
        .children()
        .filter(|n| n.tag_name().name() == "url")
        .map(|u| {
            let get = |name: &str| {
                u.children().find(|c| c.tag_name().name() == name).and_then(|c| c.text()).map(str::to_owned)
            };
            (get("loc").unwrap(), get("lastmod"))
        })
        .collect();
    assert!(urls.iter().all(|(loc, _)| loc.starts_with("https://example.org/sub/")));
    assert!(urls.contains(&("https://example.org/sub/city/".into(), Some("2022-01-01".into()))));
    assert!(urls.contains(&("https://example.org/sub/city/2020-01-01/".into(), Some("2020-01-01".into()))));
    assert!(urls.iter().any(|(loc, _)| loc == "https://example.org/sub/people/li-si/"));
    let robots = std::fs::read_to_string(out.join("robots.txt")).unwrap();
    assert!(robots.contains("Sitemap: https://example.org/sub/sitemap.xml"));
    let page = std::fs::read_to_string(out.join("city/index.html")).unwrap();
    let start =
        page.find("<script type=\"application/ld+json\">").unwrap() + "<script type=\"application/ld+json\">".len();
    let end = start + page[start..].find("</script>").unwrap();
    let ld: serde_json::Value = serde_json::from_str(&page[start..end]).unwrap();
    assert_eq!(ld["@type"], "GovernmentOrganization");
    assert_eq!(ld["name"], "测试市");
    let members = ld["member"].as_array().unwrap();
    assert!(members.iter().any(|m| m["@type"] == "Person"
        && m["name"] == "张三"
        && m["jobTitle"] == "市委书记"
        && m["telephone"] == "+862838120001"));
}

#[test]
fn search_index_holds_pinyin_and_only_web_fields() {
    let out = build_golden();
    let js = std::fs::read_to_string(out.join("search/index.js")).unwrap();
    let json = js.trim().strip_prefix("window.ROSTER_SEARCH = ").unwrap().strip_suffix(';').unwrap();
    let manifest: serde_json::Value = serde_json::from_str(json).unwrap();
    // The entries, chunk by chunk, and every bucket of keys, all of them in the privacy check.
    let mut items = Vec::new();
    let mut js = js.clone();
    let chunks = manifest["count"].as_u64().unwrap().div_ceil(manifest["chunk"].as_u64().unwrap());
    for n in 0..chunks {
        let text = std::fs::read_to_string(out.join(format!("search/r/{n}.js"))).unwrap();
        let json =
            text.trim().strip_prefix(&format!("ROSTER_SEARCH_PUT(\"r\",{n},")).unwrap().strip_suffix(");").unwrap();
        items.extend(serde_json::from_str::<Vec<serde_json::Value>>(json).unwrap());
        js.push_str(&text);
    }
    for n in 0..manifest["buckets"].as_u64().unwrap() {
        js.push_str(&std::fs::read_to_string(out.join(format!("search/k/{n}.js"))).unwrap());
    }
    for n in 0..manifest["sounds"].as_u64().unwrap() {
        js.push_str(&std::fs::read_to_string(out.join(format!("search/s/{n}.js"))).unwrap());
    }
    assert_eq!(items.len() as u64, manifest["count"].as_u64().unwrap());
    let zhang = items.iter().find(|i| i[0] == "张三").unwrap();
    assert_eq!(zhang[1], "zhang san", "syllables, for the homophone and syllable-aware search");
    assert_eq!(zhang[2], "zs");
    assert!(zhang[6].as_str().unwrap().contains("02838120001"));
    for p in PRIVATE {
        assert!(!js.contains(p));
    }
    assert!(!js.contains("市委大楼"), "office is not in the web policy");
    let page = std::fs::read_to_string(out.join("search/index.html")).unwrap();
    assert!(page.contains("<script src=\"index.js\"></script>"));
    assert!(!page.contains("http://") && !page.contains("src=\"//"));
    let all: Vec<u8> = read_tree(&out)
        .into_iter()
        .filter(|(p, _)| p.starts_with("data/") || p.ends_with(".vcf") || p == "sitemap.xml")
        .flat_map(|(_, b)| b)
        .collect();
    let all = String::from_utf8_lossy(&all);
    for p in PRIVATE {
        assert!(!all.contains(p));
    }
}

/// The open-data page lists only files that follow `[publish] data`, names the fields of that
/// policy, and every file it links or names holds no value the policy withholds (the fixture's
/// data policy has no mobile).
#[test]
fn every_file_the_data_page_offers_follows_the_data_policy() {
    let out = build_golden();
    let page = std::fs::read_to_string(out.join("data/index.html")).unwrap();
    let start = page.find("<dl class=\"downloads\">").unwrap();
    let list = &page[start..start + page[start..].find("</dl>").unwrap()];
    let mut offered: Vec<String> = list
        .split("href=\"")
        .skip(1)
        .chain(list.split("<span class=\"small\">").skip(1))
        .map(|rest| rest[..rest.find(['"', '<']).unwrap()].to_owned())
        .collect();
    offered.sort();
    offered.dedup();
    assert_eq!(offered, ["changes.csv", "roster.csv", "roster.json"], "{list}");
    let intro = &page[page.find("<h1>").unwrap()..start];
    assert!(intro.contains("姓名、职务、分工、办公电话、办公地点、接听时间"), "the data policy's fields: {intro}");
    assert!(!intro.contains("手机"), "{intro}");
    for name in &offered {
        let text = std::fs::read_to_string(out.join("data").join(name)).unwrap();
        for n in ["1", "2", "3"] {
            for form in [format!("1390000000{n}"), format!("139 0000 000{n}"), format!("+861390000000{n}")] {
                assert!(!text.contains(&form), "data/{name} holds the mobile {form}");
            }
        }
        assert!(!text.contains("\"mobile\"") && !text.contains("\"cell\""), "data/{name} has a mobile field");
    }
}
