//! Phone numbers: parsed with the `phonenumber` crate (libphonenumber's metadata), stored as
//! E.164 for `tel:` links and vCards, shown in the national format people dial.

use phonenumber::{Mode, country};

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Phone {
    /// `+8613900000001`
    pub e164: String,
    /// `139 0000 0001`
    pub national: String,
}

impl Phone {
    /// Parses a number written in `region`'s national format or in international format.
    pub fn parse(text: &str, region: country::Id) -> Result<Phone, String> {
        let number = phonenumber::parse(Some(region), text).map_err(|e| e.to_string())?;
        if !phonenumber::is_valid(&number) {
            return Err("not a valid number (wrong length or unknown area code)".to_owned());
        }
        Ok(Phone {
            e164: number.format().mode(Mode::E164).to_string(),
            national: number.format().mode(Mode::National).to_string(),
        })
    }

    /// The digits of the E.164 form without `+`.
    pub fn digits(&self) -> &str {
        self.e164.trim_start_matches('+')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mobile_and_landline() {
        let m = Phone::parse("139 0000 0001", country::Id::CN).unwrap();
        assert_eq!(m.e164, "+8613900000001");
        assert_eq!(m.national, "139 0000 0001");
        let o = Phone::parse("028-3812 0001", country::Id::CN).unwrap();
        assert_eq!(o.e164, "+862838120001");
        assert_eq!(o.national, "028 3812 0001");
        assert_eq!(
            Phone::parse("+86 139 0000 0001", country::Id::CN).unwrap(),
            m
        );
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(Phone::parse("abc", country::Id::CN).is_err());
        assert!(Phone::parse("12345", country::Id::CN).is_err());
        assert!(Phone::parse("139 0000 00011", country::Id::CN).is_err());
    }
}
