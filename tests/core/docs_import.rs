//! Rosters imported from Excel and ledgers exported to it: a messy roster (title row,
//! merged header cells, blank lines, bad rows, an ID number Excel stored as a number)
//! imports with per-row errors, and importing it again changes nothing.

#![allow(clippy::unwrap_used)]

use crate::common;

use std::path::Path;

use calamine::{Data, Reader, Xlsx, open_workbook};
use common::Post;
use rust_xlsxwriter::{Format, Workbook};
use serde_json::json;

/// A roster as a village committee keeps it: a merged title, a two-level header whose
/// group cells are merged, blank lines, and the mistakes people make.
fn messy_roster(path: &Path) {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let fmt = Format::new();
    ws.merge_range(0, 0, 0, 10, "青山村3组户籍花名册（2026年）", &fmt).unwrap();
    // Row 2: group headers merged across; “户主姓名” merged down over rows 2–3.
    ws.merge_range(1, 0, 2, 0, "户主姓名", &fmt).unwrap();
    ws.merge_range(1, 1, 1, 5, "家庭成员", &fmt).unwrap();
    ws.merge_range(1, 6, 1, 10, "住址及联系方式", &fmt).unwrap();
    let headers = ["姓名", "与户主关系", "性别", "民族", "身份证号", "村", "组", "住址", "联系电话", "备注"];
    for (i, h) in headers.iter().enumerate() {
        ws.write_string(2, i as u16 + 1, *h).unwrap();
    }
    let rows: &[[&str; 11]] = &[
        // row 4: the head
        [
            "王建国",
            "王建国",
            "户主",
            "男",
            "汉族",
            "330326196503120017",
            "青山村",
            "3",
            "青山村3组12号",
            "13800138000",
            "",
        ],
        // row 5: his wife
        ["王建国", "李秀英", "配偶", "女", "汉族", "330326196708150025", "青山村", "3", "青山村3组12号", "", ""],
        // row 6: blank line
        ["", "", "", "", "", "", "", "", "", "", ""],
        // row 7: bad checksum
        ["王建国", "王小明", "子女", "男", "汉族", "330326199001010011", "青山村", "3", "青山村3组12号", "", ""],
        // row 8: another household, head only
        [
            "赵桂英",
            "赵桂英",
            "本人",
            "女",
            "汉族",
            "11010519491231002X",
            "青山村",
            "3",
            "青山村3组15号",
            "0577-65432100",
            "独居",
        ],
        // row 9: unknown relation word
        ["赵桂英", "赵小红", "邻居", "女", "汉族", "", "青山村", "3", "青山村3组15号", "", ""],
        // row 10: bad phone
        ["赵桂英", "钱芳", "儿媳", "女", "汉族", "", "青山村", "3", "青山村3组15号", "1380013800", ""],
        // row 11: blank line
        ["", "", "", "", "", "", "", "", "", "", ""],
        // row 12: no ID, fine
        ["赵桂英", "赵天天", "孙子女", "男", "汉族", "", "青山村", "3", "青山村3组15号", "", "在读"],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(r as u32 + 3, c as u16, *v).unwrap();
            }
        }
    }
    // row 13: an 18-digit ID number typed into a number cell — Excel rounds it.
    let r = 12;
    for (c, v) in ["赵桂英", "赵建军", "子女", "男", "汉族"].iter().enumerate() {
        ws.write_string(r, c as u16, *v).unwrap();
    }
    ws.write_number(r, 5, 330326197501010017.0).unwrap();
    ws.write_string(r, 6, "青山村").unwrap();
    ws.write_string(r, 7, "3").unwrap();
    ws.write_string(r, 8, "青山村3组15号").unwrap();
    wb.save(path).unwrap();
}

fn change_count(post: &Post) -> i64 {
    post.api.store().conn().query_row("SELECT count(*) FROM change_log", [], |r| r.get(0)).unwrap()
}

