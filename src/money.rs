//! Won as each language writes it: `12,000원` in Korean, `₩12,000` in English.

use crate::i18n::Locale;
use order_core::Won;

pub fn won(locale: Locale, amount: Won) -> String {
    match locale {
        Locale::ko => amount.korean(),
        Locale::en => amount.international(),
    }
}
