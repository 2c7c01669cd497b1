//! What the guest reads when something cannot be done: always in the guest's language.
//! The Rust errors' own texts and the server's messages are for developers, never shown.

use crate::api::ApiFailure;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_i18n::I18nContext;
use order_core::pricing::{ChoiceProblem, OrderProblem};
use order_core::{ChoiceRule, ErrorCode, OptionGroup};

/// A refusal by the server, by its code.
pub fn refusal_text(code: ErrorCode, i18n: I18nContext<Locale>) -> AnyView {
    match code {
        ErrorCode::SoldOut => t!(i18n, err_sold_out).into_any(),
        ErrorCode::UnknownItem => t!(i18n, err_unknown_item).into_any(),
        ErrorCode::BadOptions => t!(i18n, err_bad_options).into_any(),
        ErrorCode::InvalidRequest | ErrorCode::TooLarge => t!(i18n, err_invalid_request).into_any(),
        ErrorCode::NotFound => t!(i18n, err_not_found).into_any(),
        ErrorCode::OrderTooLarge => t!(i18n, err_order_too_large).into_any(),
        ErrorCode::DeviceRequired => t!(i18n, err_device_required).into_any(),
        ErrorCode::ApprovalRejected => t!(i18n, err_approval_rejected).into_any(),
        _ => t!(i18n, err_other).into_any(),
    }
}

/// Why the page could not load: offline, or come back later.
pub fn load_failure_text(failure: &ApiFailure, i18n: I18nContext<Locale>) -> AnyView {
    match failure {
        ApiFailure::Network(_) => t!(i18n, offline).into_any(),
        ApiFailure::Refused { .. } | ApiFailure::Unexpected(_) => {
            t!(i18n, try_again_later).into_any()
        }
    }
}

/// How many options a group asks for.
pub fn choice_rule_text(group: &OptionGroup, i18n: I18nContext<Locale>) -> AnyView {
    match group.rule() {
        ChoiceRule::ExactlyOne => t!(i18n, choose_one).into_any(),
        ChoiceRule::UpTo(max) => t!(i18n, choose_up_to, max = move || max).into_any(),
        ChoiceRule::Between(min, max) => {
            t!(i18n, choose_range, min = move || min, max = move || max).into_any()
        }
    }
}

/// Why the picks for one item are not complete yet.
pub fn choice_problem_text(problem: &ChoiceProblem, i18n: I18nContext<Locale>) -> AnyView {
    match problem.clone() {
        ChoiceProblem::TooFew { group, min } => t!(
            i18n,
            options_required,
            group = move || group.clone(),
            min = move || min
        )
        .into_any(),
        ChoiceProblem::TooMany { group, max } => t!(
            i18n,
            options_too_many,
            group = move || group.clone(),
            max = move || max
        )
        .into_any(),
        ChoiceProblem::Repeated(_)
        | ChoiceProblem::UnknownGroup(_)
        | ChoiceProblem::UnknownOption { .. }
        | ChoiceProblem::ZeroCount => refusal_text(ErrorCode::BadOptions, i18n),
    }
}

/// Why the cart cannot be ordered as it is.
pub fn order_problem_text(problem: &OrderProblem, i18n: I18nContext<Locale>) -> AnyView {
    match problem {
        OrderProblem::Empty => t!(i18n, cart_empty).into_any(),
        // What the server would refuse it with, said as for a refusal.
        OrderProblem::SoldOut(_)
        | OrderProblem::UnknownItem(_)
        | OrderProblem::BadOptions { .. } => refusal_text(problem.code(), i18n),
        OrderProblem::MemoTooLong { .. } | OrderProblem::MemoNotText => {
            t!(i18n, problem_memo).into_any()
        }
        OrderProblem::TooManyLines | OrderProblem::BadCount { .. } | OrderProblem::Overflow => {
            t!(i18n, err_order_too_large).into_any()
        }
    }
}
