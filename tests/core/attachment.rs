//! 照片和扫描件 through the api on a real database file: photos read from real files
//! through the file gate, attached to a hazard and an incident, listed with thumbnails,
//! opened full size (the very bytes), stored once however often attached, deleted; a 30 MB
//! file, a text file renamed .jpg and a PDF on a hazard refused with a message and nothing
//! stored; the change log holds the rows, never the bytes; the hazard ledger's 照片 column
//! and the month's figures count them.

use crate::common;

use base64::Engine;
use calamine::{Data, Reader, Xlsx, open_workbook};
use common::{Post, id};
use fengqiao::model::FileType;
use fengqiao::model::attachment::sample_photo;
use serde_json::{Value, json};

fn count(post: &Post, sql: &str) -> i64 {
    post.api.store().conn().query_row(sql, [], |r| r.get(0)).unwrap()
}

/// What a refusal must leave as it was.
fn stored(post: &Post) -> (i64, i64, i64) {
    (
        count(post, "SELECT count(*) FROM attachment"),
        count(post, "SELECT count(*) FROM attachment_blob"),
        count(post, "SELECT count(*) FROM change_log"),
    )
}

fn bytes_of(data_url: &str) -> Vec<u8> {
    let (_, b64) = data_url.split_once(";base64,").expect("a base64 data URL");
    base64::engine::general_purpose::STANDARD.decode(b64).expect("base64")
}

fn hazard(post: &mut Post) -> String {
    let (vid, _, _) = post.household("青山村", "12");
    id(&post.call(
        "hazard.create",
        json!({"found_on": "2026-11-20", "found_by_name": "李四", "place": "3组桥头", "village_id": vid,
               "kind": "其他", "description": "护栏松动"}),
    ))
}

