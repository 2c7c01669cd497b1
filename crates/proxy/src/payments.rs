//! What a tablet says was paid, checked before it goes to the POS: a cash payment staff
//! confirmed, or the card terminal's approvals, which must add up to the order as priced.

use crate::kst;
use crate::upstream::{PaymentKind, PaymentRecord};
use chrono::{DateTime, FixedOffset};
use order_core::{Approval, Won};
use std::time::Duration;

/// An approval older than this is not this order's (a terminal hands it over at once).
pub const APPROVAL_FRESH_FOR: Duration = Duration::from_secs(15 * 60);
/// A terminal's clock may run this far ahead of ours.
const APPROVAL_CLOCK_SKEW: Duration = Duration::from_secs(5 * 60);
/// A split payment has at most this many parts.
const MAX_APPROVALS: usize = 10;
/// The longest instalment plan a Korean card offers.
const MAX_INSTALMENT_MONTHS: u8 = 36;
/// Field lengths as a terminal gives them, with room to spare.
const MAX_APPROVAL_NO: usize = 20;
const MAX_TERMINAL_ID: usize = 20;
const MAX_CARD_NO_MASKED: usize = 24;
const MAX_CARD_COMPANY: usize = 40;
const MAX_COMPANY_CODE: usize = 10;
const MAX_MERCHANT_NO: usize = 20;
/// The terminal's card payment types and document kinds, as the real client sends them.
const CARD_PAY_TYPES: [&str; 5] = ["", "M", "I", "R", "X"];
const DDCEDI_KINDS: [&str; 6] = ["", "D", "E", "C", "N", "S"];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PaymentProblem {
    #[error("a prepaid order needs 1 to {MAX_APPROVALS} payment approvals")]
    ApprovalCount,
    #[error("approvedAt must be yyyyMMddHHmmss, not {0:?}")]
    Stamp(String),
    #[error("a payment approval has a missing or malformed field")]
    Field,
    #[error("payments too large")]
    Overflow,
    #[error("the payments ({paid}) do not match the order as priced ({total})")]
    Mismatch { paid: i64, total: i64 },
    /// Not this order's: too old, or from a clock far ahead.
    #[error("approval {approval_no} was made at {approved_at}: only an approval from the last {} minutes pays for a new order", APPROVAL_FRESH_FOR.as_secs() / 60)]
    NotFresh {
        approval_no: String,
        approved_at: String,
    },
}

/// Korean prices include 10% VAT: the VAT part of a VAT-inclusive amount.
fn vat_of(amount: Won) -> Won {
    Won((amount.0 + 5) / 11)
}

/// `yyyyMMddHHmmss` → (`yyyyMMdd`, `HHmmss`).
fn split_stamp(stamp: &str) -> Option<(String, String)> {
    (stamp.len() == 14 && stamp.bytes().all(|b| b.is_ascii_digit()))
        .then(|| (stamp[..8].to_string(), stamp[8..].to_string()))
}

/// Cash for the whole order, taken now (staff confirmed it with their PIN).
pub fn cash(total: Won, now: DateTime<FixedOffset>) -> PaymentRecord {
    PaymentRecord {
        kind: PaymentKind::Cash,
        amount: total,
        vat: vat_of(total),
        terminal_id: String::new(),
        approval_no: String::new(),
        approval_date: now.format("%Y%m%d").to_string(),
        approval_time: now.format("%H%M%S").to_string(),
        card_no_masked: String::new(),
        issuer: String::new(),
        acquirer: String::new(),
        instalment_months: 0,
        acquirer_code: String::new(),
        issuer_code: String::new(),
        merchant_no: String::new(),
        card_pay_type: String::new(),
        ddcedi: String::new(),
    }
}

/// The card terminal's approvals for an order of `total`. `admitted`: the approvals (day,
/// number) this order already holds from an earlier try, which may be older by now.
pub fn card(
    approvals: &[Approval],
    total: Won,
    admitted: &[(String, String)],
    now: DateTime<FixedOffset>,
) -> Result<Vec<PaymentRecord>, PaymentProblem> {
    if approvals.is_empty() || approvals.len() > MAX_APPROVALS {
        return Err(PaymentProblem::ApprovalCount);
    }
    let mut records = Vec::with_capacity(approvals.len());
    let mut paid = Won::ZERO;
    for a in approvals {
        let (date, time) = valid_fields(a)?;
        if !admitted.contains(&(date.clone(), a.approval_no.clone())) {
            check_fresh(&a.approval_no, &date, &time, now)?;
        }
        paid = paid.checked_add(a.amount).ok_or(PaymentProblem::Overflow)?;
        records.push(PaymentRecord {
            kind: PaymentKind::Card,
            amount: a.amount,
            // The terminal's figure; computed only when it gave none.
            vat: a.vat.unwrap_or_else(|| vat_of(a.amount)),
            terminal_id: a.terminal_id.clone(),
            approval_no: a.approval_no.clone(),
            approval_date: date,
            approval_time: time,
            card_no_masked: a.card_no_masked.clone(),
            issuer: a.issuer.clone(),
            acquirer: a.acquirer.clone(),
            instalment_months: a.instalment_months,
            acquirer_code: a.acquirer_code.clone(),
            issuer_code: a.issuer_code.clone(),
            merchant_no: a.merchant_no.clone(),
            card_pay_type: a.card_pay_type.clone(),
            ddcedi: a.ddcedi.clone(),
        });
    }
    if paid != total {
        return Err(PaymentProblem::Mismatch {
            paid: paid.0,
            total: total.0,
        });
    }
    Ok(records)
}

