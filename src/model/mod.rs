//! The validated roster: districts in display order, their editions, bodies and members with
//! resolved person ids and parsed phone numbers, and an index of people across districts.
//!
//! Every later stage (history, rendering) works on this model only; it holds no spans.

pub(crate) mod id;
mod intern;
pub(crate) mod phone;
mod validate;
pub mod verify;

use std::collections::BTreeMap;

use chrono::NaiveDate;

pub use crate::field::{Field, FieldSet};
pub use phone::Phone;
pub use validate::{EditionCache, Options, validate, validate_cached};
pub(crate) use validate::{source_date_epoch, today};

use crate::config::Config;

/// A text of the model: shared, so that the same post, body name or office written in many
/// entries is held once (see `validate::Interner`), and a channel's redacted copy of a member
/// copies pointers, not texts.
pub type Text = std::sync::Arc<str>;

/// The whole site's data.
#[derive(Debug, Clone)]
pub struct Roster {
    pub config: Config,
    /// Districts in display order: a parent before its children, siblings by `order` then slug.
    pub districts: Vec<District>,
    /// Every person, by id.
    pub people: std::sync::Arc<BTreeMap<Text, Person>>,
    /// `content/_index.md`.
    pub home: Option<Page>,
    /// `content/pages/*.md`, by `order` then slug.
    pub pages: Vec<Page>,
    /// The date the roster is shown as of (`--as-of`), if any.
    pub as_of: Option<NaiveDate>,
    /// Today and `[verify] max_age_days`: which numbers are stale.
    pub verify: verify::Policy,
}

#[derive(Debug, Clone)]
pub struct District {
    /// Path below `content/`, e.g. `meishan/dongpo`; also its URL path.
    pub path: String,
    pub slug: String,
    pub name: String,
    pub kind: Option<String>,
    pub order: i64,
    /// Markdown.
    pub intro: Option<String>,
    pub parent: Option<usize>,
    pub children: Vec<usize>,
    /// 0 for a top-level district.
    pub depth: usize,
    /// Sorted by date, oldest first; shared with the validation cache of `serve`.
    pub editions: Vec<std::sync::Arc<Edition>>,
    /// Call-check rounds, oldest first.
    pub rounds: Vec<verify::Round>,
    /// Citizens' reports of wrong numbers, by file.
    pub reports: Vec<verify::Report>,
}

impl District {
    /// Everything but the editions: what other pages show of the district.
    pub fn same_header(&self, other: &District) -> bool {
        (&self.path, &self.name, &self.kind, self.order, &self.intro, self.parent, &self.children, self.depth)
            == (
                &other.path,
                &other.name,
                &other.kind,
                other.order,
                &other.intro,
                other.parent,
                &other.children,
                other.depth,
            )
    }

    /// The state of `m`'s number `field` today (see [`verify`]).
    pub fn number_state(&self, m: &Member, field: Field, policy: verify::Policy) -> Option<verify::NumberState> {
        verify::state(self, m, field, policy)
    }

