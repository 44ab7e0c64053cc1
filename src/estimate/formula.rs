//! Model formulas, R and patsy style:
//! `outcome ~ x1 + I(x2^2) + log(x3) + a:b + c*d + C(region, ref=2) - 1 | fe1 + fe2`.
//!
//! `a*b` is `a + b + a:b`; `- 1` or `+ 0` drops the intercept; `C(x)` makes one indicator per
//! level of `x` but the reference (the lowest, or `ref=`); after `|` come the fixed effects to
//! absorb.

use super::error::EstimateError;
use std::collections::HashMap;

/// An arithmetic expression over columns, as inside `I()` or `log()`.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A number.
    Num(f64),
    /// A column's value.
    Col(String),
    /// −e.
    Neg(Box<Expr>),
    /// e₁ op e₂ with op one of `+ - * / ^`.
    Bin(char, Box<Expr>, Box<Expr>),
    /// `log`, `exp` or `sqrt` of e.
    Call(String, Box<Expr>),
}

impl Expr {
    /// The value for one row, given each column's value; `None` when a column is missing.
    /// Undefined arithmetic (the log of a negative number) gives a non-finite value.
    pub fn eval(&self, get: &dyn Fn(&str) -> Option<f64>) -> Option<f64> {
        Some(match self {
            Expr::Num(v) => *v,
            Expr::Col(c) => get(c)?,
            Expr::Neg(e) => -e.eval(get)?,
            Expr::Bin(op, a, b) => {
                let (a, b) = (a.eval(get)?, b.eval(get)?);
                match op {
                    '+' => a + b,
                    '-' => a - b,
                    '*' => a * b,
                    '/' => a / b,
                    _ => a.powf(b),
                }
            }
            Expr::Call(f, e) => {
                let v = e.eval(get)?;
                match f.as_str() {
                    "log" => v.ln(),
                    "exp" => v.exp(),
                    _ => v.sqrt(),
                }
            }
        })
    }

    /// The value and the derivative with respect to column `wrt` for one row (forward-mode
    /// differentiation: exact, not a finite difference); `None` when a column is missing.
    pub fn eval_derivative(&self, wrt: &str, get: &dyn Fn(&str) -> Option<f64>) -> Option<(f64, f64)> {
        Some(match self {
            Expr::Num(v) => (*v, 0.0),
            Expr::Col(c) => (get(c)?, if c == wrt { 1.0 } else { 0.0 }),
            Expr::Neg(e) => {
                let (v, d) = e.eval_derivative(wrt, get)?;
                (-v, -d)
            }
            Expr::Bin(op, a, b) => {
                let ((a, da), (b, db)) = (a.eval_derivative(wrt, get)?, b.eval_derivative(wrt, get)?);
                match op {
                    '+' => (a + b, da + db),
                    '-' => (a - b, da - db),
                    '*' => (a * b, da * b + a * db),
                    '/' => (a / b, (da * b - a * db) / (b * b)),
                    // A constant exponent (the usual x^2) keeps the rule defined at x = 0.
                    _ if db == 0.0 => (a.powf(b), if da == 0.0 { 0.0 } else { b * a.powf(b - 1.0) * da }),
                    _ => (a.powf(b), a.powf(b) * (db * a.ln() + b * da / a)),
                }
            }
            Expr::Call(f, e) => {
                let (v, d) = e.eval_derivative(wrt, get)?;
                match f.as_str() {
                    "log" => (v.ln(), d / v),
                    "exp" => (v.exp(), v.exp() * d),
                    _ => (v.sqrt(), d / (2.0 * v.sqrt())),
                }
            }
        })
    }

