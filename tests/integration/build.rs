//! `roster build`: golden pages, escaping, privacy, determinism and atomic output.

use std::path::Path;

use crate::roster;
use crate::support::{assert_expected, fixture, read_tree, site, site_copy, temp_dir, write_files};

/// The `<main>` element of an output page.
fn main_of(html: &str) -> &str {
    let start = html.find("<main").expect("page has <main>");
    let end = html.find("</main>").expect("page has </main>") + "</main>".len();
    &html[start..end]
}

fn read(out: &Path, page: &str) -> String {
    std::fs::read_to_string(out.join(page)).unwrap_or_else(|_| panic!("{page} was not written"))
}

fn build_fixture(name: &str) -> crate::support::Temp {
    let out = temp_dir(&format!("{name}-out")).sub("public");
    let run = roster!(fixture(name), "build", "--output", out.to_str().unwrap());
    assert_eq!(run.code, 0, "{}", run.stderr);
    out
}

#[test]
fn golden_pages() {
    let out = build_fixture("golden");
    for (page, expected) in [
        ("index.html", "home"),
        ("city/index.html", "district"),
        ("city/east/index.html", "district-child"),
        ("city/2020-01-01/index.html", "archive"),
        ("city/2022-01-01/index.html", "archive-current"),
        ("people/zhang-san/index.html", "person"),
        ("pages/about/index.html", "page"),
        ("404.html", "404"),
    ] {
        assert_expected(main_of(&read(&out, page)), &format!("expected/golden/{expected}.html"));
    }
}

#[test]
fn page_shell_is_accessible_and_relative() {
    let out = build_fixture("golden");
    let html = read(&out, "city/east/index.html");
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"zh-CN\">"));
    assert!(html.contains("<meta name=\"viewport\""));
    assert!(html.contains("href=\"../../assets/style.css\""));
    assert!(html.contains("<link rel=\"canonical\" href=\"https://example.org/sub/city/east/\">"));
    for landmark in ["<header", "<nav", "<main id=\"main\"", "<footer"] {
        assert!(html.contains(landmark), "{landmark}");
    }
    let not_found = read(&out, "404.html");
    assert!(not_found.contains("href=\"/sub/assets/style.css\""), "404 links must work at any depth");
    for (path, bytes) in read_tree(&out) {
        if path.ends_with(".html") {
            let text = String::from_utf8(bytes).unwrap();
            for bad in ["src=\"http", "href=\"http://", "src=\"//", "href=\"//", "@import"] {
                assert!(!text.contains(bad) || bad == "href=\"http://", "{path} loads from another host: {bad}");
            }
            assert!(!text.contains("<script src=\"http"), "{path}");
        }
    }
}

#[test]
fn policy_and_private_fields_are_not_published() {
    let out = build_fixture("golden");
    let everything: Vec<u8> = read_tree(&out).into_iter().flat_map(|(_, b)| b).collect();
    let text = String::from_utf8_lossy(&everything);
    // 王五's mobile is private.
    for form in ["139 0000 0003", "+8613900000003", "13900000003", "8613900000003"] {
        assert!(!text.contains(form), "private mobile leaked as {form}");
    }
    // `office` is not in the web policy (it is in the data policy).
    for (path, bytes) in read_tree(&out) {
        let text = String::from_utf8_lossy(&bytes);
        let web = !path.starts_with("data/") && !path.starts_with("print/");
        if web {
            assert!(!text.contains("市委大楼"), "office is not published on the web: {path}");
        }
        // `mobile` is not in the data policy.
        if path.starts_with("data/") {
            assert!(!text.contains("139 0000 0001") && !text.contains("+8613900000001"), "mobile in open data: {path}");
        }
    }
    assert!(std::fs::read_to_string(out.join("data/roster.csv")).unwrap().contains("市委大楼"));
    // Published numbers are there, as tel: links.
    assert!(
        text.contains(
            r#"<a class="tel" href="tel:+8613900000001"><span class="vh">张三 手机 </span>139 0000 0001</a>"#
        ),
        "{text}"
    );
}

#[test]
fn english_interface() {
    let dir = site_copy("golden");
    let config = std::fs::read_to_string(dir.join("roster.toml"))
        .unwrap()
        .replace("description", "language = \"en\"\ndescription");
    std::fs::write(dir.join("roster.toml"), config).unwrap();
    let run = roster!(dir, "build");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = std::fs::read_to_string(dir.join("public/city/index.html")).unwrap();
    assert!(html.contains("<html lang=\"en\">"));
    assert!(html.contains("Responsibilities") && html.contains("Current roster"), "{html}");
}

const XSS: &str = "<script>alert(1)</script>";
const XSS_LINK: &str = "[点我](javascript:alert(1))";
const XSS_ATTR: &str = "\" onmouseover=\"alert(1)";

