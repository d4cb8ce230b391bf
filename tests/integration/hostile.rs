//! Hostile input: known XSS vectors in every text field of the data and of the front matter
//! must reach no output raw — HTML, the Atom feed, JSON embedded in HTML, the search index,
//! vCard or CSV — and private values must appear in no byte of any output in any format.

use std::collections::BTreeSet;
use std::path::Path;

use crate::roster;
use crate::support::{read_tree, site};

/// Known vectors (OWASP's filter evasion cheat sheet and friends).
pub const VECTORS: &[&str] = &[
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "\"><script>alert(1)</script>",
    "'><script>alert(1)</script>",
    "javascript:alert(1)",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "<body onload=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">x</a>",
    "[x](&#106;avascript:alert(1))",
    "[x](java\tscript:alert(1))",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "<style>@import 'http://evil.example/x.css'</style>",
    "<link rel=stylesheet href=http://evil.example/x.css>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<object data=\"javascript:alert(1)\"></object>",
    "<embed src=\"javascript:alert(1)\">",
    "<form action=\"javascript:alert(1)\"><button>x</button></form>",
    "<base href=\"javascript:alert(1)//\">",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    "<!--<script>alert(1)//-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<scr<script>ipt>alert(1)</script>",
    "\" onmouseover=\"alert(1)",
    "' onfocus='alert(1)' autofocus='",
    "<a href=\" javascript:alert(1)\">x</a>",
    "[x](vbscript:msgbox(1))",
    "<img src=\"x\" onerror=\"&#97;lert(1)\">",
    "=HYPERLINK(\"http://evil.example\",\"x\")",
    "x\nBEGIN:VCARD\nTEL:tel:+19999999999",
];

fn toml_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `v` as a one-line field may hold it: tab and line breaks (allowed only in Markdown) become
/// spaces, and it is cut to the 64 characters of a name.
fn one_line(v: &str) -> String {
    v.replace(['\n', '\t'], " ").chars().take(64).collect()
}

/// A site with `v` in every text field of the data and of the front matter (as [`one_line`]
/// in the one-line fields, as it is in the Markdown ones).
fn hostile_site(v: &str) -> crate::support::Temp {
    let m = toml_str(v);
    let s = toml_str(&one_line(v));
    site(&[
        (
            "roster.toml",
            &format!(
                "title = {s}\nbase_url = \"https://example.org/\"\ndescription = {s}\n[print]\ntitle = {s}\npdf = false\n"
            ),
        ),
        ("content/_index.md", &format!("+++\ntitle = {s}\ndescription = {s}\n+++\n{v}\n\n*{v}*\n")),
        ("content/pages/about.md", &format!("+++\ntitle = {s}\n+++\n# {v}\n\n{v}\n\n> {v}\n")),
        ("content/x/district.toml", &format!("name = {s}\nkind = {s}\nintro = {m}\n")),
        ("content/x/y/district.toml", &format!("name = {s}\n")),
        (
            "content/x/2022-01-01.toml",
            &format!(
                "reason = {s}\nsource = {s}\nnote = {m}\n[[body]]\nname = {s}\n[[body.member]]\nid = \"a\"\nname = {s}\npost = {s}\nduties = {m}\noffice = {s}\nhours = {s}\nmobile = \"139 0000 0001\"\noffice_phone = \"028-3812 0001\"\n[[body.member]]\nid = \"b\"\nname = \"乙\"\npost = \"副职\"\n"
            ),
        ),
        (
            "content/x/2023-01-01.toml",
            &format!(
                "reason = {s}\n[[body]]\nname = {s}\n[[body.member]]\nid = \"a\"\nname = {s}\npost = \"{}\"\nduties = \"{}\"\noffice = {s}\nhours = \"24h\"\nmobile = \"139 0000 0002\"\n",
                "新职务", "新分工"
            ),
        ),
        (
            "content/x/y/2023-01-01.toml",
            &format!("[[body]]\nname = {s}\n[[body.member]]\nid = \"b\"\nname = \"乙\"\npost = {s}\n"),
        ),
    ])
}

/// Every markup tag of an HTML text (`<…>`, comments and declarations included).
fn tags(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        let after = &rest[start..];
        let end = after.find('>').map_or(after.len(), |e| e + 1);
        out.push(&after[..end]);
        rest = &after[end..];
    }
    out
}