/// Every field within its limits; the approval's day and time.
fn valid_fields(a: &Approval) -> Result<(String, String), PaymentProblem> {
    let stamp =
        split_stamp(&a.approved_at).ok_or_else(|| PaymentProblem::Stamp(a.approved_at.clone()))?;
    let plain = |s: &str, max: usize| s.len() <= max && !s.chars().any(char::is_control);
    let fields_ok = !a.approval_no.is_empty()
        && plain(&a.approval_no, MAX_APPROVAL_NO)
        && plain(&a.terminal_id, MAX_TERMINAL_ID)
        && plain(&a.card_no_masked, MAX_CARD_NO_MASKED)
        && plain(&a.issuer, MAX_CARD_COMPANY)
        && plain(&a.acquirer, MAX_CARD_COMPANY)
        && plain(&a.acquirer_code, MAX_COMPANY_CODE)
        && plain(&a.issuer_code, MAX_COMPANY_CODE)
        && plain(&a.merchant_no, MAX_MERCHANT_NO)
        && CARD_PAY_TYPES.contains(&a.card_pay_type.as_str())
        && DDCEDI_KINDS.contains(&a.ddcedi.as_str())
        && a.vat.is_none_or(|v| v.0 >= 0 && v <= a.amount)
        && a.instalment_months <= MAX_INSTALMENT_MONTHS
        && a.amount.0 > 0;
    if fields_ok {
        Ok(stamp)
    } else {
        Err(PaymentProblem::Field)
    }
}

/// A first-time approval must be recent (and not from the future).
fn check_fresh(
    approval_no: &str,
    date: &str,
    time: &str,
    now: DateTime<FixedOffset>,
) -> Result<(), PaymentProblem> {
    let approved =
        kst::from_pos(date, time).ok_or_else(|| PaymentProblem::Stamp(format!("{date}{time}")))?;
    let age = now.signed_duration_since(approved);
    let too_old = age.to_std().is_ok_and(|age| age > APPROVAL_FRESH_FOR);
    let ahead = (-age)
        .to_std()
        .is_ok_and(|ahead| ahead > APPROVAL_CLOCK_SKEW);
    if too_old || ahead {
        return Err(PaymentProblem::NotFresh {
            approval_no: approval_no.to_string(),
            approved_at: approved.to_string(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn approval(no: &str, amount: i64, at: &str) -> Approval {
        Approval {
            amount: Won(amount),
            approval_no: no.into(),
            approved_at: at.into(),
            ..Approval::default()
        }
    }

    fn now() -> DateTime<FixedOffset> {
        kst::from_pos("20261130", "120000").unwrap()
    }

    #[test]
    fn approvals_must_add_up_to_the_priced_total() {
        let split = [
            approval("A1", 6_000, "20261130115900"),
            approval("A2", 4_000, "20261130115930"),
        ];
        let records = card(&split, Won(10_000), &[], now()).unwrap();
        assert_eq!(records.len(), 2);
        assert_eq!(records[0].vat, Won(545));
        assert_eq!(
            card(&split, Won(11_000), &[], now()),
            Err(PaymentProblem::Mismatch {
                paid: 10_000,
                total: 11_000
            })
        );
        let many: Vec<_> = (0..=MAX_APPROVALS)
            .map(|i| approval(&format!("A{i}"), 1_000, "20261130115900"))
            .collect();
        assert_eq!(
            card(&many, Won(11_000), &[], now()),
            Err(PaymentProblem::ApprovalCount)
        );
        assert_eq!(
            card(&[], Won(0), &[], now()),
            Err(PaymentProblem::ApprovalCount)
        );
    }

    #[test]
    fn an_old_approval_pays_only_for_the_order_that_already_holds_it() {
        let old = [approval("A1", 10_000, "20261130113000")];
        assert!(matches!(
            card(&old, Won(10_000), &[], now()),
            Err(PaymentProblem::NotFresh { .. })
        ));
        let held = [("20261130".to_string(), "A1".to_string())];
        assert!(card(&old, Won(10_000), &held, now()).is_ok());
        let ahead = [approval("A2", 10_000, "20261130121000")];
        assert!(matches!(
            card(&ahead, Won(10_000), &[], now()),
            Err(PaymentProblem::NotFresh { .. })
        ));
    }

    #[test]
    fn malformed_fields_are_refused() {
        let mut a = approval("A1", 10_000, "20261130115900");
        a.instalment_months = MAX_INSTALMENT_MONTHS + 1;
        assert_eq!(
            card(&[a], Won(10_000), &[], now()),
            Err(PaymentProblem::Field)
        );
        let mut a = approval("A1", 10_000, "20261130115900");
        a.card_pay_type = "Z".into();
        assert_eq!(
            card(&[a], Won(10_000), &[], now()),
            Err(PaymentProblem::Field)
        );
        let a = approval("A1", 10_000, "2026-11-30");
        assert!(matches!(
            card(&[a], Won(10_000), &[], now()),
            Err(PaymentProblem::Stamp(_))
        ));
    }

    #[test]
    fn cash_is_the_whole_total_now() {
        let r = cash(Won(11_000), now());
        assert_eq!((r.amount, r.vat), (Won(11_000), Won(1_000)));
        assert_eq!(
            (r.approval_date.as_str(), r.approval_time.as_str()),
            ("20261130", "120000")
        );
    }
}
