//! The guest's cart: what they picked, before it becomes an order.

use crate::api::{ChosenOption, Menu, OrderLine};
use crate::pricing::{assemble, price_line, OrderProblem, PricedLine, PricedOrder, MAX_COUNT};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartLine {
    pub item_id: String,
    pub options: Vec<ChosenOption>,
    pub count: u32,
    pub memo: String,
}

/// What makes two lines the same choice, the count aside: such lines are one line, and a
/// line keeps its key while its count changes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LineKey {
    item_id: String,
    options: Vec<ChosenOption>,
    memo: String,
}

impl CartLine {
    pub fn key(&self) -> LineKey {
        LineKey {
            item_id: self.item_id.clone(),
            options: self.options.clone(),
            memo: self.memo.clone(),
        }
    }
}

/// A cart priced: each line, and the order they make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PricedCart {
    pub lines: Vec<Result<PricedLine, OrderProblem>>,
    pub order: Result<PricedOrder, OrderProblem>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cart {
    pub lines: Vec<CartLine>,
    pub memo: String,
}

impl Cart {
    /// Adds a line; the same item with the same options and memo just counts up (to 99).
    pub fn add(&mut self, line: CartLine) {
        let key = line.key();
        let same = self.lines.iter_mut().find(|l| l.key() == key);
        match same {
            Some(l) => l.count = l.count.saturating_add(line.count).min(MAX_COUNT),
            None => self.lines.push(CartLine {
                count: line.count.clamp(1, MAX_COUNT),
                ..line
            }),
        }
    }

    /// Sets a line's count; 0 removes it.
    pub fn set_count(&mut self, index: usize, count: u32) {
        if count == 0 {
            self.remove(index);
        } else if let Some(l) = self.lines.get_mut(index) {
            l.count = count.min(MAX_COUNT);
        }
    }

    pub fn remove(&mut self, index: usize) {
        if index < self.lines.len() {
            self.lines.remove(index);
        }
    }

    /// Where the line with this key is now.
    pub fn position(&self, key: &LineKey) -> Option<usize> {
        self.lines.iter().position(|l| l.key() == *key)
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// How many things are in it, counting each line's count.
    pub fn count(&self) -> u32 {
        self.lines.iter().map(|l| l.count).sum()
    }

    pub fn order_lines(&self) -> Vec<OrderLine> {
        self.lines
            .iter()
            .map(|l| OrderLine {
                item_id: l.item_id.clone(),
                count: l.count,
                options: l.options.clone(),
                memo: (!l.memo.trim().is_empty()).then(|| l.memo.trim().to_string()),
            })
            .collect()
    }

    pub fn order_memo(&self) -> Option<String> {
        (!self.memo.trim().is_empty()).then(|| self.memo.trim().to_string())
    }

    /// Priced from the menu, with the same rules the server applies: each line on its own
    /// (so a guest sees which one cannot be ordered), and the order as a whole.
    pub fn price(&self, menu: &Menu) -> PricedCart {
        let lines: Vec<_> = self
            .order_lines()
            .iter()
            .map(|l| price_line(&menu.categories, l))
            .collect();
        let order = assemble(
            lines.len(),
            lines.iter().cloned(),
            self.order_memo().as_deref(),
        );
        PricedCart { lines, order }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(item: &str, count: u32, memo: &str) -> CartLine {
        CartLine {
            item_id: item.into(),
            options: vec![],
            count,
            memo: memo.into(),
        }
    }

    #[test]
    fn same_choices_count_up_different_ones_stay_apart() {
        let mut cart = Cart::default();
        cart.add(line("A", 1, ""));
        cart.add(line("A", 2, ""));
        cart.add(line("A", 1, "덜 맵게"));
        assert_eq!(cart.lines.len(), 2);
        assert_eq!(cart.lines[0].count, 3);
        assert_eq!(cart.count(), 4);
        cart.add(line("A", 98, ""));
        assert_eq!(cart.lines[0].count, MAX_COUNT);
    }

    #[test]
    fn counts_change_and_zero_removes() {
        let mut cart = Cart::default();
        cart.add(line("A", 1, ""));
        cart.add(line("B", 1, ""));
        cart.set_count(0, 5);
        assert_eq!(cart.lines[0].count, 5);
        cart.set_count(0, 0);
        assert_eq!(cart.lines.len(), 1);
        assert_eq!(cart.lines[0].item_id, "B");
        cart.remove(7);
        assert_eq!(cart.lines.len(), 1);
    }

    #[test]
    fn memos_are_trimmed_into_the_order() {
        let mut cart = Cart {
            memo: "  ".into(),
            ..Cart::default()
        };
        cart.add(line("A", 1, " 얼음 빼고 "));
        assert_eq!(cart.order_lines()[0].memo.as_deref(), Some("얼음 빼고"));
        assert_eq!(cart.order_memo(), None);
    }
}