/// The tag name and sorted attribute names of a tag.
fn signature(tag: &str) -> String {
    let inner = tag.trim_start_matches('<').trim_end_matches('>').trim_end_matches('/');
    let mut words = inner.split_whitespace();
    let name = words.next().unwrap_or("").to_ascii_lowercase();
    let mut attrs: Vec<String> = Vec::new();
    let mut quote: Option<char> = None;
    for w in inner.split_whitespace().skip(1) {
        if quote.is_none() {
            let attr = w.split('=').next().unwrap_or("").to_ascii_lowercase();
            if !attr.is_empty() {
                attrs.push(attr);
            }
        }
        for c in w.chars() {
            match (quote, c) {
                (None, '"' | '\'') => quote = Some(c),
                (Some(q), c) if c == q => quote = None,
                _ => {}
            }
        }
    }
    attrs.sort();
    attrs.dedup();
    format!("{name} {}", attrs.join(" "))
}

/// Tags Markdown in the data may produce, with their attributes.
const MARKDOWN: &[&str] = &[
    "p ",
    "/p ",
    "em ",
    "/em ",
    "strong ",
    "/strong ",
    "code ",
    "/code ",
    "del ",
    "/del ",
    "a href",
    "a href title",
    "/a ",
    "ul ",
    "/ul ",
    "ol ",
    "/ol ",
    "li ",
    "/li ",
    "blockquote ",
    "/blockquote ",
    "h1 ",
    "/h1 ",
    "h2 ",
    "/h2 ",
    "pre ",
    "/pre ",
    "hr ",
    "br ",
];

fn markup_files(dir: &Path) -> Vec<(String, String)> {
    read_tree(dir)
        .into_iter()
        .filter(|(p, _)| p.ends_with(".html") || p.ends_with(".xml") || p.ends_with(".js"))
        .map(|(p, b)| (p, String::from_utf8(b).unwrap()))
        .collect()
}

fn check_markup(path: &str, text: &str, allowed: &BTreeSet<String>, vector: &str) {
    for tag in tags(text) {
        let sig = signature(tag);
        assert!(
            allowed.contains(&sig) || MARKDOWN.contains(&sig.as_str()),
            "{path}: unexpected tag {tag} (vector {vector:?})"
        );
        let lower = tag.to_ascii_lowercase();
        for attr in ["href=\"", "src=\"", "action=\"", "data=\""] {
            if let Some(i) = lower.find(attr) {
                let value = lower[i + attr.len()..].trim_start();
                // The one data: URI roster writes: a person's vCard download, percent-encoded
                // through and through, of a type no browser runs.
                let end = value.find('"').unwrap_or(value.len());
                if let Some(card) = value[..end].strip_prefix("data:text/vcard;charset=utf-8,") {
                    assert!(lower.contains(" download=\""), "{path}: {tag}");
                    assert!(card.bytes().all(|b| b.is_ascii_alphanumeric() || b"%-._~".contains(&b)), "{path}: {tag}");
                    continue;
                }
                for scheme in ["javascript:", "data:", "vbscript:"] {
                    assert!(!value.starts_with(scheme), "{path}: {tag} (vector {vector:?})");
                }
            }
        }
    }
}

