//! Prices an order from the menu alone: the guest says what, the menu says how much.
//!
//! The proxy builds the upstream order from this, so a tampered request cannot change what is
//! charged; the widget uses the same rules to say why a choice is not complete yet.

use crate::api::{find_item, Category, ChosenOption, ErrorCode, Item, OptionGroup, OrderLine};
use crate::money::Won;
use std::collections::BTreeMap;

pub const MAX_COUNT: u32 = 99;
pub const MAX_LINES: usize = 50;
pub const MAX_LINE_MEMO_CHARS: usize = 100;
pub const MAX_ORDER_MEMO_CHARS: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrderProblem {
    #[error("the order has no lines")]
    Empty,
    #[error("an order has at most {MAX_LINES} lines")]
    TooManyLines,
    #[error("no item {0} on the menu")]
    UnknownItem(String),
    #[error("{0} is sold out")]
    SoldOut(String),
    #[error("count of {item} must be 1 to {MAX_COUNT}")]
    BadCount { item: String },
    #[error("options of {item}: {reason}")]
    BadOptions { item: String, reason: ChoiceProblem },
    #[error("a memo is at most {max} characters")]
    MemoTooLong { max: usize },
    #[error("a memo is plain text (no control characters)")]
    MemoNotText,
    #[error("the total is too large")]
    Overflow,
}

impl OrderProblem {
    pub fn code(&self) -> ErrorCode {
        match self {
            OrderProblem::UnknownItem(_) => ErrorCode::UnknownItem,
            OrderProblem::SoldOut(_) => ErrorCode::SoldOut,
            OrderProblem::BadOptions { .. } => ErrorCode::BadOptions,
            _ => ErrorCode::InvalidRequest,
        }
    }
}

