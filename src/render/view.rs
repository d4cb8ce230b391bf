//! What templates see: serialisable records that borrow the (redacted) roster.
//!
//! The member views of an edition are built once per build ([`Views`]) and borrowed by every
//! page that shows the edition: the district page, its archive page and each person page. A
//! member written the same way in the edition before shares that edition's view, so the
//! Markdown of unchanged duties is rendered once across a district's history.

use std::sync::{Arc, OnceLock};

use chrono::NaiveDate;
use rustc_hash::FxHashMap;
use serde::Serialize;

use super::html::Html;
use super::verify::Mark;
use super::{links, markdown};
use crate::model::{Appearance, District, Edition, Field, FieldSet, Member, Phone, Roster};

/// Which optional parts of the site exist, for the navigation.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Features {
    pub search: bool,
    pub changes: bool,
    pub print: bool,
    pub pdf: bool,
    pub data: bool,
    /// The site has call-check rounds (the `/checks/` page).
    pub checks: bool,
}

#[derive(Debug, Serialize)]
pub struct Link {
    pub name: String,
    pub url: String,
}

#[derive(Debug, Serialize)]
pub struct SiteView {
    pub title: String,
    pub description: Option<String>,
    pub base_url: String,
    /// Date of the newest edition.
    pub latest: Option<String>,
    pub pages: Vec<Link>,
    pub features: Features,
    pub feedback: FeedbackView,
    /// `[site]`: the government-site footer.
    pub gov: GovView,
    /// The host of `base_url`, for the `SiteDomain` meta tag.
    pub domain: String,
    /// What the search box's placeholder suggests: a real member's name, pinyin, initials
    /// and number digits, so that each example finds someone.
    pub search_example: String,
}

impl SiteView {
    pub fn new(roster: &Roster, features: Features) -> Self {
        let c = &roster.config;
        SiteView {
            title: c.title.clone(),
            description: c.description.clone(),
            base_url: c.base_url.clone(),
            latest: roster.latest_date().map(|d| d.to_string()),
            pages: roster
                .pages
                .iter()
                .map(|p| Link { name: p.title.clone().unwrap_or_else(|| p.slug.clone()), url: links::page(&p.slug) })
                .collect(),
            features,
            feedback: FeedbackView {
                phone: c.feedback.phone.clone(),
                tel: c.feedback.phone.as_ref().map(|p| p.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect()),
                url: c.feedback.url.clone(),
            },
            gov: GovView::new(&c.site),
            domain: c.base_url.split('/').nth(2).unwrap_or_default().to_owned(),
            search_example: search_example(roster),
        }
    }
}

/// `[site]` as the footer shows it, with the filing systems' links.
#[derive(Debug, Default, Serialize)]
pub struct GovView {
    pub organizer: Option<String>,
    pub site_id_code: Option<String>,
    pub icp: Option<String>,
    pub icp_url: &'static str,
    pub police_filing: Option<String>,
    pub police_url: Option<String>,
    /// The 党政机关网站标识 image, from the root.
    pub mark: Option<String>,
    pub error_report_url: Option<String>,
}

impl GovView {
    fn new(c: &crate::config::SiteConfig) -> GovView {
        GovView {
            organizer: c.organizer.clone(),
            site_id_code: c.site_id_code.clone(),
            icp: c.icp.clone(),
            icp_url: crate::config::ICP_URL,
            police_filing: c.police_filing.clone(),
            police_url: c.police_url(),
            mark: c.party_gov_mark_url().map(str::to_owned),
            error_report_url: c.error_report_url.clone(),
        }
    }
}

/// The first current member's name, pinyin, initials and last four digits of a number.
/// The member whose name and number every page's search box suggests: the first of the first
/// district's current edition. An edit of this member changes every page.
pub(crate) fn example_member(roster: &Roster) -> Option<&crate::model::Member> {
    roster.districts.iter().filter_map(District::current).find_map(|e| e.members().next()).map(|(_, m)| m)
}

fn search_example(roster: &Roster) -> String {
    let Some(m) = example_member(roster) else { return "李明、liming、lm".into() };
    let (pinyin, initials) = super::search::pinyin_of(&m.name);
    let mut parts = vec![m.name.to_string(), pinyin.replace(' ', ""), initials];
    if let Some(p) = m.office_phone.as_ref().or(m.mobile.as_ref()) {
        let digits = p.digits();
        parts.push(digits[digits.len().saturating_sub(4)..].to_owned());
    }
    parts.join("、")
}