#[test]
fn a_messy_roster_imports_with_row_errors_and_a_second_import_changes_nothing() {
    let mut post = Post::new();
    let file = post.dir.path().join("花名册.xlsx");
    messy_roster(&file);
    let path = file.to_str().unwrap();

    let preview = post.call("import.preview", json!({ "path": path }));
    assert_eq!(preview["applied"], false);
    assert_eq!(preview["header_row"], 3, "the header is found under the title and group rows");
    assert_eq!(preview["blank_rows"], 2);
    let errors = preview["errors"].as_array().unwrap();
    let rows: Vec<i64> = errors.iter().map(|e| e["row"].as_i64().unwrap()).collect();
    assert_eq!(rows, [7, 9, 10, 13], "{errors:#?}");
    assert_eq!(errors[0]["column"], "F");
    assert_eq!(errors[0]["header"], "身份证号");
    assert!(errors[0]["message"].as_str().unwrap().contains("校验位"), "{}", errors[0]);
    assert_eq!(errors[1]["header"], "与户主关系");
    assert!(errors[1]["message"].as_str().unwrap().contains("邻居"));
    assert_eq!(errors[2]["header"], "联系电话");
    assert!(errors[3]["message"].as_str().unwrap().contains("舍入"), "{}", errors[3]);
    assert_eq!(preview["households_created"], 2);
    assert_eq!(preview["persons_created"], 4);
    assert_eq!(preview["villages_created"], json!(["青山村"]));
    let before = change_count(&post);
    assert_eq!(post.call("household.list", json!({}))["total"], 0, "a preview writes nothing");

    let done = post.call("import.apply", json!({ "path": path }));
    assert_eq!(done["applied"], true);
    assert_eq!(done["persons_created"], 4);
    assert!(change_count(&post) > before);
    let households = post.call("household.list", json!({}));
    assert_eq!(households["total"], 2);
    let wang = households["items"].as_array().unwrap().iter().find(|h| h["head_name"] == "王建国").unwrap().clone();
    assert_eq!(wang["member_count"], 2);
    assert_eq!(wang["village_name"], "青山村");
    assert_eq!(wang["group_name"], "3组");
    let hit = post.call("search", json!({ "text": "李秀英" }));
    assert_eq!(hit["hits"][0]["birth_date"], "1967-08-15", "birth date derived from the ID number");

    // The same file again: everything matched, nothing written.
    let after_first = change_count(&post);
    let again = post.call("import.apply", json!({ "path": path }));
    assert_eq!(again["persons_created"], 0);
    assert_eq!(again["persons_updated"], 0);
    assert_eq!(again["households_created"], 0);
    assert_eq!(again["persons_unchanged"], 4);
    assert_eq!(change_count(&post), after_first, "a second import changes nothing");
}

#[test]
fn a_changed_phone_is_an_update_matched_by_id_number() {
    let mut post = Post::new();
    let file = post.dir.path().join("r.xlsx");
    let write = |phone: &str| {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        for (c, h) in ["户主姓名", "身份证号", "住址", "联系电话", "村", "组"].iter().enumerate() {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        for (c, v) in ["周大伟", "330326196503120017", "石桥村1组3号", phone, "石桥村", "1组"].iter().enumerate()
        {
            ws.write_string(1, c as u16, *v).unwrap();
        }
        wb.save(&file).unwrap();
    };
    write("13800138000");
    let first = post.call("import.apply", json!({ "path": file }));
    assert_eq!(first["persons_created"], 1);
    write("13900139000");
    let preview = post.call("import.preview", json!({ "path": file }));
    assert_eq!(preview["persons_updated"], 1);
    assert_eq!(preview["actions"][0]["changes"], json!(["联系电话：13800138000 → 13900139000"]));
    post.call("import.apply", json!({ "path": file }));
    let hit = post.call("search", json!({ "text": "周大伟" }));
    assert_eq!(hit["hits"][0]["phone"], "13900139000");
    assert_eq!(post.call("household.list", json!({}))["total"], 1, "still one household");
}

#[test]
fn a_file_without_a_recognisable_header_is_refused_clearly() {
    let mut post = Post::new();
    let file = post.dir.path().join("x.xlsx");
    let mut wb = Workbook::new();
    wb.add_worksheet().write_string(0, 0, "随便写的").unwrap();
    wb.save(&file).unwrap();
    let e = post.refused("import.preview", json!({ "path": file }));
    assert!(e["message"].as_str().unwrap().contains("表头"), "{e}");
    let e = post.refused("import.preview", json!({ "path": post.dir.path().join("none.xlsx") }));
    assert!(e["message"].as_str().unwrap().contains("找不到文件"), "{e}");
}

fn read_sheet(path: &Path) -> Vec<Vec<Data>> {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    let name = wb.sheet_names()[0].clone();
    wb.worksheet_range(&name).unwrap().rows().map(|r| r.to_vec()).collect()
}

#[test]
fn the_households_ledger_has_chinese_headers_and_one_row_per_resident() {
    let mut post = Post::new();
    let file = post.dir.path().join("花名册.xlsx");
    messy_roster(&file);
    post.call("import.apply", json!({ "path": file }));
    let out = post.dir.path().join("人口台账.xlsx");
    let w = post.call("ledger.export", json!({ "kind": "households", "path": out }));
    assert_eq!(w["count"], 4);
    let rows = read_sheet(&out);
    assert_eq!(rows[0][0], Data::String("村（社区）".into()));
    assert_eq!(rows[0][9], Data::String("公民身份号码".into()));
    assert_eq!(rows.len(), 5);
    let wang = rows.iter().find(|r| r[4] == Data::String("王建国".into())).unwrap();
    assert_eq!(wang[5], Data::String("户主".into()));
    assert_eq!(wang[9], Data::String("330326196503120017".into()), "ID numbers stay text");
    assert!(matches!(wang[8], Data::DateTime(_)), "birth dates are real dates: {:?}", wang[8]);
}