/// Why a set of picks does not satisfy an item's option groups.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChoiceProblem {
    #[error("{group}: choose at least {min}")]
    TooFew { group: String, min: u32 },
    #[error("{group}: choose at most {max}")]
    TooMany { group: String, max: u32 },
    #[error("no option group {0}")]
    UnknownGroup(String),
    #[error("no option {option} in {group}")]
    UnknownOption { group: String, option: String },
    #[error("option {0} chosen twice")]
    Repeated(String),
    #[error("an option count must be at least 1")]
    ZeroCount,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PricedOption {
    pub group_id: String,
    pub option_id: String,
    pub name: String,
    pub price: Won,
    pub count: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PricedLine {
    pub item_id: String,
    pub name: String,
    pub set_menu: bool,
    pub item_price: Won,
    pub options: Vec<PricedOption>,
    pub count: u32,
    pub memo: String,
}

/// What the options add to one of an item.
pub fn options_price(options: &[PricedOption]) -> Won {
    options.iter().map(|o| o.price * o.count).sum()
}

impl PricedLine {
    /// What the options add to one of this item.
    pub fn options_price(&self) -> Won {
        options_price(&self.options)
    }

    /// The item and its options, for one.
    pub fn unit_price(&self) -> Won {
        self.item_price + self.options_price()
    }

    pub fn amount(&self) -> Won {
        self.unit_price() * self.count
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PricedOrder {
    pub lines: Vec<PricedLine>,
    pub memo: String,
    pub total: Won,
}

/// Checks the picks for one item against its option groups' min/max.
pub fn check_choice(
    item: &Item,
    picks: &[ChosenOption],
) -> Result<Vec<PricedOption>, ChoiceProblem> {
    let mut per_group: BTreeMap<&str, u32> = BTreeMap::new();
    let mut priced = Vec::with_capacity(picks.len());
    for (i, pick) in picks.iter().enumerate() {
        let group = item
            .option_group(&pick.group_id)
            .ok_or_else(|| ChoiceProblem::UnknownGroup(pick.group_id.clone()))?;
        let option = group
            .option(&pick.option_id)
            .ok_or_else(|| ChoiceProblem::UnknownOption {
                group: group.name.clone(),
                option: pick.option_id.clone(),
            })?;
        if pick.count == 0 {
            return Err(ChoiceProblem::ZeroCount);
        }
        if picks[..i]
            .iter()
            .any(|p| p.group_id == pick.group_id && p.option_id == pick.option_id)
        {
            return Err(ChoiceProblem::Repeated(option.name.clone()));
        }
        let n = per_group.entry(group.id.as_str()).or_default();
        *n = n.saturating_add(pick.count);
        priced.push(PricedOption {
            group_id: group.id.clone(),
            option_id: option.id.clone(),
            name: option.name.clone(),
            price: option.price,
            count: pick.count,
        });
    }
    for group in &item.option_groups {
        check_group(
            group,
            per_group.get(group.id.as_str()).copied().unwrap_or(0),
        )?;
    }
    Ok(priced)
}

fn check_group(group: &OptionGroup, picked: u32) -> Result<(), ChoiceProblem> {
    if picked < group.min {
        return Err(ChoiceProblem::TooFew {
            group: group.name.clone(),
            min: group.min,
        });
    }
    if picked > group.max {
        return Err(ChoiceProblem::TooMany {
            group: group.name.clone(),
            max: group.max,
        });
    }
    Ok(())
}

fn check_memo(memo: Option<&str>, max: usize) -> Result<String, OrderProblem> {
    let memo = memo.unwrap_or_default().trim();
    if memo.chars().count() > max {
        return Err(OrderProblem::MemoTooLong { max });
    }
    if memo.chars().any(|c| c.is_control() && c != '\n') {
        return Err(OrderProblem::MemoNotText);
    }
    Ok(memo.to_string())
}

/// One line priced from the menu's categories.
pub fn price_line(categories: &[Category], line: &OrderLine) -> Result<PricedLine, OrderProblem> {
    let item = find_item(categories, &line.item_id)
        .ok_or_else(|| OrderProblem::UnknownItem(line.item_id.clone()))?;
    if item.sold_out {
        return Err(OrderProblem::SoldOut(item.name.clone()));
    }
    if !(1..=MAX_COUNT).contains(&line.count) {
        return Err(OrderProblem::BadCount {
            item: item.name.clone(),
        });
    }
    let options = check_choice(item, &line.options).map_err(|reason| OrderProblem::BadOptions {
        item: item.name.clone(),
        reason,
    })?;
    Ok(PricedLine {
        item_id: item.id.clone(),
        name: item.name.clone(),
        set_menu: item.set_menu,
        item_price: item.price,
        options,
        count: line.count,
        memo: check_memo(line.memo.as_deref(), MAX_LINE_MEMO_CHARS)?,
    })
}

/// The whole order priced from the menu's categories; the request's own idea of prices is
/// never asked.
pub fn price_order(
    categories: &[Category],
    lines: &[OrderLine],
    memo: Option<&str>,
) -> Result<PricedOrder, OrderProblem> {
    assemble(
        lines.len(),
        lines.iter().map(|l| price_line(categories, l)),
        memo,
    )
}

/// An order of `count` lines, from each line priced (or its problem, the first of which is
/// the order's), its total and its memo checked.
pub fn assemble(
    count: usize,
    lines: impl Iterator<Item = Result<PricedLine, OrderProblem>>,
    memo: Option<&str>,
) -> Result<PricedOrder, OrderProblem> {
    if count == 0 {
        return Err(OrderProblem::Empty);
    }
    if count > MAX_LINES {
        return Err(OrderProblem::TooManyLines);
    }
    let lines = lines.collect::<Result<Vec<_>, _>>()?;
    let mut total = Won::ZERO;
    for line in &lines {
        let amount = line
            .unit_price()
            .checked_mul(line.count)
            .ok_or(OrderProblem::Overflow)?;
        total = total.checked_add(amount).ok_or(OrderProblem::Overflow)?;
    }
    Ok(PricedOrder {
        lines,
        memo: check_memo(memo, MAX_ORDER_MEMO_CHARS)?,
        total,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{
        menu, CHEESE, EGG, KIMCHI_STEW, MAKGEOLLI, MILD, PORK_BELLY, SPICINESS, TOPPINGS, VERY_HOT,
    };

    fn pick(g: &str, o: &str, count: u32) -> ChosenOption {
        ChosenOption {
            group_id: g.into(),
            option_id: o.into(),
            count,
        }
    }

    fn line(item: &str, count: u32, options: Vec<ChosenOption>) -> OrderLine {
        OrderLine {
            item_id: item.into(),
            count,
            options,
            memo: None,
        }
    }

    #[test]
    fn prices_items_with_options_from_the_menu() {
        let order = price_order(
            &menu().categories,
            &[
                line(
                    KIMCHI_STEW,
                    2,
                    vec![
                        pick(SPICINESS, VERY_HOT, 1),
                        pick(TOPPINGS, CHEESE, 1),
                        pick(TOPPINGS, EGG, 1),
                    ],
                ),
                line(PORK_BELLY, 1, vec![]),
            ],
            Some("  물 주세요 "),
        )
        .unwrap();
        assert_eq!(order.lines[0].unit_price(), Won(12_500));
        assert_eq!(order.lines[0].amount(), Won(25_000));
        assert_eq!(order.total, Won(41_000));
        assert_eq!(order.memo, "물 주세요");
    }

    #[test]
    fn enforces_option_group_min_and_max() {
        let m = menu();
        let k = m.item(KIMCHI_STEW).unwrap();
        assert!(matches!(
            check_choice(k, &[]),
            Err(ChoiceProblem::TooFew { min: 1, .. })
        ));
        let two_spicy = [pick(SPICINESS, MILD, 1), pick(SPICINESS, VERY_HOT, 1)];
        assert!(matches!(
            check_choice(k, &two_spicy),
            Err(ChoiceProblem::TooMany { max: 1, .. })
        ));
        let three_toppings = [
            pick(SPICINESS, MILD, 1),
            pick(TOPPINGS, CHEESE, 2),
            pick(TOPPINGS, EGG, 1),
        ];
        assert!(matches!(
            check_choice(k, &three_toppings),
            Err(ChoiceProblem::TooMany { max: 2, .. })
        ));
        let repeated = [
            pick(SPICINESS, MILD, 1),
            pick(TOPPINGS, CHEESE, 1),
            pick(TOPPINGS, CHEESE, 1),
        ];
        assert!(matches!(
            check_choice(k, &repeated),
            Err(ChoiceProblem::Repeated(_))
        ));
        assert!(matches!(
            check_choice(k, &[pick("R09", MILD, 1)]),
            Err(ChoiceProblem::UnknownGroup(_))
        ));
        assert!(matches!(
            check_choice(k, &[pick(SPICINESS, CHEESE, 1)]),
            Err(ChoiceProblem::UnknownOption { .. })
        ));
        assert!(matches!(
            check_choice(k, &[pick(SPICINESS, MILD, 0)]),
            Err(ChoiceProblem::ZeroCount)
        ));
        assert!(check_choice(k, &[pick(SPICINESS, MILD, 1)]).is_ok());
    }

    #[test]
    fn refuses_what_cannot_be_ordered() {
        let m = menu();
        let err = |lines: &[OrderLine]| price_order(&m.categories, lines, None).unwrap_err();
        assert_eq!(err(&[]), OrderProblem::Empty);
        assert_eq!(
            err(&[line("nope", 1, vec![])]).code(),
            ErrorCode::UnknownItem
        );
        assert_eq!(
            err(&[line(MAKGEOLLI, 1, vec![])]).code(),
            ErrorCode::SoldOut
        );
        assert_eq!(
            err(&[line(PORK_BELLY, 0, vec![])]).code(),
            ErrorCode::InvalidRequest
        );
        assert_eq!(
            err(&[line(PORK_BELLY, 100, vec![])]).code(),
            ErrorCode::InvalidRequest
        );
        assert_eq!(
            err(&[line(KIMCHI_STEW, 1, vec![])]).code(),
            ErrorCode::BadOptions
        );
        assert_eq!(
            err(&vec![line(PORK_BELLY, 1, vec![]); MAX_LINES + 1]),
            OrderProblem::TooManyLines
        );
        let mut long = line(PORK_BELLY, 1, vec![]);
        long.memo = Some("가".repeat(MAX_LINE_MEMO_CHARS + 1));
        assert!(matches!(err(&[long]), OrderProblem::MemoTooLong { .. }));
        assert!(price_order(
            &m.categories,
            &[line(PORK_BELLY, 1, vec![])],
            Some(&"x".repeat(201))
        )
        .is_err());
        let mut bell = line(PORK_BELLY, 1, vec![]);
        bell.memo = Some("a\u{7}b".into());
        assert_eq!(err(&[bell]), OrderProblem::MemoNotText);
        let mut two_lines = line(PORK_BELLY, 1, vec![]);
        two_lines.memo = Some("덜 맵게\n얼음 빼고".into());
        assert!(
            price_order(&m.categories, &[two_lines], None).is_ok(),
            "a line break is text"
        );
    }
}
