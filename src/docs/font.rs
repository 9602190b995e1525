//! The documents' typeface: Noto Serif SC (SIL Open Font License, `assets/fonts/OFL.txt`),
//! Regular and Bold, each one TrueType file of about 15 MB.
//!
//! The files are read and parsed once per process ([`fonts`]) and kept for every later
//! document; a PDF embeds only the glyphs it uses (printpdf's `text_layout` subsetting).
//! The font files are a resource the package installs beside the program, not part of it,
//! and never looked for where the program was built ([`search_dirs`]): in
//! `$FENGQIAO_FONT_DIR` (an override), in the directory the program was told ([`set_dir`]:
//! the desktop shell passes its Tauri resource directory's `fonts`), then in the two
//! places an installed package puts them relative to the executable.

use std::path::{Path, PathBuf};
use std::sync::{OnceLock, RwLock};

use printpdf::ParsedFont;

use crate::error::{Error, Result};

/// File name of the regular weight under the font directory.
pub const REGULAR_FILE: &str = "NotoSerifSC-Regular.ttf";
/// File name of the bold weight.
pub const BOLD_FILE: &str = "NotoSerifSC-Bold.ttf";

/// A weight of the document typeface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Weight {
    /// Body text.
    Regular,
    /// Titles and headings.
    Bold,
}

/// One parsed face with what layout needs from it.
#[derive(Debug)]
pub struct Face {
    /// The parsed font, as printpdf embeds it.
    pub parsed: ParsedFont,
    units_per_em: f32,
    ascent: f32,
}

impl Face {
    fn parse(path: &Path) -> Result<Face> {
        let bytes = std::fs::read(path)
            .map_err(|e| Error::Document { message: format!("无法读取字体文件 {}：{e}", path.display()) })?;
        let mut warnings = Vec::new();
        let parsed = ParsedFont::from_bytes(&bytes, 0, &mut warnings)
            .ok_or_else(|| Error::Document { message: format!("字体文件 {} 无法解析", path.display()) })?;
        let m = parsed.get_font_metrics();
        let units_per_em = f32::from(m.units_per_em).max(1.0);
        Ok(Face { ascent: m.ascent / units_per_em, parsed, units_per_em })
    }

    /// The glyph for `c`, or `None` when the font has none (glyph 0 is `.notdef`, the empty
    /// box, and counts as none).
    pub fn glyph(&self, c: char) -> Option<u16> {
        self.parsed.lookup_glyph_index(u32::from(c)).filter(|g| *g != 0)
    }

    /// The advance of `c` at `size` points, or `None` when the font lacks it.
    pub fn advance(&self, c: char, size: f32) -> Option<f32> {
        let g = self.glyph(c)?;
        Some(f32::from(self.parsed.get_horizontal_advance(g)) / self.units_per_em * size)
    }

    /// Ascent as a fraction of the em.
    pub fn ascent(&self) -> f32 {
        self.ascent
    }
}

/// Both weights.
#[derive(Debug)]
pub struct Fonts {
    /// Body text.
    pub regular: Face,
    /// Titles and headings.
    pub bold: Face,
}

impl Fonts {
    /// The face of `weight`.
    pub fn face(&self, weight: Weight) -> &Face {
        match weight {
            Weight::Regular => &self.regular,
            Weight::Bold => &self.bold,
        }
    }

    /// The first character of `text` the font cannot print, if any. Line breaks and tabs
    /// are layout, not glyphs.
    pub fn first_missing(&self, text: &str) -> Option<char> {
        text.chars().filter(|c| !matches!(c, '\n' | '\r' | '\t')).find(|c| self.regular.glyph(*c).is_none())
    }

    /// Refuses `text` when the font lacks one of its characters, naming the character and
    /// the field, so the user can replace it rather than sign a paper with an empty box.
    pub fn check(&self, field: &str, label: &str, text: &str) -> Result<()> {
        match self.first_missing(text) {
            None => Ok(()),
            Some(c) => Err(Error::validation(field, missing_message(label, c))),
        }
    }
}

/// The refusal for a character the font cannot print.
pub fn missing_message(label: &str, c: char) -> String {
    let shown = if c.is_control() { c.escape_unicode().to_string() } else { c.to_string() };
    format!(
        "{label}中的字符“{shown}”（U+{:04X}）在文书字体中没有字形，打印出来会是空白方框；请改用常用字或同音字并在备注中说明",
        u32::from(c)
    )
}

/// The name the package installs under: on Linux its resources go to
/// `/usr/lib/fengqiao-desk/` (Tauri's resource directory for the `.deb`, named after
/// `productName` in `src-tauri/tauri.conf.json`).
pub const PACKAGE: &str = "fengqiao-desk";

/// The font directory's name inside the package's resource directory
/// (`bundle.resources` in `src-tauri/tauri.conf.json`).
pub const RESOURCE_SUBDIR: &str = "fonts";

/// The browser version's directory under `/usr/share`: its fonts in `fonts/`, the desk UI
/// `fengqiao serve` serves in `ui/`.
pub const SHARE_DIR: &str = "fengqiao";

static TOLD_DIR: RwLock<Option<PathBuf>> = RwLock::new(None);

