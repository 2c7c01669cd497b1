//! Won as each language writes it: `12,000원` in Korean, `₩12,000` in the others.

use crate::i18n::Locale;
use order_core::Won;

pub fn won(locale: Locale, amount: Won) -> String {
    match locale {
        Locale::ko => amount.korean(),
        Locale::en | Locale::zh | Locale::ja => amount.international(),
    }
}