    /// The values at the rows `rows` of frame columns given whole (callers pass complete rows
    /// only).
    pub fn eval_rows(&self, columns: &HashMap<&str, &[f64]>, rows: &[usize]) -> Vec<f64> {
        match self {
            Expr::Num(v) => vec![*v; rows.len()],
            Expr::Col(c) => {
                let col = columns.get(c.as_str()).copied().unwrap_or_default();
                rows.iter().map(|&i| col.get(i).copied().unwrap_or(f64::NAN)).collect()
            }
            Expr::Neg(e) => e.eval_rows(columns, rows).into_iter().map(|v| -v).collect(),
            Expr::Bin(op, a, b) => {
                let (a, b) = (a.eval_rows(columns, rows), b.eval_rows(columns, rows));
                a.iter()
                    .zip(&b)
                    .map(|(a, b)| match op {
                        '+' => a + b,
                        '-' => a - b,
                        '*' => a * b,
                        '/' => a / b,
                        _ => a.powf(*b),
                    })
                    .collect()
            }
            Expr::Call(f, e) => {
                let v = e.eval_rows(columns, rows);
                match f.as_str() {
                    "log" => v.iter().map(|v| v.ln()).collect(),
                    "exp" => v.iter().map(|v| v.exp()).collect(),
                    _ => v.iter().map(|v| v.sqrt()).collect(),
                }
            }
        }
    }

    /// Columns the expression reads, in order of appearance.
    pub fn columns(&self, out: &mut Vec<String>) {
        match self {
            Expr::Num(_) => {}
            Expr::Col(c) => {
                if !out.contains(c) {
                    out.push(c.clone())
                }
            }
            Expr::Neg(e) | Expr::Call(_, e) => e.columns(out),
            Expr::Bin(_, a, b) => {
                a.columns(out);
                b.columns(out);
            }
        }
    }
}

/// One factor of a term: a numeric expression, or a categorical column.
#[derive(Debug, Clone, PartialEq)]
pub enum Factor {
    /// A numeric regressor: a column, `I(expr)` or `log(expr)`; `label` is how it is written.
    Numeric {
        /// The name in tables (`x`, `I(x^2)`, `log(cap)`).
        label: String,
        /// Its value.
        expr: Expr,
    },
    /// `C(col)` or `C(col, ref=v)`: an indicator for every level of `col` (numbers or text)
    /// but the reference.
    Categorical {
        /// Column.
        column: String,
        /// Reference level as written (`2001`, `N`); the lowest level when not given.
        reference: Option<String>,
    },
}

impl Factor {
    /// The label of the whole factor.
    pub fn label(&self) -> String {
        match self {
            Factor::Numeric { label, .. } => label.clone(),
            Factor::Categorical { column, .. } => format!("C({column})"),
        }
    }
}

/// A term: one factor, or an interaction (`a:b`) of several.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    /// Its factors.
    pub factors: Vec<Factor>,
}

impl Term {
    /// `a:b` style label.
    pub fn label(&self) -> String {
        self.factors.iter().map(Factor::label).collect::<Vec<_>>().join(":")
    }
}

/// A parsed formula.
#[derive(Debug, Clone, PartialEq)]
pub struct Formula {
    /// Outcome column.
    pub outcome: String,
    /// Terms, in order, each once.
    pub terms: Vec<Term>,
    /// Whether the model has an intercept.
    pub intercept: bool,
    /// Columns whose fixed effects are absorbed (after `|`).
    pub fixed_effects: Vec<String>,
}

impl Formula {
    /// The columns the regressors read, in order of appearance.
    pub fn regressor_columns(&self) -> Vec<String> {
        let mut out = Vec::new();
        for f in self.terms.iter().flat_map(|t| &t.factors) {
            match f {
                Factor::Numeric { expr, .. } => expr.columns(&mut out),
                Factor::Categorical { column, .. } => {
                    if !out.contains(column) {
                        out.push(column.clone())
                    }
                }
            }
        }
        out
    }

    /// Every column the formula reads: outcome, regressors' columns and fixed effects.
    pub fn columns(&self) -> Vec<String> {
        let mut out = vec![self.outcome.clone()];
        for c in self.regressor_columns() {
            if !out.contains(&c) {
                out.push(c);
            }
        }
        for c in &self.fixed_effects {
            if !out.contains(c) {
                out.push(c.clone());
            }
        }
        out
    }
}

fn bad(formula: &str, why: impl Into<String>) -> EstimateError {
    EstimateError::Formula { formula: formula.to_string(), why: why.into() }
}

/// A recursive-descent reader over the right-hand side.
struct Reader<'a> {
    s: &'a [u8],
    at: usize,
    formula: &'a str,
}

fn is_name(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'.'
}