#[test]
fn xss_vectors_never_reach_an_output_raw() {
    assert!(VECTORS.len() >= 30);
    // The tags the templates themselves write, from a build with harmless text.
    let benign = hostile_site("平常文字 plain text");
    assert_eq!(roster!(benign, "build").code, 0);
    let allowed: BTreeSet<String> = markup_files(&benign.join("public"))
        .iter()
        .flat_map(|(_, t)| tags(t).into_iter().map(signature).collect::<Vec<_>>())
        .collect();
    for v in VECTORS {
        let dir = hostile_site(v);
        let run = roster!(dir, "build");
        assert_eq!(run.code, 0, "{v:?}: {}", run.stderr);
        let out = dir.join("public");
        for (path, text) in markup_files(&out) {
            if path.ends_with(".js") {
                // The search index: JSON in a script, with `<` and `>` escaped.
                if path.starts_with("search/") {
                    assert!(!text.contains('<') && !text.contains('>'), "{path}: {v:?}");
                }
                continue;
            }
            if path.ends_with(".xml") {
                let doc = roxmltree::Document::parse(&text)
                    .unwrap_or_else(|e| panic!("{path} is not well-formed for {v:?}: {e}"));
                for node in doc.descendants().filter(|n| n.tag_name().name() == "content") {
                    check_markup(&path, node.text().unwrap_or(""), &allowed, v);
                }
                continue;
            }
            check_markup(&path, &text, &allowed, v);
            // JSON-LD: parses, and holds no `<` that could close its element.
            if let Some(start) = text.find("<script type=\"application/ld+json\">") {
                let body = &text[start + 35..];
                let json = &body[..body.find("</script>").unwrap()];
                assert!(!json.contains('<'), "{path}: {v:?}");
                serde_json::from_str::<serde_json::Value>(json).unwrap();
            }
        }
        // vCard: one card per member, no injected property.
        let vcf = std::fs::read_to_string(out.join("x/contacts.vcf")).unwrap();
        let cards: Vec<_> =
            ical::VcardParser::new(std::io::BufReader::new(vcf.as_bytes())).map(Result::unwrap).collect();
        assert_eq!(cards.len(), 1, "{v:?}");
        let tels: Vec<String> = cards[0]
            .properties
            .iter()
            .filter(|p| p.name == "TEL")
            .map(|p| p.value.clone().unwrap_or_default())
            .collect();
        assert_eq!(
            tels,
            ["tel:+862838120001", "tel:+8613900000002"]
                .map(String::from)
                .to_vec()
                .into_iter()
                .filter(|t| vcf.contains(t.as_str()))
                .collect::<Vec<_>>(),
            "{v:?}"
        );
        assert_eq!(vcf.split("\r\n").filter(|l| l.starts_with("BEGIN:VCARD")).count(), 1, "{v:?}");
        assert!(!vcf.split("\r\n").any(|l| l.starts_with("TEL:")), "{v:?}: an injected property");
        // CSV: one row per member; no cell a spreadsheet would take for a formula.
        for file in ["data/roster.csv", "data/changes.csv"] {
            let bytes = std::fs::read(out.join(file)).unwrap();
            let mut reader = csv::Reader::from_reader(&bytes[3..]);
            for row in reader.records() {
                for cell in row.unwrap().iter() {
                    assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "{file}: {cell:?}");
                }
            }
        }
        // The Popolo JSON parses.
        serde_json::from_slice::<serde_json::Value>(&std::fs::read(out.join("data/roster.json")).unwrap()).unwrap();
    }
}

/// The forms a number may take in an output.
fn forms(national: &str, e164: &str) -> Vec<String> {
    vec![
        national.to_owned(),
        e164.to_owned(),
        e164.trim_start_matches('+').to_owned(),
        national.replace(' ', ""),
        national.replace(' ', "-"),
    ]
}

