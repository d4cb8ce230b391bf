//! A generator of large synthetic rosters: realistic names, posts, duties and numbers, nested
//! districts, and reshuffles between editions (people leave, join, change post, duties and
//! numbers, and are transferred between districts). Deterministic for a seed.

// Shared by the `gen` and `bench` examples; each uses only part of it.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::io;
use std::path::Path;

const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤";
const GIVEN: &str = "建国华明军伟强平东文辉力永健世广志义兴良海山仁波宁贵福生龙元全胜学祥才发武新利清飞彬富顺信子杰涛昌成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪心邦承乐绍功松善厚庆磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌梁栋维启克伦翔旭鹏泽晨辰士以家致树炎德行时泰盛秀娟英慧巧美娜静淑惠珠翠雅芝玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞香月莺媛艳瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可舒影荔";
const PLACE: &str = "东西南北中新华安平和兴宁江河山湖海城阳泉清金永长丰顺德惠明光义仁文武龙凤云石";
const KINDS: [&str; 4] = ["区", "县", "街道", "镇"];

/// (body, post) of a district's leadership, in order.
const CORE: [(&str, &str); 22] = [
    ("区委", "区委书记"),
    ("区委", "区委副书记、区长"),
    ("区委", "区委副书记"),
    ("区人大常委会", "区人大常委会主任"),
    ("区政协", "区政协主席"),
    ("区委", "区委常委、常务副区长"),
    ("区委", "区委常委、组织部部长"),
    ("区委", "区委常委、宣传部部长"),
    ("区委", "区委常委、政法委书记"),
    ("区委", "区委常委、区纪委书记"),
    ("区委", "区委常委、统战部部长"),
    ("区委", "区委常委、区委办公室主任"),
    ("区政府", "副区长"),
    ("区政府", "副区长"),
    ("区政府", "副区长"),
    ("区政府", "副区长、公安分局局长"),
    ("区人大常委会", "区人大常委会副主任"),
    ("区人大常委会", "区人大常委会副主任"),
    ("区人大常委会", "区人大常委会副主任"),
    ("区政协", "区政协副主席"),
    ("区政协", "区政协副主席"),
    ("区政协", "区政协副主席"),
];
const BUREAUS: [&str; 25] = [
    "发展和改革局",
    "教育局",
    "科学技术和工业信息化局",
    "民政局",
    "司法局",
    "财政局",
    "人力资源和社会保障局",
    "自然资源局",
    "生态环境局",
    "住房和城乡建设局",
    "交通运输局",
    "水务局",
    "农业农村局",
    "商务局",
    "文化和旅游局",
    "退役军人事务局",
    "应急管理局",
    "审计局",
    "市场监督管理局",
    "统计局",
    "医疗保障局",
    "城市管理局",
    "信访局",
    "体育局",
    "政务服务和数据管理局",
];
const WORK: [&str; 16] = [
    "发展改革",
    "财政税务",
    "教育",
    "卫生健康",
    "民政",
    "城乡建设",
    "交通运输",
    "生态环境",
    "农业农村",
    "商务",
    "文化旅游",
    "应急管理",
    "市场监管",
    "信访维稳",
    "自然资源",
    "科技创新",
];
const HOURS: [&str; 3] = ["24 小时", "8:00—23:00", "工作日 8:30—12:00，14:00—17:30"];

/// How big a roster to write.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub districts: usize,
    /// Members per district edition.
    pub members: usize,
    /// If set, the number of officials in all (spread over the districts) instead of
    /// `members` per district.
    pub total: Option<usize>,
    pub editions: usize,
    pub seed: u64,
}

#[derive(Debug, Default, Clone, Copy)]
pub struct Stats {
    pub districts: usize,
    pub editions: usize,
    pub officials: usize,
    pub files: usize,
}

#[derive(Clone)]
struct Person {
    id: usize,
    name: String,
    body: String,
    post: String,
    duties: String,
    mobile: String,
    office_phone: String,
    office: String,
    hours: &'static str,
    private: bool,
}

