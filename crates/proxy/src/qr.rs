//! Printable table QR codes: one SVG per table and an A4 sheet with all of them.

use crate::trust::TableLink;
use order_core::Table;
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};
use std::fmt::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum QrError {
    #[error("the base URL must start with http:// or https://, not {0:?}")]
    BaseUrl(String),
    #[error("cannot encode {0} as a QR code: {1}")]
    Encode(String, String),
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Links must open a web page.
pub fn check_base_url(base_url: &str) -> Result<(), QrError> {
    if base_url.starts_with("http://") || base_url.starts_with("https://") {
        Ok(())
    } else {
        Err(QrError::BaseUrl(base_url.into()))
    }
}

/// One code as SVG. Medium error correction survives a stained or scratched table card.
pub fn table_svg(url: &str) -> Result<String, QrError> {
    let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M)
        .map_err(|e| QrError::Encode(url.into(), e.to_string()))?;
    Ok(code
        .render::<svg::Color>()
        .min_dimensions(240, 240)
        .quiet_zone(true)
        .build())
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// One table's code: the table, the URL it opens, the SVG.
struct TableCode<'a> {
    table: &'a Table,
    url: &'a str,
    svg: String,
}

/// Every table's code, each rendered once.
fn table_codes(links: &[TableLink]) -> Result<Vec<TableCode<'_>>, QrError> {
    links
        .iter()
        .map(|link| {
            Ok(TableCode {
                table: &link.table,
                url: &link.url,
                svg: table_svg(&link.url)?,
            })
        })
        .collect()
}

/// The printable sheet: store name, a code per table with its name, cut guides, A4.
pub fn sheet_html(store_name: &str, links: &[TableLink]) -> Result<String, QrError> {
    Ok(sheet_of(store_name, &table_codes(links)?))
}

fn sheet_of(store_name: &str, codes: &[TableCode<'_>]) -> String {
    let mut cards = String::new();
    for TableCode { table: t, url, svg } in codes {
        // The SVG's own XML declaration cannot stand inside HTML.
        let svg = svg.split_once("?>").map(|(_, rest)| rest).unwrap_or(svg);
        let _ = writeln!(
            cards,
            "<figure class=\"card\">{svg}<figcaption><strong>{}</strong><span>{}</span><small>{}</small></figcaption></figure>",
            escape(&t.name),
            escape(&t.floor),
            escape(url)
        );
    }
    format!(
        r#"<!doctype html>
<html lang="ko">
<head>
<meta charset="utf-8">
<title>{title} — 테이블 QR</title>
<style>
  @page {{ size: A4; margin: 10mm; }}
  * {{ box-sizing: border-box; }}
  @media screen {{ body {{ padding: 10mm; }} }}
  body {{ margin: 0; font-family: "Noto Sans KR", "Apple SD Gothic Neo", sans-serif; color: #111; }}
  h1 {{ font-size: 16pt; margin: 0 0 6mm; }}
  .grid {{ display: grid; grid-template-columns: repeat(3, 1fr); }}
  .card {{ margin: 0; padding: 6mm 4mm; border: 0.3mm dashed #999; text-align: center; break-inside: avoid; }}
  .card svg {{ width: 45mm; height: 45mm; }}
  figcaption {{ display: grid; gap: 1mm; margin-top: 2mm; }}
  figcaption strong {{ font-size: 14pt; }}
  figcaption small {{ font-size: 6pt; color: #555; word-break: break-all; }}
  .hint {{ font-size: 9pt; color: #555; margin-top: 4mm; }}
  @media print {{ .hint {{ display: none; }} }}
</style>
</head>
<body>
<h1>{title}</h1>
<div class="grid">
{cards}</div>
<p class="hint">점선을 따라 자르세요. 각 코드는 해당 테이블의 주문 페이지를 엽니다. 링크 키를 바꾸면 이전에 인쇄한 코드는 더 이상 열리지 않으니 이 시트를 다시 인쇄하세요.</p>
</body>
</html>
"#,
        title = escape(store_name),
    )
}

/// Writes `SLUG-FLR-TBL.svg` per table and `SLUG-tables.html` into `dir`.
pub fn write_all(
    dir: &Path,
    store_name: &str,
    store: &str,
    links: &[TableLink],
) -> Result<Vec<PathBuf>, QrError> {
    let write = |path: PathBuf, text: &str| {
        std::fs::write(&path, text).map_err(|source| QrError::Write {
            path: path.clone(),
            source,
        })?;
        Ok::<PathBuf, QrError>(path)
    };
    std::fs::create_dir_all(dir).map_err(|source| QrError::Write {
        path: dir.to_path_buf(),
        source,
    })?;
    let codes = table_codes(links)?;
    let mut written = Vec::with_capacity(codes.len() + 1);
    for code in &codes {
        written.push(write(
            dir.join(format!("{store}-{}.svg", code.table.id)),
            &code.svg,
        )?);
    }
    written.push(write(
        dir.join(format!("{store}-tables.html")),
        &sheet_of(store_name, &codes),
    )?);
    Ok(written)
}
