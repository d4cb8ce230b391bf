//! Issue 15's loop as an office runs it: `check --deny-stale` names the stale members,
//! `calls` writes the sheet, the office fills it in and saves it under `checks/`, and the
//! build marks the numbers and publishes the answer rate.

use crate::roster;
use crate::support::site;

const EDITION: &str = r#"[[body]]
name = "区政府"
[[body.member]]
id = "zhang-san"
name = "张三"
post = "区长"
mobile = "139 0000 0001"
office_phone = "028-3812 0001"
hours = "24 小时"
verified = 2025-01-10
[[body.member]]
id = "li-si"
name = "李四"
post = "副区长"
mobile = "139 0000 0002"
verified = 2026-10-01
[[body.member]]
id = "wang-wu"
name = "王五"
post = "副区长"
mobile = "139 0000 0003"
"#;

/// The result the office writes for each number of the sheet.
fn result_for(id: &str, field: &str) -> &'static str {
    match (id, field) {
        ("zhang-san", "mobile") => "answered",
        ("zhang-san", "office_phone") => "unreachable",
        ("wang-wu", _) => "answered",
        _ => "no-answer",
    }
}

#[test]
fn deny_stale_then_a_call_sheet_filled_in_and_published() {
    let dir = site(&[("content/x/district.toml", "name = \"东坡区\"\n"), ("content/x/2025-01-01.toml", EDITION)]);

    let run = roster!(dir, "check", "--today", "2026-11-30", "--deny-stale");
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "张三: office phone and mobile not verified for 689 days (last 2025-01-10; the limit is 180 days)"
        ),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("content/x/2025-01-01.toml:3:1"), "{}", run.stderr);
    assert!(run.stderr.contains("王五: mobile never verified"), "{}", run.stderr);
    assert!(!run.stderr.contains("李四"), "{}", run.stderr);
    let narrow = roster!(dir, "check", "--today", "2026-11-30", "--stale", "30");
    assert!(
        narrow.stderr.contains("李四: mobile not verified for 60 days (last 2026-10-01; the limit is 30 days)"),
        "{}",
        narrow.stderr
    );
    let json = roster!(dir, "check", "--today", "2026-11-30", "--format", "json");
    assert_eq!(json.code, 0, "{}", json.stderr);
    assert_eq!(
        json.stdout
            .lines()
            .chain(json.stderr.lines())
            .filter(|l| l.contains("\"severity\":\"warning\"") && l.contains("verified"))
            .count(),
        2
    );

    let sheet = roster!(dir, "calls", "--today", "2026-11-30");
    assert_eq!(sheet.code, 0, "{}", sheet.stderr);
    let text = sheet.stdout.trim_start_matches('\u{feff}');
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("id,field,result,note,district,name,post,number,hours,last_verified,last_call,reports")
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let order: Vec<(&str, &str)> = rows.iter().map(|r| (r[0], r[1])).collect();
    // Never verified first, then the oldest; the fresh number last.
    assert_eq!(
        order,
        [("wang-wu", "mobile"), ("zhang-san", "office_phone"), ("zhang-san", "mobile"), ("li-si", "mobile")]
    );
    assert_eq!(rows[1][7], "028 3812 0001");
    assert_eq!(rows[1][8], "24 小时");
    assert!(
        sheet.stderr.contains("4 numbers to call: 0 reported by citizens, 0 failed their last call, 3 stale"),
        "{}",
        sheet.stderr
    );

    // The office fills in `result`, as Excel saves it (BOM, CRLF), and keeps the extra columns.
    let mut filled = String::from("\u{feff}");
    for (i, line) in text.lines().enumerate() {
        let mut cells: Vec<String> = line.split(',').map(str::to_owned).collect();
        if i > 0 {
            cells[2] = result_for(&cells[0], &cells[1]).to_owned();
        }
        filled.push_str(&cells.join(","));
        filled.push_str("\r\n");
    }
    std::fs::create_dir_all(dir.join("content/x/checks")).unwrap();
    std::fs::write(dir.join("content/x/checks/2026-11-30.csv"), filled).unwrap();

    let run = roster!(dir, "check", "--today", "2026-12-01", "--deny-stale");
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("张三: the office phone failed its last call check (unreachable, 2026-11-30)"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("李四: the mobile failed its last call check (no-answer, 2026-11-30)"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("王五"), "{}", run.stderr);
    assert!(!run.stderr.contains("not verified"), "{}", run.stderr);

    let out = dir.join("public");
    let run = roster!(dir, "build", "--today", "2026-12-01");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = std::fs::read_to_string(out.join("x/index.html")).unwrap();
    assert!(
        page.contains(r#"<span class="mark mark-unreachable" title="2026-11-30 拨测：空号">空号 <time datetime="2026-11-30">2026-11-30</time></span>"#),
        "{page}"
    );
    assert!(
        page.contains(r#"<span class="mark mark-no-answer" title="2026-11-30 拨测：未接通">未接通 <time datetime="2026-11-30">2026-11-30</time></span>"#),
        "{page}"
    );
    assert_eq!(page.matches("class=\"mark ").count(), 2, "{page}");
    assert!(page.contains("号码核实：2/4 个号码在 180 天内核实过；2 个最近一次拨测未通过"), "{page}");
    assert!(page.contains("最近一轮拨测 2026-11-30，接通 2/4（50%）"), "{page}");

    let checks = std::fs::read_to_string(out.join("checks/index.html")).unwrap();
    assert!(checks.contains(r#"<tr id="x-2026-11-30">"#), "{checks}");
    let row = &checks[checks.find(r#"<tr id="x-2026-11-30">"#).unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    let cells: Vec<&str> = row.split("<td class=\"num\">").skip(1).map(|c| &c[..c.find('<').unwrap()]).collect();
    assert_eq!(cells, ["50%", "4", "2", "1", "1", "0"], "{row}");
    // The total is of the ranked rows (each district's last round), not of every round.
    let foot = &checks[checks.find("<tfoot>").unwrap()..checks.find("</tfoot>").unwrap()];
    let totals: Vec<&str> = foot.split("<td class=\"num\">").skip(1).map(|c| &c[..c.find('<').unwrap()]).collect();
    assert_eq!(totals, ["50%", "4", "2"], "{foot}");
    // The home page's tree gives each district's coverage with the date of its last round.
    let home = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(home.contains(">核实 2/4，2026-11-30 拨测</span>"), "{home}");

    let log = std::fs::read_to_string(out.join("x/changes/index.html")).unwrap();
    assert!(log.contains("东坡区 历次拨测") && log.contains("50%"), "{log}");
    let feed = std::fs::read_to_string(out.join("changes.xml")).unwrap();
    assert!(feed.contains("<title>东坡区 2026-11-30 号码拨测：接通 2/4（50%）</title>"), "{feed}");
    assert!(feed.contains("<updated>2026-11-30T00:00:00Z</updated>"), "{feed}");
    roxmltree::Document::parse(&feed).expect("the feed is XML");

    // Open data: the verification date and the last call of each published number.
    let csv = std::fs::read_to_string(out.join("data/roster.csv")).unwrap();
    let header = csv.lines().next().unwrap();
    // (Mobile numbers are not open data by default, so neither is their verification.)
    assert!(header.ends_with(",office_phone_verified,office_phone_last_call,office_phone_last_call_date"), "{header}");
    let zhang = csv.lines().find(|l| l.contains("张三")).unwrap();
    assert!(zhang.ends_with(",2025-01-10,unreachable,2026-11-30"), "{zhang}");
    let json = std::fs::read_to_string(out.join("data/roster.json")).unwrap();
    assert!(json.contains(r#""label":"office_phone","value":"+862838120001","note":"24 小时","verified":"2025-01-10","last_call":{"result":"unreachable","date":"2026-11-30"}"#), "{json}");
}

#[test]
fn a_citizens_report_puts_the_number_at_the_top_of_the_next_sheet() {
    let dir = site(&[
        (
            "roster.toml",
            "title = \"测试市\"\nbase_url = \"https://example.org/\"\n[feedback]\nphone = \"12345\"\nreport_url = \"https://example.org/jiucuo/?id={id}&field={field}\"\n",
        ),
        ("content/x/district.toml", "name = \"东坡区\"\n"),
        ("content/x/2025-01-01.toml", EDITION),
        ("content/x/checks/2026-11-01.csv", "id,field,result\nli-si,mobile,answered\n"),
        ("content/x/reports/2026-11-20.csv", "\u{feff}id,field,note\r\nli-si,mobile,市民来电：空号\r\n"),
    ]);
    let sheet = roster!(dir, "calls", "--today", "2026-11-30");
    assert_eq!(sheet.code, 0, "{}", sheet.stderr);
    let first = sheet.stdout.lines().nth(1).unwrap();
    assert!(
        first.starts_with("li-si,mobile,,,x,李四,副区长,139 0000 0002,,2026-11-01,answered 2026-11-01,1"),
        "{}",
        sheet.stdout
    );
    assert!(sheet.stderr.contains("1 reported by citizens"), "{}", sheet.stderr);
    let run = roster!(dir, "build", "--today", "2026-11-30");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("no feedback channel"), "{}", run.stderr);
    let page = std::fs::read_to_string(dir.join("public/x/index.html")).unwrap();
    assert!(page.contains("1 个号码有群众反映尚待核实"), "{page}");
    assert!(page.contains(r#"<a class="report" href="https://example.org/jiucuo/?id=li-si&amp;field=mobile"><span class="vh">李四 手机 </span>号码有误？</a>"#), "{page}");
    assert!(page.contains(r#"值班电话：<a href="tel:12345">12345</a>"#), "{page}");
    // The report link is for the web pages only: not in print, open data, feed, vCards or search.
    for (path, bytes) in crate::support::read_tree(&dir.join("public")) {
        let web_page = path.ends_with(".html") && !path.starts_with("print/");
        let has = bytes.windows(6).any(|w| w == b"jiucuo");
        assert!(web_page || !has, "{path} has the report link");
    }
    // A bad report row is an error at its line, as a bad round's row is.
    std::fs::write(dir.join("content/x/reports/2026-11-21.csv"), "id,field,note\nli-si,fax,\n").unwrap();
    let run = roster!(dir, "check", "--today", "2026-11-30");
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("content/x/reports/2026-11-21.csv:2:7") && run.stderr.contains("unknown field `fax`"),
        "{}",
        run.stderr
    );
    // Once a call on or after the report's day is answered, the report is closed.
    std::fs::remove_file(dir.join("content/x/reports/2026-11-21.csv")).unwrap();
    std::fs::write(dir.join("content/x/checks/2026-11-28.csv"), "id,field,result\nli-si,mobile,answered\n").unwrap();
    let sheet = roster!(dir, "calls", "--today", "2026-11-30");
    assert!(sheet.stderr.contains("0 reported by citizens"), "{}", sheet.stderr);
}

#[test]
fn calls_names_an_unknown_district() {
    let dir = site(&[("content/x/district.toml", "name = \"东坡区\"\n"), ("content/x/2025-01-01.toml", EDITION)]);
    let run = roster!(dir, "calls", "xx");
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("no district `xx`; did you mean `x`?"), "{}", run.stderr);
}
