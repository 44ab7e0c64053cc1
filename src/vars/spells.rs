//! Peace years (Beck, Katz & Tucker 1998; Stata `btscs` convention) and their polynomial
//! (Carter & Signorino 2010) and cubic spline terms.

use std::collections::HashMap;

/// Default spline knots.
pub const KNOTS: [f64; 3] = [1.0, 4.0, 7.0];

/// Peace years of rows sorted by (ccode1, ccode2, year): 0 in a dyad's first observed year, in
/// the year after an onset, and in the first year after a gap in the dyad's years; otherwise one
/// more than the year before. Rows with unknown onset (outside the dispute data's years) get
/// null, and the spell restarts after them.
pub fn peace_years(c1: &[i32], c2: &[i32], year: &[i32], onset: &[Option<i32>]) -> Vec<Option<i32>> {
    peace_years_on(c1, c2, year, onset, &mut HashMap::new())
}

/// [`peace_years`] continuing the spells in `carry` (per dyad: its last year, peace years and
/// onset before these rows), which is left holding where each dyad's spell stands after them.
pub fn peace_years_on(
    c1: &[i32],
    c2: &[i32],
    year: &[i32],
    onset: &[Option<i32>],
    carry: &mut HashMap<(i32, i32), (i32, i32, bool)>,
) -> Vec<Option<i32>> {
    let mut out = Vec::with_capacity(year.len());
    let mut prev: Option<(i32, i32, i32, i32, bool)> = None; // (c1, c2, year, peace, onset)
    for i in 0..year.len() {
        let dyad = (c1[i], c2[i]);
        let first = i == 0 || (c1[i - 1], c2[i - 1]) != dyad;
        if first {
            prev = carry.remove(&dyad).map(|(y, p, o)| (dyad.0, dyad.1, y, p, o));
        }
        let last = i + 1 == year.len() || (c1[i + 1], c2[i + 1]) != dyad;
        let Some(this_onset) = onset[i] else {
            out.push(None);
            prev = None;
            continue;
        };
        let py = match prev {
            Some((a, b, y, p, o)) if a == c1[i] && b == c2[i] && y + 1 == year[i] => {
                if o {
                    0
                } else {
                    p + 1
                }
            }
            _ => 0,
        };
        out.push(Some(py));
        prev = Some((c1[i], c2[i], year[i], py, this_onset == 1));
        if last {
            carry.insert(dyad, (year[i], py, this_onset == 1));
        }
    }
    out
}

/// `peace_years` raised to `power`.
pub fn power(py: &[Option<i32>], power: i32) -> Vec<Option<f64>> {
    py.iter().map(|p| p.map(|p| f64::from(p).powi(power))).collect()
}

/// Truncated cubic term for a knot: (t − k)³ where t > k, else 0.
pub fn spline(py: &[Option<i32>], knot: f64) -> Vec<Option<f64>> {
    py.iter().map(|p| p.map(|p| (f64::from(p) - knot).max(0.0).powi(3))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spells_reset_after_onsets_and_gaps() {
        // One dyad, 1900-1909 with a gap at 1905, onsets in 1901 and 1902, then a second dyad.
        let years = [1900, 1901, 1902, 1903, 1904, 1906, 1907, 1900, 1901];
        let c1 = [2, 2, 2, 2, 2, 2, 2, 2, 20];
        let c2 = [20, 20, 20, 20, 20, 20, 20, 40, 40];
        let on = [0, 1, 1, 0, 0, 0, 1, 0, 0].map(Some);
        let py = peace_years(&c1, &c2, &years, &on);
        // first year 0; 1901 onset: 1; after onset 0 (1902 is itself an onset); after onset 0;
        // 1904: 1; gap → 0; 1907: 1 (an onset year counts the peace before it).
        assert_eq!(py, [0, 1, 0, 0, 1, 0, 1, 0, 0].map(Some));
        assert_eq!(power(&py, 2)[4], Some(1.0));
        assert_eq!(spline(&[Some(5)], 1.0), [Some(64.0)]);
        assert_eq!(spline(&[Some(5)], 7.0), [Some(0.0)]);
        assert_eq!(peace_years(&[2, 2], &[20, 20], &[1900, 1901], &[None, Some(0)]), [None, Some(0)]);
    }

    #[test]
    fn spells_carried_across_blocks_equal_one_pass() {
        // Dyads (1,2) and (3,4) over 1900-1907, (3,4) with a gap, an onset and an unknown year.
        let rows: Vec<(i32, i32, i32, Option<i32>)> = vec![
            (1, 2, 1900, Some(0)),
            (1, 2, 1901, Some(1)),
            (1, 2, 1902, Some(0)),
            (1, 2, 1903, Some(0)),
            (1, 2, 1904, Some(0)),
            (3, 4, 1900, Some(0)),
            (3, 4, 1901, Some(0)),
            (3, 4, 1903, Some(0)),
            (3, 4, 1904, None),
            (3, 4, 1905, Some(0)),
            (5, 6, 1903, Some(1)),
            (5, 6, 1904, Some(0)),
        ];
        let cols = |r: &[(i32, i32, i32, Option<i32>)]| {
            (
                r.iter().map(|x| x.0).collect::<Vec<_>>(),
                r.iter().map(|x| x.1).collect::<Vec<_>>(),
                r.iter().map(|x| x.2).collect::<Vec<_>>(),
                r.iter().map(|x| x.3).collect::<Vec<_>>(),
            )
        };
        let (a, b, y, o) = cols(&rows);
        let whole = peace_years(&a, &b, &y, &o);
        for cut in 1900..=1905 {
            let mut carry = HashMap::new();
            let mut blocks = Vec::new();
            for keep in [|y: i32, cut: i32| y <= cut, |y: i32, cut: i32| y > cut] {
                let part: Vec<_> = rows.iter().copied().filter(|r| keep(r.2, cut)).collect();
                let (a, b, y, o) = cols(&part);
                blocks.extend(part.iter().map(|r| (r.0, r.1, r.2)).zip(peace_years_on(&a, &b, &y, &o, &mut carry)));
            }
            blocks.sort_by_key(|(k, _)| *k);
            assert_eq!(blocks.iter().map(|(_, p)| *p).collect::<Vec<_>>(), whole, "cut after {cut}");
        }
    }
}
