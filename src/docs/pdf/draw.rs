//! Laid-out items written as PDF operations: coordinates flipped to PDF's bottom-left origin,
//! rules, boxes and circles drawn as paths.

use printpdf::{Color, FontId, Line, LineDashPattern, LinePoint, Op, PdfFontHandle, Point, Pt, Rgb, TextItem};

use super::{Item, PAGE_H};
use crate::docs::font::Weight;

fn pt(x: f32, y_from_top: f32) -> Point {
    Point { x: Pt(x), y: Pt(PAGE_H - y_from_top) }
}

fn straight(points: &[(f32, f32)], closed: bool) -> Line {
    Line { points: points.iter().map(|(x, y)| LinePoint { p: pt(*x, *y), bezier: false }).collect(), is_closed: closed }
}

fn circle(cx: f32, cy: f32, r: f32) -> Line {
    // Four cubic Bézier arcs; k is the usual control-point distance for a quarter circle.
    let k = 0.552_284_8 * r;
    let p = |x: f32, y: f32, bezier: bool| LinePoint { p: pt(x, y), bezier };
    Line {
        points: vec![
            p(cx + r, cy, false),
            p(cx + r, cy + k, true),
            p(cx + k, cy + r, true),
            p(cx, cy + r, false),
            p(cx - k, cy + r, true),
            p(cx - r, cy + k, true),
            p(cx - r, cy, false),
            p(cx - r, cy - k, true),
            p(cx - k, cy - r, true),
            p(cx, cy - r, false),
            p(cx + k, cy - r, true),
            p(cx + r, cy - k, true),
            p(cx + r, cy, false),
        ],
        is_closed: true,
    }
}

pub(super) fn ops(items: Vec<Item>, regular: &FontId, bold: &FontId) -> Vec<Op> {
    let grey = Color::Rgb(Rgb::new(0.55, 0.55, 0.55, None));
    let black = Color::Rgb(Rgb::new(0.0, 0.0, 0.0, None));
    let mut out = Vec::with_capacity(items.len() * 6);
    for item in items {
        match item {
            Item::Text { x, y, size, weight, spacing, text } => {
                let font = match weight {
                    Weight::Regular => regular.clone(),
                    Weight::Bold => bold.clone(),
                };
                out.push(Op::StartTextSection);
                out.push(Op::SetFont { font: PdfFontHandle::External(font), size: Pt(size) });
                out.push(Op::SetCharacterSpacing { multiplier: spacing });
                out.push(Op::SetTextCursor { pos: pt(x, y) });
                out.push(Op::ShowText { items: vec![TextItem::Text(text)] });
                out.push(Op::EndTextSection);
            }
            Item::Rule { x1, y1, x2, y2, width, dashed } => {
                out.push(Op::SaveGraphicsState);
                out.push(Op::SetOutlineThickness { pt: Pt(width) });
                if dashed {
                    out.push(Op::SetOutlineColor { col: grey.clone() });
                    out.push(Op::SetLineDashPattern { dash: LineDashPattern::new(0.0, &[3.0, 2.0]) });
                } else {
                    out.push(Op::SetOutlineColor { col: black.clone() });
                }
                out.push(Op::DrawLine { line: straight(&[(x1, y1), (x2, y2)], false) });
                out.push(Op::RestoreGraphicsState);
            }
            Item::Circle { cx, cy, r } => {
                out.push(Op::SaveGraphicsState);
                out.push(Op::SetOutlineThickness { pt: Pt(0.6) });
                out.push(Op::SetOutlineColor { col: grey.clone() });
                out.push(Op::SetLineDashPattern { dash: LineDashPattern::new(0.0, &[4.0, 3.0]) });
                out.push(Op::DrawLine { line: circle(cx, cy, r) });
                out.push(Op::RestoreGraphicsState);
            }
        }
    }
    out
}