impl Reader<'_> {
    fn skip(&mut self) {
        while self.at < self.s.len() && self.s[self.at].is_ascii_whitespace() {
            self.at += 1;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.skip();
        self.s.get(self.at).copied()
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, c: u8) -> Result<(), EstimateError> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(self.error(&format!("expected `{}`", c as char)))
        }
    }

    fn error(&self, what: &str) -> EstimateError {
        let rest = String::from_utf8_lossy(&self.s[self.at.min(self.s.len())..]).trim().to_string();
        let near = if rest.is_empty() { "at the end".to_string() } else { format!("at `{rest}`") };
        bad(self.formula, format!("{what} {near}"))
    }

    fn name(&mut self) -> Option<String> {
        self.skip();
        let start = self.at;
        while self.at < self.s.len() && is_name(self.s[self.at]) {
            self.at += 1;
        }
        // A composed variable's condition belongs to its name: `tgt_def[major]`, `x[cinc>0.1]`.
        if self.at > start && self.s.get(self.at) == Some(&b'[') {
            if let Some(len) = self.s[self.at..].iter().position(|&c| c == b']') {
                self.at += len + 1;
            }
        }
        (self.at > start).then(|| String::from_utf8_lossy(&self.s[start..self.at]).into_owned())
    }

    /// A level: `"text"` or `'text'`, or a bare word or number (with a sign).
    fn level(&mut self) -> Result<String, EstimateError> {
        if let Some(q @ (b'"' | b'\'')) = self.peek() {
            let start = self.at + 1;
            let Some(len) = self.s[start..].iter().position(|&c| c == q) else {
                return Err(self.error("unclosed quote in the level"));
            };
            self.at = start + len + 1;
            return Ok(String::from_utf8_lossy(&self.s[start..start + len]).into_owned());
        }
        let neg = self.eat(b'-');
        let v = self.name().ok_or_else(|| self.error("expected a level (a number, a word or a quoted text)"))?;
        Ok(if neg { format!("-{v}") } else { v })
    }

    /// Source text between two offsets, spaces removed: the label of `I(...)`.
    fn text(&self, from: usize) -> String {
        String::from_utf8_lossy(&self.s[from..self.at]).chars().filter(|c| !c.is_whitespace()).collect()
    }

    // expr := sum; sum := prod (('+'|'-') prod)*; prod := unary (('*'|'/') unary)*;
    // unary := '-' unary | power; power := atom ('^' unary)?
    fn expr(&mut self) -> Result<Expr, EstimateError> {
        let mut e = self.product()?;
        loop {
            let op = match self.peek() {
                Some(c @ (b'+' | b'-')) => c,
                _ => return Ok(e),
            };
            self.at += 1;
            e = Expr::Bin(op as char, Box::new(e), Box::new(self.product()?));
        }
    }

    fn product(&mut self) -> Result<Expr, EstimateError> {
        let mut e = self.unary()?;
        loop {
            let op = match self.peek() {
                Some(c @ (b'*' | b'/')) => c,
                _ => return Ok(e),
            };
            self.at += 1;
            e = Expr::Bin(op as char, Box::new(e), Box::new(self.unary()?));
        }
    }

    fn unary(&mut self) -> Result<Expr, EstimateError> {
        if self.eat(b'-') {
            return Ok(Expr::Neg(Box::new(self.unary()?)));
        }
        let base = self.atom()?;
        if self.eat(b'^')
            || (self.peek() == Some(b'*') && self.s.get(self.at + 1) == Some(&b'*') && {
                self.at += 2;
                true
            })
        {
            return Ok(Expr::Bin('^', Box::new(base), Box::new(self.unary()?)));
        }
        Ok(base)
    }

    fn atom(&mut self) -> Result<Expr, EstimateError> {
        if self.eat(b'(') {
            let e = self.expr()?;
            self.expect(b')')?;
            return Ok(e);
        }
        let Some(word) = self.name() else { return Err(self.error("expected a number, a column or `(`")) };
        if let Ok(v) = word.parse::<f64>() {
            return Ok(Expr::Num(v));
        }
        if self.peek() == Some(b'(') {
            if !matches!(word.as_str(), "log" | "exp" | "sqrt") {
                return Err(bad(self.formula, format!("unknown function `{word}()`: expected log, exp or sqrt")));
            }
            self.at += 1;
            let e = self.expr()?;
            self.expect(b')')?;
            return Ok(Expr::Call(word, Box::new(e)));
        }
        Ok(Expr::Col(word))
    }

    /// factor := NAME | I(expr) | log(expr) | exp(expr) | sqrt(expr) | C(NAME [, ref=LEVEL | Treatment([reference=]LEVEL)])
    fn factor(&mut self) -> Result<Factor, EstimateError> {
        let start = {
            self.skip();
            self.at
        };
        let Some(word) = self.name() else { return Err(self.error("expected a term")) };
        if self.peek() != Some(b'(') {
            if word.parse::<f64>().is_ok() {
                return Err(bad(self.formula, format!("`{word}` is not a term (only `1` and `0` are, for the intercept)")));
            }
            return Ok(Factor::Numeric { label: word.clone(), expr: Expr::Col(word) });
        }
        self.at += 1;
        match word.as_str() {
            "I" => {
                let expr = self.expr()?;
                self.expect(b')')?;
                Ok(Factor::Numeric { label: self.text(start), expr })
            }
            "log" | "exp" | "sqrt" => {
                let e = self.expr()?;
                self.expect(b')')?;
                Ok(Factor::Numeric { label: self.text(start), expr: Expr::Call(word, Box::new(e)) })
            }
            "C" => {
                let Some(column) = self.name() else { return Err(self.error("expected a column in C()")) };
                let mut reference = None;
                if self.eat(b',') {
                    // R-style `ref=LEVEL`, or patsy's `Treatment(reference=LEVEL)` / `Treatment(LEVEL)`.
                    match self.name().as_deref() {
                        Some("ref") if self.eat(b'=') => reference = Some(self.level()?),
                        Some("Treatment") if self.eat(b'(') => {
                            let at = self.at;
                            if !(self.name().as_deref() == Some("reference") && self.eat(b'=')) {
                                self.at = at;
                            }
                            reference = Some(self.level()?);
                            self.expect(b')')?;
                        }
                        _ => return Err(self.error("expected `ref=LEVEL` in C()")),
                    }
                }
                self.expect(b')')?;
                Ok(Factor::Categorical { column, reference })
            }
            _ => Err(bad(self.formula, format!("unknown function `{word}()`: expected I, log, exp, sqrt or C"))),
        }
    }
}

