//! What the guest reads when something cannot be done: always in the guest's language.
//! The Rust errors' own texts and the server's messages are for developers, never shown.

use crate::api::ApiFailure;
use crate::language::*;
use leptos::either::*;
use leptos::prelude::*;
use order_core::pricing::{ChoiceProblem, OrderProblem};
use order_core::{ChoiceRule, ErrorCode, OptionGroup};

/// A refusal by the server, by its code.
pub fn refusal_text(code: ErrorCode, i18n: I18n) -> impl IntoView {
    match code {
        ErrorCode::SoldOut => EitherOf9::A(t!(i18n, err_sold_out)),
        ErrorCode::UnknownItem => EitherOf9::B(t!(i18n, err_unknown_item)),
        ErrorCode::BadOptions => EitherOf9::C(t!(i18n, err_bad_options)),
        ErrorCode::InvalidRequest | ErrorCode::TooLarge => {
            EitherOf9::D(t!(i18n, err_invalid_request))
        }
        ErrorCode::NotFound => EitherOf9::E(t!(i18n, err_not_found)),
        ErrorCode::OrderTooLarge => EitherOf9::F(t!(i18n, err_order_too_large)),
        ErrorCode::DeviceRequired => EitherOf9::G(t!(i18n, err_device_required)),
        ErrorCode::ApprovalRejected => EitherOf9::H(t!(i18n, err_approval_rejected)),
        _ => EitherOf9::I(t!(i18n, err_other)),
    }
}

/// Why the page could not load: offline, or come back later.
pub fn load_failure_text(failure: &ApiFailure, i18n: I18n) -> impl IntoView {
    match failure {
        ApiFailure::Network(_) => Either::Left(t!(i18n, offline)),
        ApiFailure::Refused { .. } | ApiFailure::Unexpected(_) => {
            Either::Right(t!(i18n, try_again_later))
        }
    }
}

/// How many options a group asks for.
pub fn choice_rule_text(group: &OptionGroup, i18n: I18n) -> impl IntoView {
    match group.rule() {
        ChoiceRule::ExactlyOne => EitherOf3::A(t!(i18n, choose_one)),
        ChoiceRule::UpTo(max) => EitherOf3::B(t!(i18n, choose_up_to, max = move || max)),
        ChoiceRule::Between(min, max) => {
            EitherOf3::C(t!(i18n, choose_range, min = move || min, max = move || max))
        }
    }
}

/// Why the picks for one item are not complete yet.
pub fn choice_problem_text(problem: &ChoiceProblem, i18n: I18n) -> impl IntoView {
    match problem.clone() {
        ChoiceProblem::TooFew { group, min } => EitherOf3::A(t!(
            i18n,
            options_required,
            group = move || group.clone(),
            min = move || min
        )),
        ChoiceProblem::TooMany { group, max } => EitherOf3::B(t!(
            i18n,
            options_too_many,
            group = move || group.clone(),
            max = move || max
        )),
        ChoiceProblem::Repeated(_)
        | ChoiceProblem::UnknownGroup(_)
        | ChoiceProblem::UnknownOption { .. }
        | ChoiceProblem::ZeroCount => EitherOf3::C(refusal_text(ErrorCode::BadOptions, i18n)),
    }
}

/// Why the cart cannot be ordered as it is.
pub fn order_problem_text(problem: &OrderProblem, i18n: I18n) -> impl IntoView {
    match problem {
        OrderProblem::Empty => EitherOf4::A(t!(i18n, cart_empty)),
        // What the server would refuse it with, said as for a refusal.
        OrderProblem::SoldOut(_)
        | OrderProblem::UnknownItem(_)
        | OrderProblem::BadOptions { .. } => EitherOf4::B(refusal_text(problem.code(), i18n)),
        OrderProblem::MemoTooLong { .. } | OrderProblem::MemoNotText => {
            EitherOf4::C(t!(i18n, problem_memo))
        }
        OrderProblem::TooManyLines | OrderProblem::BadCount { .. } | OrderProblem::Overflow => {
            EitherOf4::D(t!(i18n, err_order_too_large))
        }
    }
}