struct Gen {
    rng: fastrand::Rng,
    next_id: usize,
}

fn pick(rng: &mut fastrand::Rng, chars: &str) -> char {
    let n = chars.chars().count();
    chars.chars().nth(rng.usize(..n)).unwrap_or('王')
}

impl Gen {
    fn name(&mut self) -> String {
        let mut s = String::new();
        s.push(pick(&mut self.rng, SURNAMES));
        s.push(pick(&mut self.rng, GIVEN));
        if self.rng.u8(..10) < 7 {
            s.push(pick(&mut self.rng, GIVEN));
        }
        s
    }

    fn duties(&mut self, slot: usize) -> String {
        if slot == 0 {
            return "主持全面工作。".to_owned();
        }
        let a = WORK[self.rng.usize(..WORK.len())];
        let b = WORK[self.rng.usize(..WORK.len())];
        let c = BUREAUS[self.rng.usize(..BUREAUS.len())];
        let d = BUREAUS[self.rng.usize(..BUREAUS.len())];
        format!("负责{a}、{b}方面工作。分管区{c}、区{d}。")
    }

    fn person(&mut self, district: usize, slot: usize) -> Person {
        let id = self.next_id;
        self.next_id += 1;
        let (body, post) = if slot < CORE.len() {
            (CORE[slot].0.to_owned(), CORE[slot].1.to_owned())
        } else {
            let bureau = BUREAUS[(slot - CORE.len()) % BUREAUS.len()];
            ("区政府工作部门".to_owned(), format!("区{bureau}局长"))
        };
        Person {
            id,
            name: self.name(),
            body,
            post,
            duties: self.duties(slot),
            mobile: format!("139 {:04} {:04}", (id / 10_000) % 10_000, id % 10_000),
            office_phone: format!("028-{:04} {:04}", 3800 + district % 200, (slot * 37 + district) % 10_000),
            office: format!("行政中心 {} 楼 {}{:02} 室", 1 + slot % 8, 1 + slot % 8, slot % 50),
            hours: HOURS[slot % HOURS.len()],
            private: self.rng.u8(..100) < 3,
        }
    }
}

fn district_slug(i: usize) -> String {
    format!("d{i:05}")
}

/// District i's folder: every 20th district is a top-level city; the others are its children.
fn district_path(i: usize) -> String {
    let city = i - i % 20;
    if i == city { district_slug(i) } else { format!("{}/{}", district_slug(city), district_slug(i)) }
}