#[test]
fn text_from_the_data_is_escaped_everywhere() {
    let all = format!("{XSS} {XSS_LINK} {XSS_ATTR}");
    let label = format!("{XSS} {XSS_ATTR}");
    let dir = site(&[
        (
            "roster.toml",
            &format!(
                "title = \"{}\"\nbase_url = \"https://example.org/\"\ndescription = \"{}\"\n",
                esc(&all),
                esc(&all)
            ),
        ),
        ("content/_index.md", &format!("+++\ntitle = \"{}\"\n+++\n{all}\n\n<img src=x onerror=alert(1)>\n", esc(&all))),
        ("content/pages/about.md", &format!("+++\ntitle = \"{}\"\n+++\n{all}\n", esc(&all))),
        // Names and posts hold at most 64 characters: the script and the attribute breaker.
        (
            "content/x/district.toml",
            &format!("name = \"{1}\"\nkind = \"{0}\"\nintro = \"{0}\"\n", esc(&all), esc(&label)),
        ),
        (
            "content/x/2022-01-01.toml",
            &format!(
                "reason = \"{0}\"\nsource = \"{0}\"\nnote = \"{0}\"\n[[body]]\nname = \"{1}\"\n[[body.member]]\nname = \"{1}\"\npost = \"{1}\"\nduties = \"{0}\"\noffice = \"{0}\"\nhours = \"{0}\"\nmobile = \"139 0000 0001\"\n",
                esc(&all),
                esc(&label)
            ),
        ),
    ]);
    let run = roster!(dir, "build");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let files = read_tree(&dir.join("public"));
    assert!(files.len() > 5);
    for (path, bytes) in files {
        let text = String::from_utf8_lossy(&bytes);
        if path.ends_with(".csv") || path.ends_with(".json") || path.ends_with(".vcf") || path.ends_with(".pdf") {
            continue; // not markup: checked by the open-data tests
        }
        assert!(!text.contains("<script>alert"), "{path}: raw script tag");
        let lower = text.to_ascii_lowercase();
        for attr in ["href=\"javascript:", "src=\"javascript:", "href='javascript:"] {
            assert!(!lower.contains(attr), "{path}: javascript: URL");
        }
        for tag in tags(&text) {
            assert!(
                !tag.contains("onmouseover=\"") && !tag.contains("onerror="),
                "{path}: attribute injection in {tag}"
            );
        }
        assert!(!text.contains("<img"), "{path}: raw img");
    }
}

/// The markup tags of an HTML text (`<…>`); escaped text cannot contain a raw `<`.
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

fn esc(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

#[test]
fn rebuilds_are_byte_identical() {
    let a = build_fixture("golden");
    let b = build_fixture("golden");
    assert_eq!(read_tree(&a), read_tree(&b));
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let dir = site_copy("golden");
    let run = roster!(dir, "build");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let before = read_tree(&dir.join("public"));
    write_files(
        &dir,
        &[(
            "content/city/2023-01-01.toml",
            "[[body]]\nname = \"x\"\n[[body.member]]\nname = \"赵六\"\npost = \"市长\"\nmobile = \"12\"\n",
        )],
    );
    let run = roster!(dir, "build");
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("content/city/2023-01-01.toml:6:10"), "{}", run.stderr);
    assert!(run.stderr.contains("the previous output is unchanged"), "{}", run.stderr);
    assert_eq!(read_tree(&dir.join("public")), before);
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("staging"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_template_error_also_leaves_the_output_untouched() {
    let dir = site_copy("golden");
    assert_eq!(roster!(dir, "build").code, 0);
    let before = read_tree(&dir.join("public"));
    write_files(
        &dir,
        &[(
            "themes/default/templates/person.html",
            "{% extends \"base.html\" %}{% block main %}{{ nope.nothing }}{% endblock main %}",
        )],
    );
    let run = roster!(dir, "build");
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("template person.html"), "{}", run.stderr);
    assert!(run.stderr.contains("themes/default/templates/person.html"), "names the theme file: {}", run.stderr);
    assert!(run.stderr.contains("person.html:1:45"), "at the line and column of `nope`: {}", run.stderr);
    assert!(run.stderr.contains("Variable `nope` is not defined"), "{}", run.stderr);
    assert!(run.stderr.contains("more pages"), "one error per template, not per page: {}", run.stderr);
    assert_eq!(read_tree(&dir.join("public")), before);
}

#[test]
fn a_template_that_does_not_compile_is_reported_at_its_line_with_what_changed_from_tera_1() {
    let dir = site_copy("golden");
    write_files(
        &dir,
        &[(
            "themes/default/templates/person.html",
            "{% extends \"base.html\" %}\n{% import \"macros.html\" as m %}\n{% block main %}{{ person.name }}{% endblock main %}",
        )],
    );
    let run = roster!(dir, "build");
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("template error in person.html"), "{}", run.stderr);
    assert!(run.stderr.contains("themes/default/templates/person.html:2:4"), "at the line and column: {}", run.stderr);
    assert!(run.stderr.contains("{% import \"macros.html\" as m %}"), "quotes the line: {}", run.stderr);
    assert!(run.stderr.contains("a macro is a component"), "says what changed: {}", run.stderr);
    assert!(!dir.join("public").exists(), "nothing written");
    // An unknown filter is found when the templates are added, and placed as well.
    write_files(
        &dir,
        &[(
            "themes/default/templates/person.html",
            "{% extends \"base.html\" %}\n{% block main %}\n<p>{{ person.name | shout }}</p>{% endblock main %}",
        )],
    );
    let run = roster!(dir, "build");
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("Unknown filter `shout`"), "{}", run.stderr);
    assert!(run.stderr.contains("themes/default/templates/person.html:3:21"), "{}", run.stderr);
}