/// Parses a formula.
pub fn parse(formula: &str) -> Result<Formula, EstimateError> {
    let Some((lhs, rest)) = formula.split_once('~') else {
        return Err(bad(formula, "expected `outcome ~ regressors`"));
    };
    let outcome = lhs.trim();
    if outcome.is_empty() || !outcome.bytes().all(is_name) {
        return Err(bad(formula, "the outcome must be one column name"));
    }
    let (rhs, fe) = match rest.split_once('|') {
        Some((r, fe)) => (r, Some(fe)),
        None => (rest, None),
    };
    let mut f = Formula { outcome: outcome.to_string(), terms: Vec::new(), intercept: true, fixed_effects: Vec::new() };
    if let Some(fe) = fe {
        for c in fe.split('+').map(str::trim) {
            if c.is_empty() || !c.bytes().all(is_name) || c.parse::<f64>().is_ok() {
                return Err(bad(formula, format!("`{c}` after `|` is not a column name: fixed effects are columns, `| fe1 + fe2`")));
            }
            if !f.fixed_effects.iter().any(|x| x == c) {
                f.fixed_effects.push(c.to_string());
            }
        }
    }
    let mut r = Reader { s: rhs.as_bytes(), at: 0, formula };
    let mut sign = b'+';
    loop {
        r.skip();
        let number = |r: &mut Reader| {
            let save = r.at;
            match r.name() {
                Some(w) if (w == "0" || w == "1") && matches!(r.peek(), None | Some(b'+' | b'-')) => Some(w),
                _ => {
                    r.at = save;
                    None
                }
            }
        };
        if let Some(w) = number(&mut r) {
            f.intercept = (w == "1") == (sign == b'+');
        } else if sign == b'-' {
            return Err(r.error("only `- 1` can be removed"));
        } else {
            // term := inter ('*' inter)*; inter := factor (':' factor)*. `a*b` is every
            // non-empty product of its parts, lower orders first, as R orders them.
            let mut groups: Vec<Vec<Factor>> = Vec::new();
            loop {
                let mut inter = vec![r.factor()?];
                while r.eat(b':') {
                    inter.push(r.factor()?);
                }
                groups.push(inter);
                if !r.eat(b'*') {
                    break;
                }
            }
            let mut subsets: Vec<Vec<usize>> =
                (1..1usize << groups.len()).map(|m| (0..groups.len()).filter(|g| m & (1 << g) != 0).collect()).collect();
            subsets.sort_by_key(|s| (s.len(), s.clone()));
            let parts = subsets.into_iter().map(|s| {
                let mut fs: Vec<Factor> = Vec::new();
                for f in s.iter().flat_map(|&g| groups[g].iter()) {
                    if !fs.contains(f) {
                        fs.push(f.clone());
                    }
                }
                fs
            });
            for factors in parts {
                let t = Term { factors };
                if !f.terms.contains(&t) {
                    f.terms.push(t);
                }
            }
        }
        match r.peek() {
            None => break,
            Some(c @ (b'+' | b'-')) => {
                sign = c;
                r.at += 1;
            }
            Some(_) => return Err(r.error("expected `+`, `-`, `:` or `*`")),
        }
    }
    if f.terms.is_empty() && !f.intercept {
        return Err(bad(formula, "the model has no regressors"));
    }
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(f: &Formula) -> Vec<String> {
        f.terms.iter().map(Term::label).collect()
    }

    #[test]
    fn formulas_parse() {
        let f = parse("init ~ tgt_def + chal_def+peace_years").unwrap();
        assert_eq!((f.outcome.as_str(), f.terms.len(), f.intercept), ("init", 3, true));
        assert!(!parse("y ~ x - 1").unwrap().intercept);
        assert!(!parse("y ~ 0 + x").unwrap().intercept);
        let f = parse("y ~ a*b + I(py^2) + I(py ** 3 / 1000) + log(cap + 1) + C(region, ref=2) | dyad_id + year").unwrap();
        assert_eq!(labels(&f), ["a", "b", "a:b", "I(py^2)", "I(py**3/1000)", "log(cap+1)", "C(region)"]);
        assert_eq!(f.fixed_effects, ["dyad_id", "year"]);
        assert_eq!(f.columns(), ["y", "a", "b", "py", "cap", "region", "dyad_id", "year"]);
        let Factor::Numeric { expr, .. } = &f.terms[4].factors[0] else { panic!() };
        assert_eq!(expr.eval(&|_| Some(10.0)), Some(1.0));
        let f = parse("y ~ a*b*c").unwrap();
        assert_eq!(labels(&f), ["a", "b", "c", "a:b", "a:c", "b:c", "a:b:c"]);
        assert_eq!(labels(&parse("y ~ a*b:c").unwrap()), ["a", "b:c", "a:b:c"]);
        let f = parse("y ~ a + a:C(r)").unwrap();
        assert_eq!(labels(&f), ["a", "a:C(r)"]);
        let Factor::Numeric { expr, .. } = &parse("y ~ I(-x^2 + 2*(x - 1))").unwrap().terms[0].factors[0].clone() else { panic!() };
        assert_eq!(expr.eval(&|_| Some(3.0)), Some(-9.0 + 4.0), "^ binds tighter than unary minus, as in R");
    }

    #[test]
    fn bad_formulas_say_where() {
        assert!(parse("y x").unwrap_err().to_string().contains("expected `outcome ~ regressors`"));
        assert!(parse("y ~ x +").unwrap_err().to_string().contains("expected a term at the end"));
        assert!(parse("y ~ foo(x)").unwrap_err().to_string().contains("unknown function `foo()`"));
        assert!(parse("y ~ I(x + )").unwrap_err().to_string().contains("expected a number, a column or `(` at `)`"));
        assert!(parse("y ~ x - z").unwrap_err().to_string().contains("only `- 1` can be removed"));
        assert!(parse("y ~ x | 2").unwrap_err().to_string().contains("fixed effects are columns"));
        assert!(parse("y ~ C(r, 2)").unwrap_err().to_string().contains("expected `ref=LEVEL`"));
        assert!(parse("y ~ x y").unwrap_err().to_string().contains("expected `+`, `-`, `:` or `*` at `y`"));
    }
}
