//! Listings: a frame's rows shown as they are (a focal state's entanglement episodes), sorted
//! by their columns in the order listed, as Markdown, HTML and CSV.

use super::table::{escape_html, escape_md};
use polars::prelude::*;
use std::collections::BTreeMap;
use std::fmt::Write;

/// Rows to show, with their headings.
#[derive(Debug, Clone, PartialEq)]
pub struct Listing {
    /// Column names.
    pub columns: Vec<String>,
    /// Headings (labels, else the names).
    pub headings: Vec<String>,
    /// Cells as text (empty for a missing value).
    pub rows: Vec<Vec<String>>,
}

fn cell(v: AnyValue) -> String {
    match v {
        AnyValue::Null => String::new(),
        AnyValue::String(s) => s.to_string(),
        AnyValue::StringOwned(s) => s.to_string(),
        AnyValue::Float64(x) => format!("{x}"),
        AnyValue::Float32(x) => format!("{x}"),
        other => other.to_string(),
    }
}

impl Listing {
    /// The `columns` of `df`, its rows sorted by them in order, headed by `labels`.
    pub fn from_frame(df: &DataFrame, columns: &[String], labels: &BTreeMap<String, String>) -> PolarsResult<Listing> {
        let sorted = df.select(columns.iter().map(String::as_str))?.sort(columns.to_vec(), SortMultipleOptions::default())?;
        let rows = (0..sorted.height())
            .map(|i| sorted.columns().iter().map(|c| c.get(i).map(cell)).collect::<PolarsResult<Vec<String>>>())
            .collect::<PolarsResult<Vec<_>>>()?;
        let headings = columns.iter().map(|c| labels.get(c).cloned().unwrap_or_else(|| c.clone())).collect();
        Ok(Listing { columns: columns.to_vec(), headings, rows })
    }

    /// As a Markdown (pipe) table.
    pub fn markdown(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "| {} |", self.headings.iter().map(|h| escape_md(h)).collect::<Vec<_>>().join(" | "));
        let _ = writeln!(s, "|{}", ":--|".repeat(self.headings.len()));
        for r in &self.rows {
            let _ = writeln!(s, "| {} |", r.iter().map(|c| escape_md(c)).collect::<Vec<_>>().join(" | "));
        }
        let _ = writeln!(s, "\n{} rows.", self.rows.len());
        s
    }

    /// As an HTML table (class `data`).
    pub fn html(&self) -> String {
        let mut s = String::from("<table class=\"data\">\n<thead><tr>");
        for h in &self.headings {
            let _ = write!(s, "<th>{}</th>", escape_html(h));
        }
        s.push_str("</tr></thead>\n<tbody>\n");
        for r in &self.rows {
            let _ = writeln!(s, "<tr>{}</tr>", r.iter().map(|c| format!("<td>{}</td>", escape_html(c))).collect::<String>());
        }
        s.push_str("</tbody>\n</table>\n");
        s
    }

    /// As CSV with the column names as header.
    pub fn csv(&self) -> String {
        let quote = |v: &str| if v.contains([',', '"', '\n']) { format!("\"{}\"", v.replace('"', "\"\"")) } else { v.to_string() };
        let mut s = self.columns.iter().map(|c| quote(c)).collect::<Vec<_>>().join(",");
        s.push('\n');
        for r in &self.rows {
            s.push_str(&r.iter().map(|c| quote(c)).collect::<Vec<_>>().join(","));
            s.push('\n');
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_sorted_by_the_listed_columns_with_labels_and_escapes() {
        let df = df!("styear" => [1990, 1950, 1950], "dispnum" => [3, 9, 2], "who" => [Some("ROK"), None, Some("A|B, C")]).unwrap();
        let labels = BTreeMap::from([("styear".to_string(), "Year".to_string())]);
        let l = Listing::from_frame(&df, &["styear".into(), "dispnum".into(), "who".into()], &labels).unwrap();
        assert_eq!(l.headings, ["Year", "dispnum", "who"]);
        assert_eq!(l.rows, [["1950", "2", "A|B, C"], ["1950", "9", ""], ["1990", "3", "ROK"]]);
        assert_eq!(l.markdown().lines().nth(2), Some("| 1950 | 2 | A\\|B, C |"));
        assert_eq!(l.csv(), "styear,dispnum,who\n1950,2,\"A|B, C\"\n1950,9,\n1990,3,ROK\n");
        assert!(l.html().contains("<th>Year</th>") && l.html().contains("<td>A|B, C</td>"));
    }
}
