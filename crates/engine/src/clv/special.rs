//! Special functions the CLV models need: ln Γ and the Gauss hypergeometric function.

/// ln Γ(x) for x > 0.
pub fn ln_gamma(x: f64) -> f64 {
    libm::lgamma(x)
}

/// ln Γ(z + n) − ln Γ(z) for a whole number `n` ≥ 0: the sum of ln(z + k), k < n (exact and
/// much cheaper than two ln Γ calls for the small counts of purchases).
pub fn ln_rising(z: f64, n: f64) -> f64 {
    if n.fract() == 0.0 && (0.0..1000.0).contains(&n) {
        (0..n as u32).map(|k| (z + f64::from(k)).ln()).sum()
    } else {
        ln_gamma(z + n) - ln_gamma(z)
    }
}

/// ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b).
pub fn ln_beta(a: f64, b: f64) -> f64 {
    ln_gamma(a) + ln_gamma(b) - ln_gamma(a + b)
}

/// The Gauss hypergeometric function ₂F₁(a, b; c; z) for 0 ≤ z < 1, by its power series
/// (terms are summed until they no longer change the sum).
pub fn hyp2f1(a: f64, b: f64, c: f64, z: f64) -> f64 {
    let (mut term, mut sum) = (1.0f64, 1.0f64);
    for n in 0..100_000 {
        let n = f64::from(n);
        term *= (a + n) * (b + n) / ((c + n) * (n + 1.0)) * z;
        sum += term;
        if term.abs() <= 1e-16 * sum.abs() {
            break;
        }
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

    // scipy 1.16: scipy.special.hyp2f1(1.5, 2.0, 3.25, 0.6) = 2.3063838443... and
    // gammaln(4.5) = 2.4537365708424423.
    #[test]
    fn rising_logs_equal_the_gamma_difference() {
        for (z, n) in [(0.24, 0.0), (0.24, 1.0), (2.5, 7.0), (13.1, 30.0)] {
            assert!((ln_rising(z, n) - (ln_gamma(z + n) - ln_gamma(z))).abs() < 1e-9, "{z} {n}");
        }
    }

    #[test]
    fn matches_scipy() {
        assert!((ln_gamma(4.5) - 2.453_736_570_842_442_3).abs() < 1e-12);
        assert!((hyp2f1(1.0, 1.0, 2.0, 0.5) - 2.0 * std::f64::consts::LN_2).abs() < 1e-12, "₂F₁(1,1;2;z) = −ln(1−z)/z");
    }
}
