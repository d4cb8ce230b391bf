//! The publishable fields of a member and sets of them.
//!
//! The publish policy (`[publish]` in roster.toml) and a member's `private` list are both
//! [`FieldSet`]s; every output asks [`FieldSet::contains`] before writing a value.

use std::fmt;

/// A field of a member that a publish policy can allow or withhold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Name,
    Post,
    Duties,
    OfficePhone,
    Mobile,
    Office,
    Hours,
}

impl Field {
    pub const ALL: [Field; 7] =
        [Field::Name, Field::Post, Field::Duties, Field::OfficePhone, Field::Mobile, Field::Office, Field::Hours];

    /// Names as written in roster.toml and `private`.
    pub const NAMES: [&'static str; 7] = ["name", "post", "duties", "office_phone", "mobile", "office", "hours"];

    pub fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    pub fn from_name(name: &str) -> Option<Field> {
        Self::NAMES.iter().position(|n| *n == name).map(|i| Self::ALL[i])
    }

    /// Name and post identify a member; they cannot be withheld.
    pub fn is_identity(self) -> bool {
        matches!(self, Field::Name | Field::Post)
    }

    pub fn is_phone(self) -> bool {
        matches!(self, Field::Mobile | Field::OfficePhone)
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A set of fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct FieldSet(u8);

impl FieldSet {
    pub const EMPTY: FieldSet = FieldSet(0);

    pub fn all() -> FieldSet {
        Field::ALL.into_iter().collect()
    }

    pub fn contains(self, field: Field) -> bool {
        self.0 & (1 << field as u8) != 0
    }

    pub fn insert(&mut self, field: Field) {
        self.0 |= 1 << field as u8;
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The fields in both sets.
    pub fn intersect(self, other: FieldSet) -> FieldSet {
        FieldSet(self.0 & other.0)
    }

    /// The fields of `self` that are not in `other`.
    pub fn without(self, other: FieldSet) -> FieldSet {
        FieldSet(self.0 & !other.0)
    }

    pub fn iter(self) -> impl Iterator<Item = Field> {
        Field::ALL.into_iter().filter(move |f| self.contains(*f))
    }
}

impl FromIterator<Field> for FieldSet {
    fn from_iter<I: IntoIterator<Item = Field>>(iter: I) -> Self {
        let mut set = FieldSet::EMPTY;
        for f in iter {
            set.insert(f);
        }
        set
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for f in Field::ALL {
            assert_eq!(Field::from_name(f.as_str()), Some(f));
        }
        assert_eq!(Field::from_name("phone"), None);
    }

    #[test]
    fn set_operations() {
        let a: FieldSet = [Field::Name, Field::Mobile].into_iter().collect();
        let b: FieldSet = [Field::Mobile].into_iter().collect();
        assert!(a.contains(Field::Mobile) && !a.contains(Field::Post));
        assert_eq!(a.without(b).iter().collect::<Vec<_>>(), [Field::Name]);
        assert_eq!(a.intersect(b), b);
        assert_eq!(FieldSet::all().iter().count(), 7);
    }
}