fn date(e: usize) -> String {
    // Editions about two years apart, as reshuffles go.
    let base = chrono_like(2019, 11, 22);
    let days = e * 733 + e % 3 * 17;
    from_days(base + days as i64)
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
fn chrono_like(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn from_days(z: i64) -> String {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

fn edition_toml(people: &[Person], e: usize) -> String {
    let mut out = String::with_capacity(people.len() * 400);
    let reason = if e == 0 {
        "首次公开"
    } else if e % 2 == 1 {
        "换届"
    } else {
        "人事调整"
    };
    let _ = writeln!(out, "reason = \"{reason}\"\nsource = \"《示例日报》第 {} 期（虚构）\"\n", e + 1);
    let mut body = "";
    for p in people {
        if p.body != body {
            let _ = writeln!(out, "[[body]]\nname = \"{}\"\n", p.body);
            body = &p.body;
        }
        let _ = writeln!(
            out,
            "[[body.member]]\nid = \"p{:06}\"\nname = \"{}\"\npost = \"{}\"\nduties = \"{}\"\nmobile = \"{}\"\noffice_phone = \"{}\"\noffice = \"{}\"\nhours = \"{}\"\nverified = {}{}\n",
            p.id,
            p.name,
            p.post,
            p.duties,
            p.mobile,
            p.office_phone,
            p.office,
            p.hours,
            date(e),
            if p.private { "\nprivate = [\"mobile\"]" } else { "" },
        );
    }
    out
}

/// Writes a site folder (roster.toml and content/) into `dir`, which must be empty or absent.
pub fn write(dir: &Path, opts: &Options) -> io::Result<Stats> {
    let mut g = Gen { rng: fastrand::Rng::with_seed(opts.seed), next_id: 1 };
    let content = dir.join("content");
    std::fs::create_dir_all(&content)?;
    std::fs::write(
        dir.join("roster.toml"),
        "title = \"合成省领导干部联系方式\"\nbase_url = \"https://example.org/synthetic/\"\n\n[history]\ntransfer_window_days = 0\n",
    )?;
    let mut stats = Stats { districts: opts.districts, editions: opts.districts * opts.editions, ..Stats::default() };
    // rosters[d] = the district's current members.
    let size = |d: usize| match opts.total {
        Some(total) => total / opts.districts + usize::from(d < total % opts.districts),
        None => opts.members,
    };
    let mut rosters: Vec<Vec<Person>> =
        (0..opts.districts).map(|d| (0..size(d)).map(|slot| g.person(d, slot)).collect()).collect();
    for d in 0..opts.districts {
        let path = content.join(district_path(d));
        std::fs::create_dir_all(&path)?;
        let kind = if d % 20 == 0 { "市" } else { KINDS[d % KINDS.len()] };
        let name = format!("{}{}{}", pick(&mut g.rng, PLACE), pick(&mut g.rng, PLACE), kind);
        std::fs::write(path.join("district.toml"), format!("name = \"{name}\"\nkind = \"{kind}\"\norder = {d}\n"))?;
        stats.files += 1;
    }
    for e in 0..opts.editions {
        if e > 0 {
            reshuffle(&mut g, &mut rosters);
        }
        for (d, people) in rosters.iter().enumerate() {
            let file = content.join(district_path(d)).join(format!("{}.toml", date(e)));
            std::fs::write(file, edition_toml(people, e))?;
            stats.files += 1;
        }
    }
    stats.officials = (0..opts.districts).map(size).sum();
    Ok(stats)
}

/// Between two editions: about 15 % leave (some transferred to the next district), 10 %
/// change post within the district, 10 % duties, 5 % numbers.
fn reshuffle(g: &mut Gen, rosters: &mut [Vec<Person>]) {
    let n = rosters.len();
    let mut transfers: Vec<Option<Person>> = vec![None; n];
    for d in 0..n {
        for slot in 0..rosters[d].len() {
            let roll = g.rng.u8(..100);
            if roll < 15 {
                let leaving = std::mem::replace(&mut rosters[d][slot], g.person(d, slot));
                if roll < 3 && n > 1 && transfers[(d + 1) % n].is_none() {
                    transfers[(d + 1) % n] = Some(leaving);
                }
            } else if roll < 25 && slot > 0 {
                let other = g.rng.usize(1..rosters[d].len().max(2));
                if other < rosters[d].len() && other != slot {
                    let (a, b) = (rosters[d][slot].clone(), rosters[d][other].clone());
                    rosters[d][slot].name = b.name;
                    rosters[d][slot].id = b.id;
                    rosters[d][slot].mobile = b.mobile;
                    rosters[d][other].name = a.name;
                    rosters[d][other].id = a.id;
                    rosters[d][other].mobile = a.mobile;
                }
            } else if roll < 35 {
                rosters[d][slot].duties = g.duties(slot.max(1));
            } else if roll < 40 {
                let p = &mut rosters[d][slot];
                p.office_phone = format!("028-{:04} {:04}", 3900 + d % 100, (p.id * 7) % 10_000);
            }
        }
    }
    for (d, incoming) in transfers.into_iter().enumerate() {
        if let Some(mut person) = incoming {
            let slot = rosters[d].len() - 1;
            person.body = rosters[d][slot].body.clone();
            person.post = rosters[d][slot].post.clone();
            rosters[d][slot] = person;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        assert_eq!(from_days(chrono_like(2019, 11, 22)), "2019-11-22");
        assert_eq!(date(1), "2021-12-11");
    }
}
