//! 今日工作路线单: the day's plan on one A4 page to carry on the round, village by village
//! and 组 by 组 in walking order, each item with a box to tick. When the day holds more than
//! a page, the sheet keeps the items in order as far as they fit and says how many are left
//! (they stay on screen); it never runs onto a second page.

use crate::docs::pdf::{self, Block, Document, Table};
use crate::error::Result;
use crate::model::PlanItemKind;
use crate::model::day_plan::{DayPlan, PlanItem};

const HEADER: [&str; 6] = ["", "组", "事项", "对象 / 地点", "要做的事", "期限"];
const WIDTHS: [f32; 6] = [0.5, 1.0, 1.3, 3.0, 5.2, 1.8];

fn when(i: &PlanItem) -> String {
    match (i.days_late, &i.due_on) {
        (n, _) if n > 0 => format!("逾期{n}天"),
        (_, Some(d)) if i.kind == PlanItemKind::Patrol => d.get(5..).unwrap_or(d).to_owned(),
        (_, Some(d)) => d.get(5..).map(|md| format!("{md}到期")).unwrap_or_else(|| d.clone()),
        (_, None) => String::new(),
    }
}

fn row(i: &PlanItem, group: Option<&str>) -> Vec<String> {
    let who = match &i.place.address {
        Some(a) if *a != i.subject => format!("{}\n{a}", i.subject),
        _ => i.subject.clone(),
    };
    vec!["□".into(), group.unwrap_or("").to_owned(), i.kind.label().to_owned(), who, i.detail.clone(), when(i)]
}

/// The sheet with the first `n` items of the plan (in its order).
fn with_items(plan: &DayPlan, post_name: &str, n: usize) -> Document {
    let title = "今日工作路线单".to_owned();
    let mut blocks = vec![
        Block::Title(title.clone()),
        Block::Centered(format!("{post_name}  {}  {}  共 {} 项", zh_date(&plan.date), plan.weekday, plan.total)),
    ];
    let mut left = n;
    for v in &plan.villages {
        if left == 0 {
            break;
        }
        let count: usize = v.groups.iter().map(|g| g.items.len()).sum();
        let mut rows = Vec::new();
        for g in &v.groups {
            for i in &g.items {
                if left == 0 {
                    break;
                }
                rows.push(row(i, g.name.as_deref()));
                left -= 1;
            }
        }
        let name = v.name.clone().unwrap_or_else(|| "不限村（社区）".into());
        blocks.push(Block::Heading(format!("{name}（{count} 项）")));
        blocks.push(Block::Table(Table {
            widths: WIDTHS.to_vec(),
            header: Some(HEADER.iter().map(|h| (*h).to_owned()).collect()),
            rows,
        }));
    }
    let rest = plan.total as usize - n.min(plan.total as usize);
    if rest > 0 {
        blocks.push(Block::Paragraph {
            text: format!("另有 {rest} 项未列入本单（一页之内按村、组顺序排列），请在“今日工作”中查看。"),
            indent: false,
        });
    }
    blocks.push(Block::Paragraph {
        text: "完成后在方框内打勾，回到警务室在系统中登记。".into(), indent: false
    });
    Document { title, footer: Some(format!("{post_name} 今日工作 {}", plan.date)), blocks }
}

fn zh_date(d: &str) -> String {
    let parts: Vec<&str> = d.split('-').collect();
    match parts[..] {
        [y, m, dd] => format!("{y}年{}月{}日", m.trim_start_matches('0'), dd.trim_start_matches('0')),
        _ => d.to_owned(),
    }
}

/// The route sheet: as many of the plan's items as one page holds (all, on most days).
/// Returns the document and how many items it lists.
pub fn document(plan: &DayPlan, post_name: &str) -> Result<(Document, usize)> {
    let total = plan.total as usize;
    let all = with_items(plan, post_name, total);
    if pdf::page_count(&all)? <= 1 {
        return Ok((all, total));
    }
    // The most items that still fit on one page.
    let (mut lo, mut hi) = (0usize, total);
    while lo + 1 < hi {
        let mid = (lo + hi) / 2;
        if pdf::page_count(&with_items(plan, post_name, mid))? <= 1 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Ok((with_items(plan, post_name, lo), lo))
}
