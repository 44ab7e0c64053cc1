//! The one expression language of row filters and derived columns, in specs and on the command
//! line: SQL expressions, parsed and evaluated by polars' SQL engine (`polars::sql::sql_expr`),
//! not by an evaluator of our own. `year >= 1990 AND tgt_def = 1`, `cinc1 / (cinc1 + cinc2)`,
//! `CASE WHEN polity2_1 >= 6 AND polity2_2 >= 6 THEN 1 ELSE 0 END`, `stateabb1 IN ('USA',
//! 'RUS')`, `ln(distance + 1)`. `==` is read as `=`, as Stata and R users write it.
//!
//! A row whose filter is missing (a comparison with a missing value) is left out, as SQL's
//! WHERE and Stata's `if` leave it out.

use polars::prelude::*;

/// An expression that cannot be read or evaluated.
#[derive(Debug, Clone, thiserror::Error)]
#[error("`{text}`: {message}")]
pub struct ExprError {
    /// The expression as written.
    pub text: String,
    /// What is wrong.
    pub message: String,
}

fn parse_sql(text: &str) -> Result<(Expr, Vec<String>), ExprError> {
    let err = |message: String| ExprError { text: text.to_string(), message };
    if text.trim().is_empty() {
        return Err(err("an empty expression".into()));
    }
    let expr =
        polars::sql::sql_expr(text).map_err(|e| err(format!("not an SQL expression polars can read: {}", first_line(&e.to_string()))))?;
    let mut columns: Vec<String> = Vec::new();
    for c in expr.clone().meta().root_names() {
        if !columns.iter().any(|k| k == c.as_str()) {
            columns.push(c.to_string());
        }
    }
    Ok((expr, columns))
}

/// Why an expression's value in a row depends on other rows (an aggregate, a window, a sort,
/// a count), or None when it reads only its own row. Such an expression means something else
/// when a frame is computed block by block.
fn reads_other_rows(expr: &Expr) -> Option<&'static str> {
    expr.into_iter().find_map(|e| match e {
        // An aggregate of constants (the list of `IN (...)`) reads no rows.
        Expr::Agg(_) if !e.clone().meta().root_names().is_empty() => Some("an aggregate"),
        Expr::Over { .. } => Some("a window"),
        Expr::Sort { .. } | Expr::SortBy { .. } | Expr::Gather { .. } | Expr::Slice { .. } | Expr::Filter { .. } => {
            Some("a sort, slice or selection of rows")
        }
        Expr::Len | Expr::Explode { .. } => Some("a count or reshaping of rows"),
        _ => None,
    })
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or_default().trim()
}

/// Rewrites a polars error on `df` into what the user can act on: an unknown column named with
/// the nearest one the frame has.
fn explain(text: &str, e: &PolarsError, df: &DataFrame, columns: &[String]) -> ExprError {
    let names: Vec<String> = df.get_column_names().iter().map(|c| c.to_string()).collect();
    let message = match columns.iter().find(|c| !names.contains(c)) {
        Some(c) => format!("no column `{c}` in the frame{}", crate::suggest::did_you_mean(c, names.iter().map(String::as_str))),
        None => first_line(&e.to_string()).to_string(),
    };
    ExprError { text: text.to_string(), message }
}

/// A row filter (Stata's `if`, SQL's WHERE); the default keeps every row.
#[derive(Debug, Clone, Default)]
pub struct RowFilter {
    text: String,
    expr: Option<Expr>,
    columns: Vec<String>,
}

impl PartialEq for RowFilter {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl std::fmt::Display for RowFilter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl RowFilter {
    /// Parses `text` (an SQL boolean expression).
    pub fn parse(text: &str) -> Result<RowFilter, ExprError> {
        let text = text.trim();
        let (expr, columns) = parse_sql(text)?;
        Ok(RowFilter { text: text.to_string(), expr: Some(expr), columns })
    }

    /// The filter that keeps every row.
    pub fn all() -> RowFilter {
        RowFilter::default()
    }

    /// Whether it keeps every row.
    pub fn is_all(&self) -> bool {
        self.expr.is_none()
    }

    /// The expression as written (empty for [`RowFilter::all`]).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The frame's columns it reads.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// Why it reads rows other than its own (None: it does not), for a frame built in blocks.
    pub fn reads_other_rows(&self) -> Option<&'static str> {
        self.expr.as_ref().and_then(reads_other_rows)
    }

    /// The rows of `df` where it holds.
    pub fn apply(&self, df: &DataFrame) -> Result<DataFrame, ExprError> {
        let Some(expr) = &self.expr else { return Ok(df.clone()) };
        df.clone().lazy().filter(expr.clone()).collect().map_err(|e| explain(&self.text, &e, df, &self.columns))
    }
}

/// A column computed from others: `name = expression`.
#[derive(Debug, Clone)]
pub struct Derived {
    /// The new column's name.
    pub name: String,
    text: String,
    expr: Expr,
    columns: Vec<String>,
}

impl PartialEq for Derived {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.text == other.text
    }
}

