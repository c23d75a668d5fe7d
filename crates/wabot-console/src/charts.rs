//! The overview's charts as SVG geometry: typed bars, labels and axis lines computed here and
//! drawn by the `chart_*.html` templates (escaped like any page, no string building). A chart with
//! nothing to show still draws its axes and says why it is empty.

use wabot_app::{DayTraffic, FunnelNode};

/// A rectangle with its class (`in`, `out`, `left`) and a tooltip.
pub struct Bar {
    /// Left edge.
    pub x: i64,
    /// Top edge.
    pub y: i64,
    /// Width.
    pub width: i64,
    /// Height.
    pub height: i64,
    /// The CSS class that colours it.
    pub class: &'static str,
    /// What it shows, in words (the `<title>`).
    pub title: String,
}

/// A text at a point.
pub struct Label {
    /// Anchor x.
    pub x: i64,
    /// Baseline y.
    pub y: i64,
    /// `start`, `middle` or `end`.
    pub anchor: &'static str,
    /// The text.
    pub text: String,
}

/// A chart: its size, what it draws, and the sentence it shows when there is nothing to draw.
pub struct Chart {
    /// Width of the view box.
    pub width: i64,
    /// Height of the view box.
    pub height: i64,
    /// The bars.
    pub bars: Vec<Bar>,
    /// Numbers and names.
    pub labels: Vec<Label>,
    /// Axis and grid lines: `(x1, y1, x2, y2)`.
    pub lines: Vec<(i64, i64, i64, i64)>,
    /// Shown in the middle when there are no data.
    pub empty: Option<String>,
    /// The accessible description.
    pub description: String,
}

const WIDTH: i64 = 720;
const LEFT: i64 = 44;
const TOP: i64 = 16;
const PLOT_HEIGHT: i64 = 180;
const BOTTOM: i64 = 40;

/// The smallest "nice" number (1, 2 or 5 times a power of ten) at or above `value`.
fn nice_ceiling(value: i64) -> i64 {
    let mut step = 1;
    loop {
        for factor in [1, 2, 5] {
            if step * factor >= value {
                return step * factor;
            }
        }
        step *= 10;
    }
}

/// Messages in and out per day, as pairs of bars over a zero-based axis.
pub fn daily_traffic(days: &[DayTraffic], period: &str) -> Chart {
    let height = TOP + PLOT_HEIGHT + BOTTOM;
    let peak = days
        .iter()
        .map(|d| d.inbound.max(d.outbound))
        .max()
        .unwrap_or(0);
    let top = nice_ceiling(peak.max(1));
    let plot_width = WIDTH - LEFT - 8;
    let slot = plot_width / i64::try_from(days.len().max(1)).unwrap_or(1);
    let bar = (slot / 2 - 1).max(1);
    let scale = |n: i64| n * PLOT_HEIGHT / top;
    let base = TOP + PLOT_HEIGHT;
    let mut chart = Chart {
        width: WIDTH,
        height,
        bars: Vec::new(),
        labels: Vec::new(),
        lines: vec![(LEFT, base, WIDTH - 8, base), (LEFT, TOP, LEFT, base)],
        empty: (peak == 0).then(|| format!("No messages in {period}.")),
        description: format!("Messages received and sent per day, {period}"),
    };
    for value in [top / 2, top] {
        let y = base - scale(value);
        chart.lines.push((LEFT, y, WIDTH - 8, y));
        chart.labels.push(Label {
            x: LEFT - 6,
            y: y + 4,
            anchor: "end",
            text: value.to_string(),
        });
    }
    chart.labels.push(Label {
        x: LEFT - 6,
        y: base + 4,
        anchor: "end",
        text: "0".into(),
    });
    let every = (days.len() / 10).max(1);
    for (index, day) in days.iter().enumerate() {
        let x = LEFT + 2 + i64::try_from(index).unwrap_or(0) * slot;
        for (offset, count, class, way) in [
            (0, day.inbound, "in", "received"),
            (bar, day.outbound, "out", "sent"),
        ] {
            chart.bars.push(Bar {
                x: x + offset,
                y: base - scale(count),
                width: bar,
                height: scale(count),
                class,
                title: format!("{}: {count} {way}", day.day),
            });
            if days.len() <= 14 && count > 0 {
                chart.labels.push(Label {
                    x: x + offset + bar / 2,
                    y: base - scale(count) - 3,
                    anchor: "middle",
                    text: count.to_string(),
                });
            }
        }
        if index % every == 0 {
            chart.labels.push(Label {
                x: x + slot / 2,
                y: base + 16,
                anchor: "middle",
                text: day.day.format("%d %b").to_string(),
            });
        }
    }
    chart
}

