//! What the POS checks of an order's items, counts and sums.

use super::*;

pub(super) fn required(v: Option<i64>, what: &str) -> Result<i64, PosError> {
    v.ok_or_else(|| PosError::BadRequest(format!("{what} is required")))
}

pub(super) fn count(v: Option<i64>, what: &str) -> Result<i64, PosError> {
    match v {
        Some(n) if (1..=9_999).contains(&n) => Ok(n),
        _ => Err(PosError::BadItem(format!(
            "{what} must be a count of at least 1: {v:?}"
        ))),
    }
}

/// Checks one order line against the menu; returns what the guest pays for it. Only a strict
/// POS also checks the amounts the partner wrote: the real one takes the client's own sums.
pub(super) fn price_line(
    menu: &MenuItem,
    line: &crate::wire::OrderItem,
    strict: bool,
) -> Result<i64, PosError> {
    let id = &menu.item_id;
    if menu.sold_out_yn.as_deref() == Some("Y") {
        return Err(PosError::BadItem(format!("{id} 품절")));
    }
    let cnt = count(line.item_cnt, "ITEM_CNT")?;
    let base = menu.item_amt;
    let groups: Vec<_> = menu
        .additive_group_list
        .iter()
        .flatten()
        .filter(|g| shown(&g.additive_group_use_flag))
        .collect();
    let mut options = 0i64;
    let mut per_group: BTreeMap<&str, i64> = BTreeMap::new();
    for add in &line.additive_item_list {
        let group = groups
            .iter()
            .find(|g| g.additive_group_code == add.rule_id)
            .ok_or_else(|| PosError::BadItem(format!("{id}: no option group {}", add.rule_id)))?;
        let option = group
            .additive_item_list
            .iter()
            .filter(|a| shown(&a.additive_use_flag))
            .find(|a| a.additive_id == add.additive_id)
            .ok_or_else(|| PosError::BadItem(format!("{id}: no option {}", add.additive_id)))?;
        let price = option.additive_sale_price;
        if strict && required(add.additive_price, "ADDITIVE_PRICE")? != price {
            return Err(PosError::BadItem(format!(
                "{id}: price of {} is {price}",
                add.additive_id
            )));
        }
        let n = count(add.additive_cnt, "ADDITIVE_CNT")?;
        *per_group
            .entry(group.additive_group_code.as_str())
            .or_default() += n;
        options += price * n;
    }
    for g in &groups {
        let picked = per_group
            .get(g.additive_group_code.as_str())
            .copied()
            .unwrap_or(0);
        let (min, max) = g.bounds();
        if picked < i64::from(min) || picked > i64::from(max) {
            return Err(PosError::BadItem(format!(
                "{id}: {} needs {min}..={max} options, got {picked}",
                g.additive_group_code
            )));
        }
    }
    if strict {
        // A set menu's SALE_PRICE is the parent's price only; its options are charged beside it.
        let set = menu.item_set_gbn == "Y";
        let unit = if set { base } else { base + options };
        if required(line.sale_price, "SALE_PRICE")? != unit {
            return Err(PosError::BadItem(format!(
                "{id}: SALE_PRICE should be {unit}"
            )));
        }
        if required(line.sale_amt, "SALE_AMT")? != unit * cnt {
            return Err(PosError::BadItem(format!(
                "{id}: SALE_AMT should be {}",
                unit * cnt
            )));
        }
    }
    Ok((base + options) * cnt)
}

impl Pos {
    pub(super) fn check_amounts(&self, body: &OrderBody, prepaid: bool) -> Result<(), PosError> {
        // (assumed) A staff call with no reason listed on the POS: the memo says it all.
        let staff_call = body.order_memo.starts_with(STAFF_CALL_MEMO);
        if body.item_list.is_empty() && !staff_call {
            return Err(PosError::BadItem("ITEM_LIST is empty".into()));
        }
        let mut total = 0i64;
        for line in &body.item_list {
            let menu = self
                .fixture
                .shown_item(&line.item_id)
                .ok_or_else(|| PosError::BadItem(format!("no item {}", line.item_id)))?;
            total += price_line(menu, line, self.strict)?;
        }
        if !self.strict {
            return Ok(());
        }
        let org = required(body.org_order_pay_amt, "ORG_ORDER_PAY_AMT")?;
        if org != total {
            return Err(PosError::BadItem(format!(
                "ORG_ORDER_PAY_AMT should be {total}"
            )));
        }
        let to_pay = total - body.disc_amt.unwrap_or(0);
        if required(body.order_pay_amt, "ORDER_PAY_AMT")? != to_pay {
            return Err(PosError::BadItem(format!(
                "ORDER_PAY_AMT should be {to_pay}"
            )));
        }
        if prepaid {
            let mut paid = 0i64;
            for p in body.ord_pay_list.iter().filter(|p| p.can_flag != "Y") {
                paid += required(p.sale_amt, "ORD_PAY_LIST SALE_AMT")?;
            }
            if body.ord_pay_list.is_empty() || paid != to_pay {
                return Err(PosError::BadItem(format!(
                    "payments total {paid}, order is {to_pay}"
                )));
            }
        }
        Ok(())
    }
}