#[test]
fn private_values_appear_in_no_output() {
    // Member kinds: explicit and derived ids, a person in two districts at once, one who left
    // (only in an old edition), one transferred, one whose private number changed.
    let private_all = "private = [\"duties\", \"office_phone\", \"mobile\", \"office\", \"hours\"]";
    let secret_member = |id: &str, name: &str, n: u32| {
        format!(
            "[[body.member]]\n{id}name = \"{name}\"\npost = \"职务{n}\"\nduties = \"机密分工{n}号\"\nmobile = \"139 0000 9{n:03}\"\noffice_phone = \"028-3899 9{n:03}\"\noffice = \"机密办公室{n}号\"\nhours = \"机密时间{n}号\"\n{private_all}\n"
        )
    };
    let a2021 = format!(
        "[[body]]\nname = \"委\"\n{}{}{}",
        secret_member("id = \"s1\"\n", "甲", 1),
        secret_member("", "乙乙", 2),
        secret_member("id = \"s3\"\n", "丙", 3)
    );
    let a2022 = format!(
        "reason = \"调整\"\n[[body]]\nname = \"委\"\n{}{}",
        secret_member("id = \"s1\"\n", "甲", 4),
        secret_member("", "乙乙", 5)
    );
    let b2021 = format!("[[body]]\nname = \"会\"\n{}", secret_member("id = \"s1\"\n", "甲", 6));
    let b2022 = format!(
        "[[body]]\nname = \"会\"\n{}{}",
        secret_member("id = \"s1\"\n", "甲", 7),
        secret_member("id = \"s3\"\n", "丙", 8)
    );
    let dir = site(&[
        ("roster.toml", "title = \"t\"\nbase_url = \"https://example.org/\"\n"),
        ("content/a/district.toml", "name = \"A\"\n"),
        ("content/b/district.toml", "name = \"B\"\n"),
        ("content/a/2021-01-01.toml", &a2021),
        ("content/a/2022-01-01.toml", &a2022),
        ("content/b/2021-01-01.toml", &b2021),
        ("content/b/2022-01-01.toml", &b2022),
    ]);
    let run = roster!(dir, "build");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut secrets: Vec<String> = Vec::new();
    for n in 1..=8u32 {
        secrets.extend(forms(
            &format!("139 0000 9{n:03}"),
            &format!("+86139000090{n:02}").replace("+861390000900", "+861390000900"),
        ));
        secrets.extend(forms(&format!("028 3899 9{n:03}"), &format!("+8628389990{n:02}")));
        for s in [format!("机密分工{n}号"), format!("机密办公室{n}号"), format!("机密时间{n}号")] {
            secrets.push(s);
        }
    }
    let mut pdf_text = String::new();
    for (path, bytes) in read_tree(&dir.join("public")) {
        let text = String::from_utf8_lossy(&bytes);
        for s in &secrets {
            assert!(!text.contains(s.as_str()), "{path} holds the private value {s:?}");
        }
        if path.ends_with(".pdf") {
            let out = std::process::Command::new("pdftotext")
                .arg(dir.join("public").join(&path))
                .arg("-")
                .output()
                .expect("pdftotext (apt-get install poppler-utils)");
            pdf_text = String::from_utf8_lossy(&out.stdout).into_owned();
        }
    }
    assert!(pdf_text.contains("甲"), "the PDF was checked: {pdf_text}");
    let compact: String = pdf_text.chars().filter(|c| !c.is_whitespace()).collect();
    for s in &secrets {
        let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        assert!(!compact.contains(&s), "the PDF holds the private value {s:?}");
    }
    // The change log says the private fields changed, without values.
    let log = std::fs::read_to_string(dir.join("public/a/changes/index.html")).unwrap();
    assert!(log.contains("已变更（不公开）"), "{log}");
}