#[test]
fn photos_are_attached_from_files_listed_opened_counted_and_deleted() {
    let mut post = Post::new();
    let h = hazard(&mut post);
    let dir = post.dir.path().to_owned();
    let photo = sample_photo(11, 640, 480, FileType::Jpeg);
    std::fs::write(dir.join("桥头.jpg"), &photo).unwrap();
    std::fs::write(dir.join("again.JPEG"), &photo).unwrap();

    let first = post.call(
        "attachment.add",
        json!({"owner_kind": "hazard", "owner_id": h, "path": dir.join("桥头.jpg"), "caption": "整改前"}),
    );
    assert_eq!(
        (first["file_type"].as_str(), first["name"].as_str(), first["size"].as_u64()),
        (Some("jpeg"), Some("桥头.jpg"), Some(photo.len() as u64))
    );
    let second = post.call(
        "attachment.add",
        json!({"owner_kind": "hazard", "owner_id": h, "path": dir.join("again.JPEG"), "caption": "整改后"}),
    );
    assert_eq!(first["sm3"], second["sm3"]);
    assert_eq!(count(&post, "SELECT count(*) FROM attachment_blob"), 1, "the same bytes are stored once");

    let list = post.call("attachment.list", json!({"owner_kind": "hazard", "owner_id": h}));
    let list = list.as_array().unwrap();
    assert_eq!(list.iter().map(|a| a["caption"].as_str().unwrap()).collect::<Vec<_>>(), ["整改前", "整改后"]);
    let thumb = bytes_of(list[0]["thumb"].as_str().unwrap());
    let t = image::load_from_memory(&thumb).unwrap();
    assert_eq!((t.width(), t.height()), (240, 180), "a thumbnail made in the core");

    let full = post.call("attachment.get", json!({"id": first["id"]}));
    assert!(full["data_url"].as_str().unwrap().starts_with("data:image/jpeg;base64,"));
    assert_eq!(bytes_of(full["data_url"].as_str().unwrap()), photo, "the very bytes come back");

    // The change log names the file by its SM3; it never holds the bytes.
    let longest = count(&post, "SELECT max(length(value)) FROM change_log WHERE tbl = 'attachment'");
    assert!(longest < 100, "longest logged value {longest}");
    let logged_cols = count(
        &post,
        &format!("SELECT count(DISTINCT col) FROM change_log WHERE tbl = 'attachment' AND row_id = '{}'", id(&first)),
    );
    assert!(logged_cols >= 8, "each written column logged ({logged_cols})");

    // Refusals: too big, not an image (whatever its name), a PDF on a hazard; an unknown record.
    let before = stored(&post);
    let big = dir.join("big.jpg");
    let mut huge = photo.clone();
    huge.resize(30 << 20, 0);
    std::fs::write(&big, &huge).unwrap();
    std::fs::write(dir.join("notes.jpg"), "这是一段文字，不是照片").unwrap();
    std::fs::write(dir.join("scan.pdf"), b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n").unwrap();
    std::fs::write(dir.join("notes.txt"), "文字").unwrap();
    for (file, owner, words) in [
        ("big.jpg", h.as_str(), "过大（30.0 MB）"),
        ("notes.jpg", h.as_str(), "不是照片（JPEG、PNG）或 PDF 扫描件"),
        ("scan.pdf", h.as_str(), "只能添加照片"),
        ("notes.txt", h.as_str(), "文件名以 .jpg、.jpeg、.png、.pdf 结尾"),
        ("桥头.jpg", "no-such-hazard", "所选隐患不存在"),
    ] {
        let e =
            post.refused("attachment.add", json!({"owner_kind": "hazard", "owner_id": owner, "path": dir.join(file)}));
        assert!(e["message"].as_str().unwrap().contains(words), "{file}: {e}");
        assert_eq!(stored(&post), before, "{file}: nothing stored");
    }

    // The month's figures and the hazard ledger count the photos.
    let stats = post.call("stats.month", json!({"month": "2026-11"}));
    assert_eq!(stats["attachments"], json!({"hazard": 2, "incident": 0, "agreement": 0, "total": 2}));
    let out = dir.join("hazards.xlsx");
    post.call("ledger.export", json!({"kind": "hazards", "path": out, "month": "2026-11"}));
    let mut book: Xlsx<_> = open_workbook(&out).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let rows: Vec<Vec<Data>> = sheet.rows().map(|r| r.to_vec()).collect();
    let col = rows.iter().find_map(|r| r.iter().position(|c| *c == Data::String("照片".into()))).expect("照片 column");
    let header = rows.iter().position(|r| r.get(col) == Some(&Data::String("照片".into()))).unwrap();
    assert_eq!(rows[header + 1][col].to_string(), "2", "{:?}", rows[header + 1]);

    post.call("attachment.delete", json!({"id": first["id"]}));
    let left = post.call("attachment.list", json!({"owner_kind": "hazard", "owner_id": h}));
    assert_eq!(left.as_array().unwrap().len(), 1);
    let e = post.refused("attachment.get", json!({"id": first["id"]}));
    assert_eq!(e["code"], "not_found", "{e}");
    assert_eq!(count(&post, "SELECT count(*) FROM attachment WHERE deleted_at IS NOT NULL"), 1, "a soft delete");
}

#[test]
fn an_incident_takes_a_png_scene_photo() {
    let mut post = Post::new();
    let (vid, _, _) = post.household("青山村", "3");
    let incident = post.call(
        "incident.create",
        json!({"occurred_at": "2026-11-22 20:00", "place": "青山村3组", "kind": "help", "summary": "邻里争吵",
               "village_id": vid, "person_ids": []}),
    );
    let png = sample_photo(5, 300, 200, FileType::Png);
    let path = post.dir.path().join("现场.png");
    std::fs::write(&path, &png).unwrap();
    let a = post.call("attachment.add", json!({"owner_kind": "incident", "owner_id": incident["id"], "path": path}));
    assert_eq!((a["file_type"].as_str(), a["caption"].as_str()), (Some("png"), None));
    let got: Value = post.call("attachment.get", json!({"id": a["id"]}));
    assert_eq!(bytes_of(got["data_url"].as_str().unwrap()), png);
    assert_eq!(post.call("stats.month", json!({"month": "2026-11"}))["attachments"]["incident"], 1);
}
