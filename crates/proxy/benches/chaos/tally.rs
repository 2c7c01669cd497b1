//! What each guest was told, against what the POS holds: the promises kept or broken.

use super::Outcome;
use order_core::flow::Stage;
use pos_sim::pos::PosOrder;
use std::collections::HashMap;

/// One run's counts.
#[derive(Default)]
pub struct Tally {
    pub orders: usize,
    pub accepted: u64,
    pub not_placed: u64,
    pub by_store: u64,
    pub unconfirmed: u64,
    pub unconfirmed_on_pos: u64,
    pub duplicates: u64,
    pub silent: u64,
    pub phantoms: u64,
    pub sent_upstream: u64,
    pub resends: usize,
}

impl Tally {
    /// Counts every guest's attempts against the POS's orders (`all`); each broken promise
    /// is shown whole on stderr, against the host `name`.
    pub fn of(outcomes: &[Outcome], all: &[PosOrder], name: &str) -> Tally {
        let mut on_pos: HashMap<&str, u64> = HashMap::new();
        for o in all.iter().filter(|o| o.on_pos) {
            *on_pos.entry(o.mcht_order_no.as_str()).or_default() += 1;
        }
        // The POS knows each order by the partner's number it was sent under, not by its id.
        let landed = |id: &str| {
            let number = tableorder_proxy::upstream::partner_order_no("demo", id);
            on_pos.get(number.as_str()).copied().unwrap_or(0)
        };
        let mut t = Tally {
            orders: outcomes.len(),
            sent_upstream: all.len() as u64,
            resends: outcomes.iter().map(|o| o.attempts.len() - 1).sum(),
            ..Tally::default()
        };
        for o in outcomes {
            let total: u64 = o.attempts.iter().map(|(id, _)| landed(id)).sum();
            t.duplicates += total.saturating_sub(1);
            if total > 1 {
                explain("a duplicate", o, all, name);
            }
            for (id, stage) in &o.attempts {
                t.count(stage, landed(id), || explain_kind(stage, o, all, name));
            }
        }
        t
    }

    /// One attempt, told `stage`, with `landed` orders of it on the POS.
    fn count(&mut self, stage: &Stage, landed: u64, explain: impl FnOnce()) {
        match stage {
            Stage::Accepted { .. } => {
                self.accepted += 1;
                if landed == 0 {
                    self.silent += 1;
                    explain();
                }
            }
            Stage::CancelledByStore { .. } => self.by_store += 1,
            // Neither placed nor not: a busy table's list no longer shows it; staff look.
            Stage::Unconfirmed { .. } => {
                self.unconfirmed += 1;
                self.unconfirmed_on_pos += landed.min(1);
            }
            _ => {
                self.not_placed += 1;
                if landed > 0 {
                    self.phantoms += 1;
                    explain();
                }
            }
        }
    }

    /// Every promise kept: no order twice, none lost, none placed that was said not to be.
    pub fn kept(&self) -> bool {
        self.duplicates + self.silent + self.phantoms == 0
    }

    /// The counts as `name value unit` lines.
    pub fn report(&self, report: &mut String) {
        let mut figure = |line: String| {
            report.push_str(&line);
            report.push('\n');
        };
        figure(format!("chaos_orders {} orders", self.orders));
        figure(format!("chaos_accepted {} orders", self.accepted));
        figure(format!(
            "chaos_told_not_placed {} attempts",
            self.not_placed
        ));
        figure(format!("chaos_cancelled_by_store {} orders", self.by_store));
        figure(format!("chaos_unconfirmed {} orders", self.unconfirmed));
        figure(format!(
            "chaos_unconfirmed_on_pos {} orders",
            self.unconfirmed_on_pos
        ));
        figure(format!(
            "chaos_resends_after_not_delivered {} orders",
            self.resends
        ));
        figure(format!(
            "chaos_upstream_orders {} orders",
            self.sent_upstream
        ));
        figure(format!("chaos_duplicates {} orders", self.duplicates));
        figure(format!("chaos_silent_losses {} orders", self.silent));
        figure(format!("chaos_phantoms {} orders", self.phantoms));
    }
}

fn explain_kind(stage: &Stage, o: &Outcome, all: &[PosOrder], name: &str) {
    let what = match stage {
        Stage::Accepted { .. } => "a silent loss",
        _ => "a phantom",
    };
    explain(what, o, all, name);
}

/// A broken promise shown whole: each attempt, what the guest was told, what the POS has.
fn explain(what: &str, o: &Outcome, all: &[PosOrder], name: &str) {
    eprintln!("chaos: {what} against {name}");
    for (id, stage) in &o.attempts {
        eprintln!("  {id}: told {stage:?}");
        let number = tableorder_proxy::upstream::partner_order_no("demo", id);
        for p in all.iter().filter(|p| p.mcht_order_no == number) {
            eprintln!(
                "    on the POS side: {} at {} ({:?}, on_pos {})",
                p.order_no, p.table, p.stage, p.on_pos
            );
        }
    }
}