/// One bad value of a careless editor or an attacker: (field, TOML value, what the error says).
const BAD_VALUES: &[(&str, &str, &str)] = &[
    ("mobile", r#""139 OOOO 0001""#, "`O` looks like 0"),
    ("office_phone", r#""028-3813 OO12""#, "`O` looks like 0"),
    ("mobile", r#""139 ABCD 0001""#, "`A`, `B`, `C`, `D`"),
    ("office_phone", r#""1-800-FLOWERS""#, "no letters"),
    ("mobile", r#""139 0000 000l""#, "`l` looks like 1"),
    ("name", r#""控\u001b]0;pwned\u0007\u001b[2J红""#, "ESC (U+001B) at character 2"),
    ("post", r#""测试\u000b职务""#, "vertical tab (U+000B) at character 3"),
    ("post", r#""测试\u0000职务""#, "NUL (U+0000) at character 3"),
    ("name", r#""李\u0085明""#, "(U+0085) at character 2"),
    ("name", r#""李\u007f明""#, "DEL (U+007F) at character 2"),
    ("hours", r#""8:00\t23:00""#, "tab (U+0009)"),
    ("office", r#""大楼\n301""#, "line feed (U+000A)"),
    ("duties", r#""负责\u001b[2J工作""#, "ESC (U+001B)"),
    ("office", r#""大楼\uFFFE301""#, "noncharacter (U+FFFE) at character 3"),
    ("duties", r#""负责\uFFFF工作""#, "noncharacter (U+FFFF) at character 3"),
    ("name", r#""\u200b""#, "only invisible characters (U+200B)"),
    ("name", r#""\u00ad\u034f""#, "only invisible characters (U+00AD U+034F)"),
    ("name", r#""\u2800""#, "only invisible characters (U+2800)"),
    ("name", r#""\u202e""#, "bidi control U+202E"),
    ("name", r#""李\u202e明伟""#, "bidi control U+202E at character 2"),
    ("post", r#""区长\u2066""#, "bidi control U+2066"),
    ("id", r#""a\u202eb""#, "bidi control U+202E"),
    ("verified", "0000-01-01", "`verified` is before 1900"),
    ("verified", "2999-12-31", "`verified` is in the future: 2999-12-31"),
];

fn edition_with(field: &str, value: &str) -> String {
    let mut fields = vec![
        ("id", "\"li-ming\"".to_owned()),
        ("name", "\"李明\"".to_owned()),
        ("post", "\"区长\"".to_owned()),
        ("duties", "\"负责**全面**工作。\\n\\t第二行\"".to_owned()),
        ("mobile", "\"139 0000 0001\"".to_owned()),
        ("office_phone", "\"028-3812 0001\"".to_owned()),
        ("office", "\"区政府 301 室\"".to_owned()),
        ("hours", "\"24 小时\"".to_owned()),
    ];
    match fields.iter_mut().find(|(k, _)| *k == field) {
        Some(slot) => slot.1 = value.to_owned(),
        None => fields.push((field, value.to_owned())),
    }
    let lines: Vec<String> = fields.iter().map(|(k, v)| format!("{k} = {v}")).collect();
    format!("reason = \"换届\"\n[[body]]\nname = \"区政府\"\n[[body.member]]\n{}\n", lines.join("\n"))
}

#[test]
fn bad_values_are_refused_at_their_line_and_nothing_is_written() {
    // The same edition with good values builds, Markdown with a tab and a line break included.
    let good = site(&[
        ("content/x/district.toml", "name = \"某区\"\n"),
        ("content/x/2022-01-01.toml", &edition_with("hours", "\"24 小时\"")),
    ]);
    let run = roster!(good, "build");
    assert_eq!(run.code, 0, "{}", run.stderr);
    for (field, value, says) in BAD_VALUES {
        let text = edition_with(field, value);
        let member = text.lines().position(|l| l == "[[body.member]]").unwrap();
        let line = member + text.lines().skip(member).position(|l| l.starts_with(&format!("{field} = "))).unwrap() + 1;
        let dir = site(&[("content/x/district.toml", "name = \"某区\"\n"), ("content/x/2022-01-01.toml", &text)]);
        for command in ["check", "build"] {
            let run = roster!(dir, command);
            assert_eq!(run.code, 1, "{command} {field} = {value}: {}", run.stderr);
            let place = format!("content/x/2022-01-01.toml:{line}:");
            assert!(run.stderr.contains(&place), "{field} = {value}: no {place} in {}", run.stderr);
            assert!(run.stderr.contains(says), "{field} = {value}: no `{says}` in {}", run.stderr);
            // Diagnostics quote the data, never its control characters.
            assert!(!run.stderr.chars().any(|c| c.is_control() && c != '\n'), "{field} = {value}: {:?}", run.stderr);
        }
        assert!(!dir.join("public").exists(), "{field} = {value}: nothing is written");
    }
}

#[test]
fn bad_values_outside_editions_are_refused_too() {
    let cases: &[(&str, &str, &str, &str)] = &[
        ("content/x/district.toml", "name = \"某\\u0007区\"\n", "content/x/district.toml:1:", "BEL (U+0007)"),
        ("content/x/district.toml", "name = \"\\u200b\\u200d\"\n", "content/x/district.toml:1:", "only invisible"),
        (
            "roster.toml",
            "title = \"示例\\u001b]0;x\\u0007\"\nbase_url = \"https://example.org/\"\n",
            "roster.toml:1:",
            "ESC (U+001B)",
        ),
        ("content/pages/a.md", "+++\ntitle = \"关于\"\n+++\n正文\u{1b}[2J\n", "content/pages/a.md:4:", "U+001B"),
        ("content/x/0000-01-01.toml", "[[body]]\nname = \"区政府\"\n", "content/x/0000-01-01.toml", "is before 1900"),
    ];
    for (path, text, place, says) in cases {
        let mut files = vec![
            ("content/x/district.toml", "name = \"某区\"\n"),
            (
                "content/x/2022-01-01.toml",
                "[[body]]\nname = \"区政府\"\n[[body.member]]\nname = \"李明\"\npost = \"区长\"\n",
            ),
        ];
        files.retain(|(p, _)| p != path);
        files.push((path, text));
        let dir = site(&files);
        let run = roster!(dir, "build");
        assert_eq!(run.code, 1, "{path}: {}", run.stderr);
        assert!(
            run.stderr.contains(place) && run.stderr.contains(says),
            "{path}: want {place} {says} in {}",
            run.stderr
        );
        assert!(!run.stderr.chars().any(|c| c.is_control() && c != '\n'), "{path}: {:?}", run.stderr);
        assert!(!dir.join("public").exists());
    }
}

#[test]
fn an_overlong_name_is_refused_at_its_line() {
    let name = "张".repeat(100_000);
    let text = format!("[[body]]\nname = \"区政府\"\n[[body.member]]\nname = \"{name}\"\npost = \"区长\"\n");
    let dir = site(&[("content/x/district.toml", "name = \"某区\"\n"), ("content/x/2022-01-01.toml", &text)]);
    let run = roster!(dir, "build");
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("content/x/2022-01-01.toml:4:"), "{}", &run.stderr[..run.stderr.len().min(2000)]);
    assert!(run.stderr.contains("`name` is 100000 characters long; at most 64 are allowed"));
    assert!(run.stderr.len() < 20_000, "a short message, not the name: {} bytes", run.stderr.len());
}

/// Every check that quotes the name (the id's history, the stale numbers, the call sheet) cuts
/// it, in every format: an editor's slip never floods the terminal or the CI log.
#[test]
fn an_overlong_name_is_cut_wherever_a_diagnostic_quotes_it() {
    let dir = crate::support::site_copy("golden");
    let path = dir.join("content/city/2022-01-01.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replacen("name = \"张三\"", &format!("name = \"{}\"", "张".repeat(100_000)), 1))
        .unwrap();
    for format in ["human", "github", "json"] {
        let run = roster!(dir, "check", "--format", format);
        assert_eq!(run.code, 1, "{format}");
        let all = format!("{}{}", run.stdout, run.stderr);
        assert!(all.contains("`name` is 100000 characters long"), "{format}");
        assert!(all.contains("… (100000 characters)"), "{format}: the id history quotes the name cut");
        assert!(all.len() < 20_000, "{format}: {} bytes", all.len());
    }
}

/// An edition dated after today is scheduled (已排期): a note names it, and no page, sitemap,
/// feed or data file shows it, until a build whose `--today` reaches its date publishes it.
#[test]
fn a_future_edition_is_scheduled_until_today_reaches_it() {
    let dir = crate::support::site_copy("golden");
    let latest = std::fs::read_to_string(dir.join("content/city/2022-01-01.toml")).unwrap();
    let future = latest.replace("人事调整", "预先排期的调整");
    crate::support::write_files(&dir, &[("content/city/2099-01-01.toml", &future)]);
    let check = roster!(dir, "check");
    assert_eq!(check.code, 0, "{}", check.stderr);
    assert!(
        check.stderr.contains("content/city/2099-01-01.toml")
            && check.stderr.contains("note: scheduled (已排期): takes effect on 2099-01-01"),
        "{}",
        check.stderr
    );
    assert!(check.stderr.contains("--today 2099-01-01"), "{}", check.stderr);
    let json = roster!(dir, "check", "--format", "json");
    assert!(json.stdout.contains("\"severity\":\"note\""), "{}", json.stdout);
    let github = roster!(dir, "check", "--format", "github");
    assert!(github.stdout.contains("::notice file=content/city/2099-01-01.toml::"), "{}", github.stdout);
    assert_eq!(roster!(dir, "build").code, 0);
    for (path, bytes) in read_tree(&dir.join("public")) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("2099-01-01") && !text.contains("预先排期"), "{path} shows the scheduled edition");
        assert!(!path.contains("2099"), "{path}");
    }
    // The editor publishes it ahead of its date, as prepared.
    let run = roster!(dir, "build", "--today", "2099-01-01");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = std::fs::read_to_string(dir.join("public/city/index.html")).unwrap();
    assert!(page.contains("2099-01-01"), "the district page shows the new edition");
    assert!(dir.join("public/city/2099-01-01/index.html").is_file());
    let sitemap = std::fs::read_to_string(dir.join("public/sitemap.xml")).unwrap();
    assert!(sitemap.contains("<lastmod>2099-01-01</lastmod>"), "{sitemap}");
    // Year 0 stays an error, with or without --today.
    crate::support::write_files(&dir, &[("content/city/0000-01-01.toml", &latest)]);
    let run = roster!(dir, "check", "--today", "2099-01-01");
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("content/city/0000-01-01.toml"), "{}", run.stderr);
}

/// A bad value of a private field (or one no channel publishes) is reported by field and
/// problem, never by value: not in the message, the quoted line, the label, GitHub's
/// annotation or the JSON, unless `--show-private` asks for it.
#[test]
fn a_private_value_never_appears_in_a_diagnostic_without_show_private() {
    let secret = "138 7777 6666 9876";
    let member = |mobile: &str, private: &str| {
        format!(
            "[[body]]\nname = \"区委\"\n[[body.member]]\nid = \"li-ming\"\nname = \"李明\"\npost = \"区长\"\nmobile = \"{mobile}\"\nprivate = [{private}]\n"
        )
    };
    for (label, config, private) in [
        ("listed in private", "title = \"T\"\nbase_url = \"https://example.org/\"\n", "\"mobile\""),
        (
            "in no channel's policy",
            "title = \"T\"\nbase_url = \"https://example.org/\"\n[publish]\nweb = [\"name\", \"post\"]\nprint = [\"name\", \"post\"]\ndata = [\"name\", \"post\"]\n",
            "",
        ),
    ] {
        let dir = site(&[
            ("roster.toml", config),
            ("content/x/district.toml", "name = \"X\"\n"),
            ("content/x/2022-01-01.toml", &member(secret, private)),
        ]);
        for format in ["human", "github", "json"] {
            let run = roster!(dir, "check", "--format", format);
            assert_eq!(run.code, 1, "{label}: {}", run.stderr);
            let all = format!("{}{}", run.stdout, run.stderr);
            assert!(all.contains("content/x/2022-01-01.toml"), "{label} {format}: {all}");
            assert!(all.contains("`mobile` is not a phone number"), "{label} {format}: {all}");
            assert!(all.contains("--show-private"), "{label} {format}: says how to see it: {all}");
            assert!(!all.contains("9876") && !all.contains("7777"), "{label} {format}: the value leaked: {all}");
            let placed = all.contains(":7:10") || all.contains("line=7,col=10") || all.contains("\"line\":7");
            assert!(placed, "{label} {format}: the line: {all}");
        }
        let shown = roster!(dir, "check", "--show-private");
        assert!(shown.stderr.contains(secret), "{label}: --show-private shows it: {}", shown.stderr);
        let build = roster!(dir, "build");
        assert!(!build.stderr.contains("9876"), "{label}: {}", build.stderr);
    }
    // A control character in a private office, or in an office no channel publishes, caught
    // where the file is read (before the policy is known): the same.
    let no_office = "title = \"T\"\nbase_url = \"https://example.org/\"\n[publish]\nweb = [\"name\", \"post\"]\nprint = [\"name\", \"post\"]\ndata = [\"name\", \"post\"]\n";
    for (label, config, private) in
        [("listed in private", None, "\"office\""), ("in no channel's policy", Some(no_office), "")]
    {
        let edition = format!(
            "[[body]]\nname = \"区委\"\n[[body.member]]\nname = \"李明\"\npost = \"区长\"\noffice = \"机密楼\\u001b301\"\nprivate = [{private}]\n"
        );
        let mut files =
            vec![("content/x/district.toml", "name = \"X\"\n"), ("content/x/2022-01-01.toml", edition.as_str())];
        files.extend(config.map(|c| ("roster.toml", c)));
        let dir = site(&files);
        for format in ["human", "github", "json"] {
            let run = roster!(dir, "check", "--format", format);
            let all = format!("{}{}", run.stdout, run.stderr);
            assert_eq!(run.code, 1, "{label}: {all}");
            assert!(all.contains("ESC (U+001B)") && !all.contains("机密楼"), "{label} {format}: {all}");
        }
        let shown = roster!(dir, "check", "--show-private");
        assert!(shown.stderr.contains("机密楼"), "{label}: --show-private shows it: {}", shown.stderr);
    }
    // A field that is published keeps its value in the message, as before.
    let dir =
        site(&[("content/x/district.toml", "name = \"X\"\n"), ("content/x/2022-01-01.toml", &member(secret, ""))]);
    assert!(roster!(dir, "check").stderr.contains(secret));
    // serve's error banner hides it too.
    let dir = crate::support::site_copy("golden");
    let server = crate::serve::Server::start(&dir);
    let file = dir.join("content/city/east/2022-01-01.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    let broken = format!(
        "{text}\n[[body.member]]\nid = \"secret-member\"\nname = \"某人\"\npost = \"职务\"\nmobile = \"{secret}\"\nprivate = [\"mobile\"]\n"
    );
    std::fs::write(&file, broken).unwrap();
    let status = server.wait_for("/__roster/status", "the error", |b| b.contains("is not a phone number"));
    assert!(!status.contains("9876"), "the banner leaked it: {status}");
    assert!(server.get("/city/east/").1.contains("区长"), "the last good site is served");
}
