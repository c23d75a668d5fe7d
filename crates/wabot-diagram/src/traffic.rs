//! [`Traffic`]: the counts a diagram puts on its nodes and edges, as plain maps, and
//! [`Traffic::from_stats`], the one place they are read from the `Statistics` port's figures.

use std::collections::BTreeMap;

use wabot_app::{Count, Overview, Stats};

/// What customers did with the menu in a period: plain maps by node id and by option.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Traffic {
    /// The period, as the legend names it (e.g. `the last 7 days`).
    pub period: String,
    /// How many times each node was entered (a menu shown by navigation, an action or text run, a
    /// form started), by node id.
    pub entered: BTreeMap<String, u64>,
    /// How many conversations went quiet at each node (drop-off), by node id.
    pub left: BTreeMap<String, u64>,
    /// How many times each option was chosen, by menu id and option key: one count per edge.
    pub chosen: BTreeMap<(String, u32), u64>,
}

/// A count as a `u64` (the store's counts are never negative).
fn amount(count: &Count) -> u64 {
    u64::try_from(count.count).unwrap_or_default()
}

impl Traffic {
    /// The traffic in `stats`: entries from the `node_entered` menu events, drop-off from
    /// `drop_off`, edges from `options_chosen`. `period` is shown in the legend.
    pub fn from_stats(stats: &Stats, period: impl Into<String>) -> Self {
        let mut traffic = Traffic {
            period: period.into(),
            ..Traffic::default()
        };
        for count in &stats.menu_events {
            if let [event, node] = count.labels.as_slice()
                && event == "node_entered"
            {
                *traffic.entered.entry(node.clone()).or_default() += amount(count);
            }
        }
        for count in &stats.drop_off {
            if let [node] = count.labels.as_slice()
                && !node.is_empty()
            {
                *traffic.left.entry(node.clone()).or_default() += amount(count);
            }
        }
        for count in &stats.options_chosen {
            if let [menu, key] = count.labels.as_slice()
                && let Ok(key) = key.parse::<u32>()
            {
                *traffic.chosen.entry((menu.clone(), key)).or_default() += amount(count);
            }
        }
        traffic
    }

    /// The traffic of the console's overview: per node the customers who reached it (each counted
    /// once) and the conversations that left there; no counts on the edges (the overview does not
    /// read every option chosen, to stay fast at volume).
    pub fn from_overview(overview: &Overview, period: impl Into<String>) -> Self {
        let count = |n: i64| u64::try_from(n).unwrap_or_default();
        Traffic {
            period: period.into(),
            entered: overview
                .funnel
                .iter()
                .map(|n| (n.node.clone(), count(n.reached)))
                .collect(),
            left: overview
                .funnel
                .iter()
                .filter(|n| n.left > 0)
                .map(|n| (n.node.clone(), count(n.left)))
                .collect(),
            chosen: BTreeMap::new(),
        }
    }

    /// How many times option `key` of `menu` was chosen.
    pub fn chosen(&self, menu: &str, key: u32) -> u64 {
        self.chosen
            .get(&(menu.to_owned(), key))
            .copied()
            .unwrap_or(0)
    }

    /// How many times any option of `menu` was chosen.
    pub fn chosen_at(&self, menu: &str) -> u64 {
        self.chosen
            .iter()
            .filter(|((at, _), _)| at == menu)
            .map(|(_, n)| n)
            .sum()
    }

    /// How many times `node` was entered.
    pub fn entered(&self, node: &str) -> u64 {
        self.entered.get(node).copied().unwrap_or(0)
    }

    /// How many conversations went quiet at `node`.
    pub fn left(&self, node: &str) -> u64 {
        self.left.get(node).copied().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(labels: &[&str], count: i64) -> Count {
        Count {
            labels: labels.iter().map(|l| (*l).to_owned()).collect(),
            count,
        }
    }

    #[test]
    fn stats_become_entries_drop_off_and_edges() {
        let stats = Stats {
            menu_events: vec![
                count(&["node_entered", "main"], 5),
                count(&["node_entered", "orders"], 3),
                count(&["option_chosen", "main"], 4),
                count(&["not_understood", "main"], 2),
            ],
            drop_off: vec![count(&["orders"], 2), count(&[""], 1)],
            options_chosen: vec![count(&["main", "1"], 3), count(&["main", "4"], 1)],
            ..Stats::default()
        };
        let traffic = Traffic::from_stats(&stats, "the last day");
        assert_eq!(traffic.period, "the last day");
        assert_eq!((traffic.entered("main"), traffic.entered("orders")), (5, 3));
        assert_eq!(traffic.entered("help"), 0);
        assert_eq!(traffic.left, BTreeMap::from([("orders".to_owned(), 2)]));
        assert_eq!(
            (traffic.chosen("main", 1), traffic.chosen("main", 2)),
            (3, 0)
        );
        assert_eq!(traffic.chosen_at("main"), 4);
    }
}