/// Tells the core where the program's package keeps the font files: the desktop shell
/// calls it at start-up with its Tauri resource directory's `fonts`, and tests with the
/// source tree's `assets/fonts`. It counts only before the first document is made, since
/// the fonts are read once per process ([`fonts`]).
pub fn set_dir(dir: impl Into<PathBuf>) {
    let dir = dir.into();
    match TOLD_DIR.write() {
        Ok(mut told) => *told = Some(dir),
        Err(poisoned) => *poisoned.into_inner() = Some(dir),
    }
}

/// Where the font files are looked for, in order:
///
/// 1. `$FENGQIAO_FONT_DIR`, for whoever needs the fonts elsewhere;
/// 2. the directory given to [`set_dir`];
/// 3. `fonts` beside the executable, where the Windows installers put the app's resources
///    (and where Tauri's build copies them next to a build's binary);
/// 4. `../lib/fengqiao-desk/fonts` from the executable, where the `.deb` puts them: the
///    command-line tool `/usr/bin/fengqiao` finds the desktop app's fonts in
///    `/usr/lib/fengqiao-desk/fonts`;
/// 5. `../share/fengqiao/fonts` from the executable, where the browser version's package
///    (`fengqiao-web`, `scripts/package-web.sh`) puts them beside the desk UI it serves.
///
/// No directory of the build machine is compiled in: a program that finds no fonts says
/// where it looked.
pub fn search_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(d) = std::env::var_os("FENGQIAO_FONT_DIR") {
        dirs.push(PathBuf::from(d));
    }
    let told = match TOLD_DIR.read() {
        Ok(told) => told.clone(),
        Err(poisoned) => poisoned.into_inner().clone(),
    };
    dirs.extend(told);
    if let Ok(exe) = std::env::current_exe()
        && let Some(dir) = exe.parent()
    {
        dirs.push(dir.join(RESOURCE_SUBDIR));
        if let Some(prefix) = dir.parent() {
            dirs.push(prefix.join("lib").join(PACKAGE).join(RESOURCE_SUBDIR));
            dirs.push(prefix.join("share").join(SHARE_DIR).join(RESOURCE_SUBDIR));
        }
    }
    // The unit tests of the core, which no package ships.
    #[cfg(test)]
    dirs.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("assets").join("fonts"));
    // The shell's resource directory is often one of the package's places.
    let mut seen = std::collections::HashSet::new();
    dirs.retain(|d| seen.insert(d.clone()));
    dirs
}

/// The first of [`search_dirs`] that holds both font files, or why there is none (where it
/// looked): what a server says at start, before anyone asks it for a document.
pub fn found_dir() -> Result<PathBuf> {
    let dirs = search_dirs();
    dirs.iter().find(|d| d.join(REGULAR_FILE).is_file() && d.join(BOLD_FILE).is_file()).cloned().ok_or_else(|| {
        let tried: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
        Error::Document {
            message: format!(
                "找不到文书字体 {REGULAR_FILE} 和 {BOLD_FILE}（已查找：{}）；请重新安装本程序，或用环境变量 FENGQIAO_FONT_DIR 指定字体目录",
                tried.join("；")
            ),
        }
    })
}

fn load() -> Result<Fonts> {
    let dir = found_dir()?;
    Ok(Fonts { regular: Face::parse(&dir.join(REGULAR_FILE))?, bold: Face::parse(&dir.join(BOLD_FILE))? })
}

/// The fonts, read and parsed on first use and kept for the life of the process.
pub fn fonts() -> Result<&'static Fonts> {
    static FONTS: OnceLock<std::result::Result<Fonts, String>> = OnceLock::new();
    FONTS.get_or_init(|| load().map_err(|e| e.to_string())).as_ref().map_err(|m| Error::Document { message: m.clone() })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn common_characters_have_glyphs_and_rare_ones_are_named() {
        let f = fonts().unwrap();
        assert_eq!(f.first_missing("人民调解协议书（2026）青山调字第17号，甲方：张三。"), None);
        assert_eq!(f.first_missing("王𪚥"), Some('𪚥'));
        let e = f.check("parties[0].name", "当事人姓名", "王𪚥").unwrap_err();
        assert_eq!(e.field(), Some("parties[0].name"));
        assert!(e.to_string().contains("“𪚥”"), "{e}");
        assert!(e.to_string().contains("U+2A6A5"), "{e}");
    }

    #[test]
    fn the_package_installs_the_fonts_where_the_programs_look() {
        let conf = Path::new(env!("CARGO_MANIFEST_DIR")).join("src-tauri").join("tauri.conf.json");
        let conf: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(conf).unwrap()).unwrap();
        assert_eq!(conf["productName"], PACKAGE, "the .deb's resource directory is /usr/lib/<productName>");
        let resources = &conf["bundle"]["resources"];
        for file in [REGULAR_FILE, BOLD_FILE, "OFL.txt"] {
            assert_eq!(resources[format!("../assets/fonts/{file}")], format!("{RESOURCE_SUBDIR}/{file}"), "{file}");
        }
    }

    #[test]
    fn advances_are_measured_from_the_font() {
        let f = fonts().unwrap();
        let han = f.regular.advance('国', 12.0).unwrap();
        assert!((han - 12.0).abs() < 0.01, "a Han character is one em wide: {han}");
        let one = f.regular.advance('1', 12.0).unwrap();
        assert!(one < 8.0, "a digit is narrower than a Han character: {one}");
    }
}
