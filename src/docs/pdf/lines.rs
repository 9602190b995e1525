//! Breaking text into lines by the Chinese rules: what may not begin or end a line, and the
//! wrap measured from the font.

use super::READABLE_SPACING;
use crate::docs::font::Face;

/// Characters that may not begin a line (closing punctuation and marks that follow).
pub const NO_LINE_START: &str = "，。、；：？！）」》』〕】〉”’…—·%,.;:?!)]}";
/// Characters that may not end a line (opening brackets and quotes).
pub const NO_LINE_END: &str = "（「《『〔【〈“‘([{";

/// A line of wrapped text.
#[derive(Debug, Clone, PartialEq)]
pub struct WrappedLine {
    /// The line's characters.
    pub text: String,
    /// Its natural width in points.
    pub width: f32,
    /// Character spacing that stretches it to the measure: 0 for a paragraph's last line and
    /// for a line that would need more than [`READABLE_SPACING`].
    pub spacing: f32,
}

pub(super) struct Unit {
    pub(super) text: String,
    pub(super) width: f32,
    pub(super) space: bool,
    pub(super) hard_break: bool,
}

pub(super) fn units(face: &Face, text: &str, size: f32) -> std::result::Result<Vec<Unit>, char> {
    let mut out: Vec<Unit> = Vec::new();
    let mut word = String::new();
    let mut word_w = 0.0;
    let flush = |out: &mut Vec<Unit>, word: &mut String, word_w: &mut f32| {
        if !word.is_empty() {
            out.push(Unit { text: std::mem::take(word), width: *word_w, space: false, hard_break: false });
            *word_w = 0.0;
        }
    };
    for c in text.chars() {
        match c {
            '\r' => {}
            '\n' => {
                flush(&mut out, &mut word, &mut word_w);
                out.push(Unit { text: String::new(), width: 0.0, space: false, hard_break: true });
            }
            ' ' | '\t' => {
                flush(&mut out, &mut word, &mut word_w);
                let w = face.advance(' ', size).ok_or(' ')?;
                out.push(Unit { text: " ".into(), width: w, space: true, hard_break: false });
            }
            c => {
                let w = face.advance(c, size).ok_or(c)?;
                // Latin words and numbers stay whole (up to a length that still fits).
                if c.is_ascii_alphanumeric() || (c.is_ascii_punctuation() && !word.is_empty()) {
                    word.push(c);
                    word_w += w;
                    if word.len() >= 24 {
                        flush(&mut out, &mut word, &mut word_w);
                    }
                } else {
                    flush(&mut out, &mut word, &mut word_w);
                    out.push(Unit { text: c.to_string(), width: w, space: false, hard_break: false });
                }
            }
        }
    }
    flush(&mut out, &mut word, &mut word_w);
    Ok(out)
}

fn starts_forbidden(u: &Unit) -> bool {
    u.text.chars().next().is_some_and(|c| NO_LINE_START.contains(c))
}

fn ends_forbidden(u: &Unit) -> bool {
    u.text.chars().last().is_some_and(|c| NO_LINE_END.contains(c))
}

/// Breaks `text` into lines no wider than `width` (the first `first_indent` narrower),
/// following the Chinese line-breaking rules, and computes each full line's justification.
/// Fails with the first character the face lacks.
pub fn wrap(
    face: &Face,
    text: &str,
    size: f32,
    width: f32,
    first_indent: f32,
    justify: bool,
) -> std::result::Result<Vec<WrappedLine>, char> {
    let all = units(face, text, size)?;
    let mut lines: Vec<(Vec<Unit>, bool)> = Vec::new(); // (units, ends a paragraph)
    let mut cur: Vec<Unit> = Vec::new();
    let avail = |n: usize| if n == 0 { width - first_indent } else { width };
    for u in all {
        if u.hard_break {
            lines.push((std::mem::take(&mut cur), true));
            continue;
        }
        let cur_w: f32 = cur.iter().map(|u| u.width).sum();
        if cur.is_empty() && u.space {
            continue;
        }
        if cur.is_empty() || cur_w + u.width <= avail(lines.len()) + 0.01 {
            cur.push(u);
            continue;
        }
        if u.space {
            lines.push((std::mem::take(&mut cur), false));
            continue;
        }
        // Break before `u`, moving characters down while the rules are broken.
        let mut carry: Vec<Unit> = Vec::new();
        while cur.len() > 1 && starts_forbidden(carry.first().unwrap_or(&u)) {
            if let Some(last) = cur.pop() {
                carry.insert(0, last);
            }
        }
        while cur.len() > 1 && cur.last().is_some_and(ends_forbidden) {
            if let Some(last) = cur.pop() {
                carry.insert(0, last);
            }
        }
        while cur.last().is_some_and(|u| u.space) {
            cur.pop();
        }
        lines.push((std::mem::take(&mut cur), false));
        cur = carry;
        cur.push(u);
    }
    lines.push((cur, true));
    Ok(lines
        .into_iter()
        .enumerate()
        .map(|(i, (us, last))| {
            let text: String = us.iter().map(|u| u.text.as_str()).collect();
            let natural: f32 = us.iter().map(|u| u.width).sum();
            let glyphs = text.chars().count();
            let extra = avail(i) - natural;
            let spacing = if justify && !last && glyphs > 1 && extra > 0.0 {
                let s = extra / (glyphs - 1) as f32;
                // Wider, extraction would read spaces between the characters: ragged instead.
                if s <= size * READABLE_SPACING { s } else { 0.0 }
            } else {
                0.0
            };
            WrappedLine { text, width: natural, spacing }
        })
        .collect())
}