/// A number as pages show it, borrowed from the model.
#[derive(Debug, Clone, Serialize)]
pub struct PhoneView<'a> {
    pub e164: &'a str,
    pub national: &'a str,
    /// 待核实 or a failed call, on the current edition only.
    pub mark: Option<Mark>,
    /// The 号码有误？ link (`[feedback] report_url`), on the current edition only.
    pub report: Option<String>,
}

impl<'a> From<&'a Phone> for PhoneView<'a> {
    fn from(p: &'a Phone) -> Self {
        PhoneView { e164: &p.e164, national: &p.national, mark: None, report: None }
    }
}

/// `[feedback]` as pages show it.
#[derive(Debug, Default, Serialize)]
pub struct FeedbackView {
    pub phone: Option<String>,
    /// The phone as a `tel:` URI: its digits (and a leading `+`).
    pub tel: Option<String>,
    pub url: Option<String>,
}

/// `template` with `{id}`, `{field}` and `{district}` filled in, URL-encoded.
pub fn report_url(template: &str, id: &str, field: Field, district: &str) -> String {
    use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
    /// All but RFC 3986's unreserved characters, which a query keeps as they are.
    const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');
    template
        .replace("{id}", &utf8_percent_encode(id, COMPONENT).to_string())
        .replace("{field}", field.as_str())
        .replace("{district}", &utf8_percent_encode(district, COMPONENT).to_string())
}

/// A member as pages show it. It borrows the (redacted) model's texts: only the rendered
/// duties and the marks of the current edition are its own.
#[derive(Debug, Clone, Serialize)]
pub struct MemberView<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub post: &'a str,
    pub duties: Option<Html>,
    pub office_phone: Option<PhoneView<'a>>,
    pub mobile: Option<PhoneView<'a>>,
    pub office: Option<&'a str>,
    pub hours: Option<&'a str>,
    /// `2024-05-01`.
    pub verified: Option<NaiveDate>,
    /// Link to the person page, from the root.
    pub url: PersonUrl<'a>,
}

impl<'a> MemberView<'a> {
    pub fn new(m: &'a Member) -> Self {
        MemberView {
            id: &m.id,
            name: &m.name,
            post: &m.post,
            duties: m.duties.as_deref().map(markdown::inline),
            office_phone: m.office_phone.as_ref().map(PhoneView::from),
            mobile: m.mobile.as_ref().map(PhoneView::from),
            office: m.office.as_deref(),
            hours: m.hours.as_deref(),
            verified: m.verified,
            url: PersonUrl(&m.id),
        }
    }
}

/// The person page of an id, written out only when a page is serialised.
#[derive(Debug, Clone, Copy)]
pub struct PersonUrl<'a>(&'a str);

impl Serialize for PersonUrl<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&links::person(self.0))
    }
}

#[derive(Debug, Serialize)]
pub struct BodyView<'a> {
    pub name: &'a str,
    pub members: &'a [Arc<MemberView<'a>>],
}

#[derive(Debug, Serialize)]
pub struct EditionView<'a> {
    pub date: String,
    /// The date the next edition replaced it.
    pub until: Option<String>,
    pub reason: Option<&'a str>,
    pub source: Option<&'a str>,
    pub note: Option<Html>,
    pub last_verified: Option<String>,
    pub bodies: Vec<BodyView<'a>>,
    pub url: String,
}

impl<'a> EditionView<'a> {
    pub fn new(path: &str, e: &'a Edition, next: Option<NaiveDate>, members: &'a [Vec<Arc<MemberView<'a>>>]) -> Self {
        EditionView {
            date: e.date.to_string(),
            until: next.map(|d| d.to_string()),
            reason: e.reason.as_deref(),
            source: e.source.as_deref(),
            note: e.note.as_deref().map(markdown::block),
            // From the views: on the current edition they count answered call checks too.
            last_verified: members.iter().flatten().filter_map(|m| m.verified).max().map(|d| d.to_string()),
            bodies: e.bodies.iter().zip(members).map(|(b, m)| BodyView { name: &b.name, members: m }).collect(),
            url: links::edition(path, e.date),
        }
    }
}

/// Which optional columns a roster table has: allowed by the policy and filled for someone.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Columns {
    pub duties: bool,
    pub office_phone: bool,
    pub mobile: bool,
    pub office: bool,
    pub hours: bool,
}

impl Columns {
    pub fn for_edition(e: &Edition, allowed: FieldSet) -> Self {
        let has = |f: Field| allowed.contains(f) && e.members().any(|(_, m)| m.get(f).is_some());
        Columns {
            duties: has(Field::Duties),
            office_phone: has(Field::OfficePhone),
            mobile: has(Field::Mobile),
            office: has(Field::Office),
            hours: has(Field::Hours),
        }
    }
}