impl Derived {
    /// The column `name` computed by `text`.
    pub fn new(name: &str, text: &str) -> Result<Derived, ExprError> {
        let name = name.trim();
        let ok = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !ok {
            return Err(ExprError {
                text: format!("{name} = {text}"),
                message: format!("`{name}` is not a column name (letters, digits and _, not starting with a digit)"),
            });
        }
        let (expr, columns) = parse_sql(text.trim())?;
        Ok(Derived { name: name.to_string(), text: text.trim().to_string(), expr, columns })
    }

    /// Parses `name = expression` (the first `=` not part of `==`, `<=`, `>=` or `!=` splits).
    pub fn parse(spec: &str) -> Result<Derived, ExprError> {
        let bytes = spec.as_bytes();
        let split = (0..bytes.len()).find(|&i| {
            bytes[i] == b'=' && !matches!(bytes.get(i + 1), Some(b'=')) && (i == 0 || !matches!(bytes[i - 1], b'=' | b'<' | b'>' | b'!'))
        });
        match split {
            Some(i) => Derived::new(&spec[..i], &spec[i + 1..]),
            None => Err(ExprError {
                text: spec.to_string(),
                message: "expected NAME = EXPRESSION, such as `dem_both = polity2_1 >= 6 AND polity2_2 >= 6`".into(),
            }),
        }
    }

    /// The expression as written.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The frame's columns it reads.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// Why it reads rows other than its own (None: it does not), for a frame built in blocks.
    pub fn reads_other_rows(&self) -> Option<&'static str> {
        reads_other_rows(&self.expr)
    }
}

/// `df` with the derived columns added in order (a later one may read an earlier one); a
/// boolean result is stored as 0/1, as the estimators read it.
pub fn derive(df: DataFrame, derived: &[Derived]) -> Result<DataFrame, ExprError> {
    let mut df = df;
    for d in derived {
        let out = df
            .clone()
            .lazy()
            .with_column(d.expr.clone().alias(d.name.as_str()))
            .collect()
            .map_err(|e| explain(&format!("{} = {}", d.name, d.text), &e, &df, &d.columns))?;
        df = out;
        let column = df.column(&d.name).map_err(|e| explain(&d.name, &e, &df, &[]))?;
        if column.dtype() == &DataType::Boolean {
            let ints = column.cast(&DataType::Int32).map_err(|e| explain(&d.name, &e, &df, &[]))?;
            if let Err(e) = df.with_column(ints) {
                return Err(ExprError { text: d.name.clone(), message: first_line(&e.to_string()).to_string() });
            }
        }
    }
    Ok(df)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame() -> DataFrame {
        df!("year" => [1816, 1950, 1990, 2000], "x" => [Some(1.0), Some(2.0), None, Some(4.0)], "abb" => ["USA", "UKG", "USA", "RUS"])
            .unwrap()
    }

    #[test]
    fn filters_read_sql_and_the_double_equals_of_r_and_stata() {
        let df = frame();
        for (text, rows) in [
            ("year >= 1950", 3),
            ("year == 1950", 1),
            ("year = 1950 or year = 2000", 2),
            ("year BETWEEN 1900 AND 1995 AND x > 1", 1),
            ("abb IN ('USA', 'RUS')", 3),
            ("x > 0", 3),
        ] {
            let f = RowFilter::parse(text).unwrap();
            assert_eq!(f.apply(&df).unwrap().height(), rows, "{text}");
        }
        let f = RowFilter::parse("year >= 1950 and x < 3").unwrap();
        assert_eq!(f.columns(), ["year", "x"]);
    }

    #[test]
    fn expressions_that_read_other_rows_are_told_apart() {
        for text in ["x - avg(x)", "x / sum(x)", "count(*)", "x - avg(x) OVER (PARTITION BY abb)", "max(year)"] {
            let d = Derived::new("d", text).unwrap();
            assert!(d.reads_other_rows().is_some(), "{text}");
        }
        for text in ["ln(x + 1)", "CASE WHEN year >= 1950 THEN 1 ELSE 0 END", "abb IN ('USA')", "x * 2 + year", "coalesce(x, 0)"] {
            assert_eq!(Derived::new("d", text).unwrap().reads_other_rows(), None, "{text}");
        }
        assert!(RowFilter::parse("x > avg(x)").unwrap().reads_other_rows().is_some());
        assert_eq!(RowFilter::parse("x > 1").unwrap().reads_other_rows(), None);
        assert_eq!(RowFilter::all().reads_other_rows(), None);
    }

    #[test]
    fn derived_columns_and_errors_that_name_the_column() {
        let df = frame();
        let d = [Derived::parse("late = year >= 1950").unwrap(), Derived::parse("y2 = x * 2 + late").unwrap()];
        let out = derive(df.clone(), &d).unwrap();
        let y2: Vec<Option<f64>> = out.column("y2").unwrap().f64().unwrap().iter().collect();
        assert_eq!(y2, vec![Some(2.0), Some(5.0), None, Some(9.0)]);
        assert_eq!(out.column("late").unwrap().dtype(), &DataType::Int32);
        let e = RowFilter::parse("yeer > 1900").unwrap().apply(&df).unwrap_err();
        assert!(e.to_string().contains("no column `yeer`") && e.to_string().contains("year"), "{e}");
        assert!(Derived::parse("1x = year").is_err());
        assert!(Derived::parse("year").unwrap_err().to_string().contains("NAME = EXPRESSION"));
        assert!(RowFilter::parse("year >= ").is_err());
    }
}
