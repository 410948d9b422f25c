"""Bootstrapped distribution of Krippendorff's alpha, as in Hayes & Krippendorff (2007), their
KALPHA macro (v3.0) and Krippendorff's "Algorithm for bootstrapping a distribution of alpha"
(2006, revised 2011/2013) that both implement.

The procedure does not resample units. It draws pairs of values from the observed coincidence
matrix and keeps the expected disagreement D_e of the data:

1. Each cell c ≤ k of the coincidence matrix is drawn with probability o_cc / n.. on the
   diagonal and 2 o_ck / n.. off it.
2. Every bootstrap sample draws M = min(25 q, (m - 1) n.. / 2) pairs with replacement, where
   q is the number of non-empty cells of the coincidence matrix and m the number of coders
   (rounded half up); its alpha is 1 - Σ δ²(drawn pairs) / (M D_e).
3. Corrections: alpha below -1 is set to -1. A sample drawn only from one category's diagonal cell
   has no variation, so its alpha is 0, not 1: when only one category ever agrees with itself every
   alpha = 1 becomes 0; otherwise round(X Σ_c (o_cc / n..)^M) of the samples with alpha = 1 become 0
   (X samples; the expected number of single-category samples). KALPHA v3.0 raises to the
   number of pairs in the data instead of M, a leftover from its 2007 version that drew that
   many pairs; Krippendorff's algorithm and the Stata port (kalpha 1.3) use M, as here.
4. The 95% interval takes the sorted samples at ranks trunc(.025 X) and trunc(.975 X) + 1 (the
   macro's ranks); q_min is the share of samples with alpha below the minimum.

Sampling M pairs cell by cell is a multinomial draw, which numpy does in one call per batch.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

MIN_DRAWS = 1000
ALPHA_MINIMA = (0.800, 0.667)
_BATCH_CELLS = 1 << 20


@dataclass(frozen=True)
class AlphaBootstrap:
    """95% interval and P(alpha < minimum), or the reason there are none."""

    ci: tuple[float, float] | None
    p_below: dict[float, float] | None
    method: str
    draws: int
    pairs_per_draw: int
    reason: str | None = None
    estimates: np.ndarray | None = field(default=None, repr=False, compare=False)


def method_text(draws: int, pairs_per_draw: int, seed: int | None) -> str:
    seed_text = f"seed {seed}" if seed is not None else "no seed (not reproducible)"
    return (
        f"Hayes & Krippendorff (2007) bootstrap, {draws} draws of {pairs_per_draw} pairs "
        f"from the coincidence matrix, {seed_text}"
    )


def check_draws(draws: int) -> None:
    if draws < MIN_DRAWS:
        raise ValueError(f"the bootstrap needs at least {MIN_DRAWS} draws, got {draws}")


def pairs_per_draw(coincidences: np.ndarray, n_coders: int) -> int:
    """M = min(25 q, (m - 1) n.. / 2), rounded half up to a whole number of pairs."""
    nonempty_cells = int(np.count_nonzero(coincidences > 0))
    n_values = round(float(coincidences.sum()))
    return int(min(25 * nonempty_cells, ((n_coders - 1) * n_values + 1) // 2))


def bootstrap_alpha(
    coincidences: np.ndarray,
    delta: np.ndarray,
    *,
    n_coders: int,
    draws: int,
    seed: int | None,
) -> AlphaBootstrap:
    """Run the KALPHA bootstrap for data whose alpha is defined (D_e > 0)."""
    check_draws(draws)
    n = float(coincidences.sum())
    marginals = coincidences.sum(axis=1)
    expected = float(marginals @ delta @ marginals) / (n * (n - 1.0))
    size = pairs_per_draw(coincidences, n_coders)
    alphas = _draw_alphas(coincidences, delta, expected, size, draws, np.random.default_rng(seed))
    _correct(alphas, coincidences, size)
    alphas.sort()
    low = alphas[(25 * draws) // 1000 - 1]
    high = alphas[(975 * draws) // 1000]
    p_below = {minimum: float((alphas < minimum).mean()) for minimum in ALPHA_MINIMA}
    return AlphaBootstrap(
        ci=(float(low), float(high)),
        p_below=p_below,
        method=method_text(draws, size, seed),
        draws=draws,
        pairs_per_draw=size,
        estimates=alphas,
    )


def _draw_alphas(
    coincidences: np.ndarray,
    delta: np.ndarray,
    expected: float,
    size: int,
    draws: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Alpha of each bootstrap sample, before the corrections of step 3."""
    upper = np.triu_indices_from(coincidences)
    folded = np.triu(coincidences + coincidences.T) - np.diag(np.diag(coincidences))
    probability = folded[upper]
    keep = probability > 0
    probability = probability[keep] / probability[keep].sum()
    cell_delta = delta[upper][keep]
    observed = np.empty(draws)
    batch = max(1, _BATCH_CELLS // probability.size)
    for start in range(0, draws, batch):
        counts = rng.multinomial(size, probability, size=min(batch, draws - start))
        observed[start : start + counts.shape[0]] = counts @ cell_delta
    alphas = 1.0 - observed / (expected * size)  # exactly 1.0 when every drawn pair agrees
    np.maximum(alphas, -1.0, out=alphas)
    return alphas


def _correct(alphas: np.ndarray, coincidences: np.ndarray, size: int) -> None:
    """Step 3: samples that came out as perfect agreement but may lack variation."""
    diagonal = np.diag(coincidences)
    agreeing_categories = int(np.count_nonzero(diagonal > 0))
    perfect = np.flatnonzero(alphas == 1.0)
    if agreeing_categories == 1:
        alphas[perfect] = 0.0
        return
    single_category_share = float(((diagonal / coincidences.sum()) ** size).sum())
    expected_single = int(np.floor(alphas.size * single_category_share + 0.5))
    alphas[perfect[:expected_single]] = 0.0