#[test]
fn new_build_removes_stale_pages() {
    let dir = site_copy("golden");
    assert_eq!(roster!(dir, "build").code, 0);
    assert!(dir.join("public/city/east/index.html").exists());
    std::fs::remove_dir_all(dir.join("content/city/east")).unwrap();
    assert_eq!(roster!(dir, "build").code, 0);
    assert!(!dir.join("public/city/east/index.html").exists());
}

#[test]
fn refuses_dangerous_output_folders() {
    let dir = site_copy("golden");
    for bad in [".", "content", "..", "/"] {
        let target = if bad == "/" { "/".to_owned() } else { dir.join(bad).to_string_lossy().into_owned() };
        let run = roster!(dir, "build", "--output", target);
        assert_eq!(run.code, 1, "{bad}: {}", run.stderr);
        assert!(run.stderr.contains("refusing"), "{bad}: {}", run.stderr);
    }
    let mine = dir.join("mine");
    write_files(&mine, &[("thesis.txt", "keep me")]);
    let run = roster!(dir, "build", "--output", mine.to_str().unwrap());
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("was not written by roster"), "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(mine.join("thesis.txt")).unwrap(), "keep me");
    assert!(dir.join("content/city/district.toml").exists());
}

#[test]
fn theme_templates_labels_and_static_files_override_the_built_in_ones() {
    let dir = site_copy("golden");
    let config = std::fs::read_to_string(dir.join("roster.toml"))
        .unwrap()
        .replace("description", "theme = \"civic\"\ndescription");
    std::fs::write(dir.join("roster.toml"), config).unwrap();
    write_files(
        &dir,
        &[
            (
                "themes/civic/templates/person.html",
                "{% extends \"base.html\" %}{% block main %}<p class=\"custom\">{{ person.name }}</p>{% endblock main %}",
            ),
            ("themes/civic/labels.toml", "[zh-CN]\nhome = \"主页\"\n"),
            ("themes/civic/static/assets/extra.css", "p{}"),
            ("static/robots-extra.txt", "hello"),
        ],
    );
    let run = roster!(dir, "build");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let person = std::fs::read_to_string(dir.join("public/people/zhang-san/index.html")).unwrap();
    assert!(person.contains("<p class=\"custom\">张三</p>"), "{person}");
    assert!(person.contains(">主页</a>"), "labels override");
    assert!(dir.join("public/assets/extra.css").exists());
    assert!(dir.join("public/assets/style.css").exists());
    assert_eq!(std::fs::read_to_string(dir.join("public/robots-extra.txt")).unwrap(), "hello");
    let missing = site_copy("golden");
    let config = std::fs::read_to_string(missing.join("roster.toml"))
        .unwrap()
        .replace("description", "theme = \"nope\"\ndescription");
    std::fs::write(missing.join("roster.toml"), config).unwrap();
    let run = roster!(missing, "build");
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("theme `nope` not found"), "{}", run.stderr);
}

#[test]
fn base_url_can_be_overridden() {
    let out = temp_dir("baseurl").sub("public");
    let run = roster!(
        fixture("golden"),
        "build",
        "--output",
        out.to_str().unwrap(),
        "--base-url",
        "https://roster.gov.example/x"
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(read(&out, "index.html").contains("href=\"https://roster.gov.example/x/\""));
}

#[test]
fn demo_site_builds() {
    let dir = site_copy("demo");
    let run = roster!(dir, "build");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(dir.join("public/shili/dongpo/index.html").exists());
    assert!(dir.join("public/people/zhao-hai/index.html").exists());
}