/// The menu funnel: per node, a bar for the customers who reached it and one for those who left
/// there; the largest drop-off is named.
pub fn funnel(nodes: &[FunnelNode], period: &str) -> Chart {
    let row = 34;
    let name_width = 150;
    let rows = i64::try_from(nodes.len()).unwrap_or(0).max(1);
    let height = TOP + rows * row + 8;
    let peak = nodes
        .iter()
        .map(|n| n.reached.max(n.left))
        .max()
        .unwrap_or(0)
        .max(1);
    let plot = WIDTH - name_width - 230;
    let scale = |n: i64| n * plot / peak;
    let worst = nodes
        .iter()
        .filter(|n| n.left > 0)
        .max_by_key(|n| n.left)
        .map(|n| n.node.as_str());
    let mut chart = Chart {
        width: WIDTH,
        height,
        bars: Vec::new(),
        labels: Vec::new(),
        lines: vec![(name_width, TOP - 4, name_width, height - 4)],
        empty: nodes
            .is_empty()
            .then(|| format!("Nobody used the menu in {period}.")),
        description: format!("Customers who reached each menu node and who left there, {period}"),
    };
    for (index, node) in nodes.iter().enumerate() {
        let y = TOP + i64::try_from(index).unwrap_or(0) * row;
        let marker = if worst == Some(node.node.as_str()) {
            " ◀ largest drop-off"
        } else {
            ""
        };
        chart.labels.push(Label {
            x: name_width - 8,
            y: y + 16,
            anchor: "end",
            text: node.node.clone(),
        });
        chart.bars.push(Bar {
            x: name_width,
            y,
            width: scale(node.reached).max(1),
            height: 14,
            class: "in",
            title: format!("{}: {} reached", node.node, node.reached),
        });
        chart.bars.push(Bar {
            x: name_width,
            y: y + 15,
            width: scale(node.left),
            height: 10,
            class: "left",
            title: format!("{}: {} left here", node.node, node.left),
        });
        chart.labels.push(Label {
            x: name_width + scale(node.reached).max(1) + 6,
            y: y + 12,
            anchor: "start",
            text: format!("{} reached, {} left{marker}", node.reached, node.left),
        });
    }
    chart
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    fn day(d: u32, inbound: i64, outbound: i64) -> DayTraffic {
        DayTraffic {
            day: NaiveDate::from_ymd_opt(2026, 11, d).unwrap(),
            inbound,
            outbound,
        }
    }

    #[test]
    fn bars_scale_to_a_nice_top_and_stay_in_the_plot() {
        let chart = daily_traffic(&[day(1, 30, 45), day(2, 0, 0)], "the last 2 days");
        assert!(chart.empty.is_none());
        assert_eq!(nice_ceiling(45), 50);
        let tallest = chart.bars.iter().map(|b| b.height).max().unwrap();
        assert_eq!(tallest, 45 * PLOT_HEIGHT / 50);
        assert!(
            chart
                .bars
                .iter()
                .all(|b| b.y >= TOP && b.y + b.height == TOP + PLOT_HEIGHT)
        );
        assert!(chart.labels.iter().any(|l| l.text == "45"));
    }

    #[test]
    fn empty_charts_say_why() {
        let chart = daily_traffic(&[day(1, 0, 0)], "the last 7 days");
        assert_eq!(
            chart.empty.as_deref(),
            Some("No messages in the last 7 days.")
        );
        assert!(funnel(&[], "the last 7 days").empty.is_some());
    }

    #[test]
    fn the_largest_drop_off_is_named() {
        let nodes = [
            FunnelNode {
                node: "main".into(),
                reached: 100,
                left: 5,
            },
            FunnelNode {
                node: "orders".into(),
                reached: 60,
                left: 20,
            },
        ];
        let chart = funnel(&nodes, "p");
        let marked: Vec<_> = chart
            .labels
            .iter()
            .filter(|l| l.text.contains("largest"))
            .collect();
        assert_eq!(marked.len(), 1);
        assert!(marked[0].text.starts_with("60 reached, 20 left"));
    }
}