    /// The edition in force now (the latest), if any.
    pub fn current(&self) -> Option<&Edition> {
        self.editions.last().map(|e| &**e)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Edition {
    /// The date from which this roster is in force.
    pub date: NaiveDate,
    pub reason: Option<String>,
    pub source: Option<String>,
    /// Markdown.
    pub note: Option<String>,
    pub bodies: Vec<Body>,
    /// The file it was read from, relative to the site root.
    pub file: String,
}

impl Edition {
    pub fn members(&self) -> impl Iterator<Item = (&Body, &Member)> {
        self.bodies.iter().flat_map(|b| b.members.iter().map(move |m| (b, &**m)))
    }

    pub fn member_count(&self) -> usize {
        self.bodies.iter().map(|b| b.members.len()).sum()
    }
}

/// A leadership body or unit.
#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    pub name: Text,
    /// Shared, so that a channel's redacted copy of an edition shares every member it hides
    /// nothing of with the original (see `render::publish`).
    pub members: Vec<std::sync::Arc<Member>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// Person id: explicit, or derived from the name (see `id::derive`).
    pub id: Text,
    pub name: Text,
    pub post: Text,
    /// Inline Markdown.
    pub duties: Option<Text>,
    pub mobile: Option<Phone>,
    pub office_phone: Option<Phone>,
    pub office: Option<Text>,
    pub hours: Option<Text>,
    pub verified: Option<NaiveDate>,
    /// Fields of this member never published anywhere.
    pub private: FieldSet,
}

/// The value of a field as text, for comparison and for text outputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldValue<'a> {
    Text(&'a str),
    Phone(&'a Phone),
}

impl Member {
    pub fn get(&self, field: Field) -> Option<FieldValue<'_>> {
        match field {
            Field::Name => Some(FieldValue::Text(&self.name)),
            Field::Post => Some(FieldValue::Text(&self.post)),
            Field::Duties => self.duties.as_deref().map(FieldValue::Text),
            Field::Mobile => self.mobile.as_ref().map(FieldValue::Phone),
            Field::OfficePhone => self.office_phone.as_ref().map(FieldValue::Phone),
            Field::Office => self.office.as_deref().map(FieldValue::Text),
            Field::Hours => self.hours.as_deref().map(FieldValue::Text),
        }
    }

    /// Removes the value of `field` (identity fields are never removed).
    pub fn clear(&mut self, field: Field) {
        match field {
            Field::Name | Field::Post => {}
            Field::Duties => self.duties = None,
            Field::Mobile => self.mobile = None,
            Field::OfficePhone => self.office_phone = None,
            Field::Office => self.office = None,
            Field::Hours => self.hours = None,
        }
    }
}

/// One person across districts and editions.
#[derive(Debug, Clone)]
pub struct Person {
    pub id: Text,
    /// The name in the person's most recent appearance.
    pub name: Text,
    /// Every appearance, ordered by district then date.
    pub appearances: Vec<Appearance>,
}

/// Where a person appears: indices into `Roster::districts`, its editions, bodies, members.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Appearance {
    pub district: usize,
    pub edition: usize,
    pub body: usize,
    pub member: usize,
}

/// A Markdown page.
#[derive(Debug, Clone)]
pub struct Page {
    /// URL segment; empty for the home page text.
    pub slug: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub order: i64,
    pub body: String,
}

impl Roster {
    pub fn member(&self, a: Appearance) -> &Member {
        &self.districts[a.district].editions[a.edition].bodies[a.body].members[a.member]
    }

    pub fn body(&self, a: Appearance) -> &Body {
        &self.districts[a.district].editions[a.edition].bodies[a.body]
    }

    pub fn edition(&self, a: Appearance) -> &Edition {
        &self.districts[a.district].editions[a.edition]
    }

    /// Top-level districts.
    pub fn roots(&self) -> impl Iterator<Item = usize> + '_ {
        self.districts.iter().enumerate().filter(|(_, d)| d.parent.is_none()).map(|(i, _)| i)
    }

    /// Names from the top district down to `index`.
    pub fn ancestors(&self, index: usize) -> Vec<usize> {
        let mut chain = vec![index];
        let mut at = index;
        while let Some(p) = self.districts[at].parent {
            chain.push(p);
            at = p;
        }
        chain.reverse();
        chain
    }

    /// District by its path.
    pub fn district_by_path(&self, path: &str) -> Option<usize> {
        let path = path.trim_matches('/');
        self.districts.iter().position(|d| d.path == path)
    }

    /// The date of the newest edition of the whole site.
    pub fn latest_date(&self) -> Option<NaiveDate> {
        self.districts.iter().filter_map(|d| d.current().map(|e| e.date)).max()
    }

    /// Members currently in force in the district and all districts below it.
    pub fn member_count_below(&self, index: usize) -> usize {
        let d = &self.districts[index];
        d.current().map_or(0, Edition::member_count)
            + d.children.iter().map(|c| self.member_count_below(*c)).sum::<usize>()
    }
}