/// The member views of one edition, body by body.
pub type EditionMembers<'a> = Vec<Vec<Arc<MemberView<'a>>>>;

/// The member views of every edition of every district, each district's made on first use.
pub struct Views<'a> {
    roster: &'a Roster,
    allowed: FieldSet,
    labels: &'a std::collections::BTreeMap<String, String>,
    districts: Vec<OnceLock<Vec<EditionMembers<'a>>>>,
}

impl<'a> Views<'a> {
    pub fn new(
        roster: &'a Roster,
        allowed: FieldSet,
        labels: &'a std::collections::BTreeMap<String, String>,
    ) -> Views<'a> {
        Views { roster, allowed, labels, districts: roster.districts.iter().map(|_| OnceLock::new()).collect() }
    }

    /// The views of edition `e` of district `d`.
    pub fn edition(&self, d: usize, e: usize) -> &EditionMembers<'a> {
        &self.districts[d].get_or_init(|| {
            let district = &self.roster.districts[d];
            let mut views = district_views(&district.editions);
            if let (Some(current), Some(edition)) = (views.last_mut(), district.current()) {
                self.mark(district, edition, current);
            }
            views
        })[e]
    }

    /// Marks the stale and failed numbers of the current edition: a member with one gets a
    /// view of its own, the others keep the shared one.
    fn mark(&self, district: &District, edition: &Edition, views: &mut EditionMembers<'a>) {
        let policy = self.roster.verify;
        for (body, body_views) in edition.bodies.iter().zip(views.iter_mut()) {
            for (m, view) in body.members.iter().zip(body_views.iter_mut()) {
                let state = |field: Field| {
                    self.allowed.contains(field).then(|| district.number_state(m, field, policy)).flatten()
                };
                let [office_state, mobile_state] = crate::model::verify::NUMBERS.map(state);
                let mark =
                    |s: &Option<crate::model::verify::NumberState>| s.as_ref().and_then(|s| Mark::of(s, self.labels));
                let (office, mobile) = (mark(&office_state), mark(&mobile_state));
                // Shown under the name: the last day one of its numbers was verified.
                let verified = [office_state, mobile_state]
                    .iter()
                    .filter_map(|s| s.and_then(|s| s.verified))
                    .max()
                    .max(m.verified);
                let report = self.roster.config.feedback.report_url.as_deref();
                if office.is_none() && mobile.is_none() && verified == view.verified && report.is_none() {
                    continue;
                }
                let mut own = MemberView::clone(view);
                own.verified = verified;
                let link = |field| report.map(|t| report_url(t, &m.id, field, &district.path));
                if let Some(p) = own.office_phone.as_mut() {
                    p.mark = office;
                    p.report = link(Field::OfficePhone);
                }
                if let Some(p) = own.mobile.as_mut() {
                    p.mark = mobile;
                    p.report = link(Field::Mobile);
                }
                *view = Arc::new(own);
            }
        }
    }

    /// Drops the views made so far (they are made again if asked for).
    pub fn release(&mut self) {
        self.districts.iter_mut().for_each(|d| *d = OnceLock::new());
    }

    pub fn member(&self, a: Appearance) -> &MemberView<'a> {
        &self.edition(a.district, a.edition)[a.body][a.member]
    }
}

/// A district's member views, edition by edition: a member equal to the one of the same id in
/// the edition before reuses its view.
fn district_views(editions: &[Arc<Edition>]) -> Vec<EditionMembers<'_>> {
    let mut out: Vec<EditionMembers<'_>> = Vec::with_capacity(editions.len());
    for (i, e) in editions.iter().enumerate() {
        let before: FxHashMap<&str, (&Member, &Arc<MemberView>)> = match i.checked_sub(1) {
            Some(p) => editions[p]
                .bodies
                .iter()
                .zip(&out[p])
                .flat_map(|(b, views)| b.members.iter().zip(views))
                .map(|(m, v)| (&*m.id, (&**m, v)))
                .collect(),
            None => FxHashMap::default(),
        };
        let views = e
            .bodies
            .iter()
            .map(|b| {
                b.members
                    .iter()
                    .map(|m| match before.get(&*m.id) {
                        Some((old, view)) if *old == &**m => Arc::clone(view),
                        _ => Arc::new(MemberView::new(m)),
                    })
                    .collect()
            })
            .collect();
        out.push(views);
    }
    out
}

/// Breadcrumbs from the top district down to `index`.
pub fn crumbs(r: &Roster, index: usize) -> Vec<Link> {
    r.ancestors(index)
        .into_iter()
        .map(|i| Link { name: r.districts[i].name.clone(), url: links::district(&r.districts[i].path) })
        .collect()
}
