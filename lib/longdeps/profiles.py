"""Run sizes for every experiment, in one table.

Three profiles:

* ``smoke`` -- seconds per notebook; proves the plumbing (tests run every notebook at this size).
* ``book``  -- what the published book shows; the whole book regenerates in at most 40 minutes on a
  2-core machine.
* ``paper`` -- the papers' own trial counts, iterations and grids, however long that takes.

Every experiment reads its sizes with :func:`sizes`; nothing else hard-codes them.  Each entry also
names what the paper itself used (``paper`` profile), so captions can print both.
"""

from __future__ import annotations

PROFILES = ("smoke", "book", "paper")
DEFAULT_PROFILE = "book"


def _full_size(smoke: dict, full: dict) -> dict[str, dict]:
    """A block whose book profile already runs the full size: book and paper share ``full``."""
    return {"smoke": smoke, "book": full, "paper": full}


_FIG2B_T = (3, 4, 5, 6, 8, 10, 12, 15, 20, 30, 45, 60)

# experiment name -> profile -> sizes.  Chapters add their own block; keep the keys of the three
# profiles identical within a block (a test checks it).
SIZES: dict[str, dict[str, dict]] = {
    "intro.latch_map": {
        "smoke": {"weights": (0.5, 1.0, 2.0), "grid": 41, "steps": 5},
        "book": {"weights": (0.5, 1.0, 1.5, 3.0), "grid": 401, "steps": 12},
        # an illustration, not a reproduction: the paper profile is the book's
        "paper": {"weights": (0.5, 1.0, 1.5, 3.0), "grid": 401, "steps": 12},
    },
    # --- theorems (chapter "The theorems") ---
    # The theory has no experimental protocol of its own: "paper" = finer grids and more runs.
    "theorems.attractors": {
        "smoke": {"weights": 21, "inputs": 12, "escape_steps": 300, "bisection": 25},
        "book": {"weights": 121, "inputs": 60, "escape_steps": 3000, "bisection": 40},
        "paper": {"weights": 401, "inputs": 200, "escape_steps": 20000, "bisection": 50},
    },
    "theorems.basins": {
        "smoke": {"grid_1d": 101, "grid_2d": 41, "steps": 40, "ball_steps": 20, "balls": 4},
        "book": {"grid_1d": 1201, "grid_2d": 181, "steps": 80, "ball_steps": 40, "balls": 64},
        "paper": {"grid_1d": 4001, "grid_2d": 401, "steps": 200, "ball_steps": 60, "balls": 256},
    },
    "theorems.theorem3": {
        "smoke": {"runs": 20, "steps": 30},
        "book": {"runs": 2000, "steps": 200},
        "paper": {"runs": 20000, "steps": 500},
    },
    "theorems.decay": {
        "smoke": {"runs": 8, "steps": 40},
        "book": {"runs": 200, "steps": 500},
        "paper": {"runs": 2000, "steps": 500},
    },
    "theorems.eq4": {
        "smoke": {"runs": 8, "steps": 30},
        "book": {"runs": 200, "steps": 100},
        "paper": {"runs": 2000, "steps": 100},
    },
    "theorems.hochreiter": {
        "smoke": {"nets": 8, "units": 10, "steps": 40},
        "book": {"nets": 200, "units": 10, "steps": 120},
        "paper": {"nets": 2000, "units": 10, "steps": 200},
    },
    "theorems.dilemma": {
        "smoke": {"weights": 8, "runs": 50, "steps": 20, "noise": (0.2,)},
        "book": {"weights": 36, "runs": 1000, "steps": 50, "noise": (0.05, 0.2, 0.5)},
        "paper": {"weights": 71, "runs": 10000, "steps": 50, "noise": (0.05, 0.1, 0.2, 0.5, 1.0)},
    },
    "theorems.local_factor": {
        "smoke": {"grid": 2001, "nets": 10, "steps": 30, "w_max": (0.4, 4.0), "units": (5, 20)},
        "book": {
            "grid": 20001,
            "nets": 100,
            "steps": 60,
            "w_max": (0.4, 1.0, 2.0, 4.0, 8.0),
            "units": (5, 10, 20, 40),
        },
        "paper": {
            "grid": 100001,
            "nets": 1000,
            "steps": 100,
            "w_max": (0.4, 1.0, 2.0, 4.0, 8.0),
            "units": (5, 10, 20, 40),
        },
    },
    "theorems.module_a": {
        "smoke": {"weights": 8, "runs": 50, "T": (5, 20), "duality_cases": 5},
        "book": {"weights": 26, "runs": 1000, "T": (5, 10, 20, 50), "duality_cases": 50},
        "paper": {"weights": 51, "runs": 10000, "T": (5, 10, 20, 50, 100), "duality_cases": 200},
    },
    "theorems.symmetric": {
        "smoke": {"nets": 10, "starts": 5, "steps": 500},
        "book": {"nets": 200, "starts": 20, "steps": 3000},
        "paper": {"nets": 2000, "starts": 50, "steps": 10000},
    },
    # --- end theorems ---
    # --- minimal_task (chapter "The minimal task") ---
    # BSF94 Section III: 18 runs per (w0, s) cell, L = 3, T = 20.  The paper states neither its grid
    # values, nor epochs, nor runs for Fig. 2b: those entries of "paper" are our choices (= book).
    # The paper's protocol for Fig. 2a is cheap enough to be the book's too (grid values are our choice).
    "minimal_task.fig2a": _full_size(
        {"w0": (0.5, 1.5, 3.0), "s": (0.0, 0.5, 1.0), "runs": 3, "T": 20, "L": 3, "epochs": 60},
        {
            "w0": tuple(0.25 * i for i in range(1, 13)),
            "s": tuple(round(0.1 * i, 1) for i in range(11)),
            "runs": 18,
            "T": 20,
            "L": 3,
            "epochs": 1000,
        },
    ),
    "minimal_task.fig2b": _full_size(
        {"T": (3, 5, 10), "runs": 3, "epochs": 60},
        {"T": _FIG2B_T, "runs": 18, "epochs": 1000},
    ),
    # Fig. 2a's protocol on a smaller grid, one open choice changed at a time (the investigation)
    "minimal_task.sensitivity": _full_size(
        {"w0": (0.5, 3.0), "s": (0.0, 0.2), "runs": 3, "T": 20, "L": 3, "epochs": 60},
        {
            "w0": (0.5, 0.75, 1.0, 1.5, 2.0, 2.5, 3.0),
            "s": (0.0, 0.2),
            "runs": 18,
            "T": 20,
            "L": 3,
            "epochs": 1000,
        },
    ),
    # Fig. 2b's protocol (ours: the paper is silent) under 3 x 3 values of two choices it leaves open
    "minimal_task.fig2b_choices": _full_size(
        {"T": (3, 5, 10), "runs": 3, "epochs": 60, "n_per_class": (1, 3, 10), "tol": (0.2, 0.4, 0.8)},
        {"T": _FIG2B_T, "runs": 18, "epochs": 1000, "n_per_class": (1, 3, 10), "tol": (0.2, 0.4, 0.8)},
    ),
    "minimal_task.curriculum": _full_size(
        {"T": (20,), "T_short": 5, "runs": 3, "epochs": 60},
        {"T": (20, 40, 80), "T_short": 5, "runs": 18, "epochs": 1000},
    ),
    "minimal_task.guessing": _full_size(
        {"T": (5, 20), "L": (1,), "runs": 4, "max_guesses": 200, "epochs": 60},
        {"T": (5, 10, 20, 50, 100), "L": (1, 3), "runs": 40, "max_guesses": 10000, "epochs": 1000},
    ),
    # --- end minimal_task ---
    # --- alternatives (chapter "Alternatives to gradient descent") ---
    # BSF94 Sec. V-E / BF94 Sec. 7: >= 20 trials per cell.  The T values are the papers' (the latch's
    # are ours: Fig. 4's axis values are not in our copy); the budgets are ours (the papers do not state
    # them; 3000 on-line presentations is where BF94 Table 2's back-prop row sits).  The book profile
    # keeps 20 trials and every T of the 2-sequence table and of the latch; it stops parity at T = 50
    # (the last column most rows fill) with a smaller parity budget, to fit its time budget.
    "alternatives.tables": {
        "smoke": {
            "trials": 2,
            "two_sequence_T": (5,),
            "parity_T": (3,),
            "online_budget": 200,
            "parity_online_budget": 200,
            "search_budget": 2000,
        },
        "book": {
            "trials": 20,
            "two_sequence_T": (5, 10, 20, 50, 100),
            "parity_T": (3, 5, 10, 20, 50),
            "online_budget": 3000,
            "parity_online_budget": 5000,
            "search_budget": 100000,
        },
        "paper": {
            "trials": 20,
            "two_sequence_T": (5, 10, 20, 50, 100),
            "parity_T": (3, 5, 10, 20, 50, 100, 500),
            "online_budget": 3000,
            "parity_online_budget": 100000,
            "search_budget": 2000000,
        },
    },
    "alternatives.fig4": {
        "smoke": {"trials": 2, "latch_T": (5,), "online_budget": 200, "search_budget": 2000},
        "book": {
            "trials": 20,
            "latch_T": (5, 10, 20, 50, 100),
            "online_budget": 3000,
            "search_budget": 100000,
        },
        "paper": {
            "trials": 20,
            "latch_T": (5, 10, 20, 50, 100),
            "online_budget": 3000,
            "search_budget": 2000000,
        },
    },
    # --- end alternatives ---
    # --- em_target_propagation (chapter "EM target propagation") ---
    # BF94 Section 7: "averages over 20 or more trials", the T values of Tables 1-4.  Training-set size,
    # presentation budget and the ablations' T are ours (the paper is silent).
    "em_target_propagation.tables": _full_size(
        {
            "trials": 2,
            "two_sequence_T": (5, 10),
            "parity_T": (3, 5),
            "n_train": 10,
            "budget": 300,
        },
        {
            "trials": 20,
            "two_sequence_T": (5, 10, 20, 50, 100),
            "parity_T": (3, 5, 10, 20, 50, 100, 500),
            "n_train": 20,
            "budget": 5000,
        },
    ),
    "em_target_propagation.diffusion": _full_size(
        {"trials": 2, "T": 10, "n_train": 10, "budget": 300},
        {"trials": 20, "T": 20, "n_train": 20, "budget": 5000},
    ),
    # --- end em_target_propagation ---
}


# experiment name -> the keys whose "paper" value is the paper's own stated protocol (trial counts,
# lengths...).  Every other "paper" value is our choice at full size (the paper is silent, or the
# artifact is an illustration), and captions say "paper profile" rather than "paper" for it.
PAPER_PROTOCOL: dict[str, tuple[str, ...]] = {
    # --- minimal_task protocol keys ---
    "minimal_task.fig2a": ("runs", "T", "L"),  # BSF94 Section III: 18 runs per cell, L = 3, T = 20
    "minimal_task.sensitivity": ("runs", "T", "L"),  # Fig. 2a's protocol on a smaller grid
    "minimal_task.guessing": ("runs",),  # Schmidhuber & Hochreiter 1996's guessing report: 40 runs
    # --- end minimal_task protocol keys ---
    # --- alternatives protocol keys ---
    "alternatives.tables": ("trials", "two_sequence_T", "parity_T"),  # BF94 Sec. 7: "20 or more trials"
    "alternatives.fig4": ("trials",),
    # --- end alternatives protocol keys ---
    # --- em_target_propagation protocol keys ---
    "em_target_propagation.tables": ("trials", "two_sequence_T", "parity_T"),  # BF94 Sec. 7
    # --- end em_target_propagation protocol keys ---
}


def check_profile(profile: str) -> str:
    """Return ``profile`` if it is a known profile, else raise a ``ValueError`` listing the valid ones."""
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}; valid profiles: {', '.join(PROFILES)}")
    return profile


def sizes(experiment: str, profile: str = DEFAULT_PROFILE) -> dict:
    """The sizes of ``experiment`` at ``profile`` (a fresh copy: callers may modify it)."""
    check_profile(profile)
    if experiment not in SIZES:
        raise KeyError(
            f"unknown experiment {experiment!r}; experiments with sizes: {', '.join(sorted(SIZES))}"
        )
    return dict(SIZES[experiment][profile])


def scale_note(experiment: str, profile: str, keys: tuple[str, ...] | None = None) -> str:
    """One line for a caption: the sizes used here beside the paper's, e.g.
    ``"[book profile] runs 18 (= paper), epochs 1000 (paper profile 3000)"``: "paper" where the paper
    states the number (:data:`PAPER_PROTOCOL`), "paper profile" where the full-size value is ours."""
    ours, full = sizes(experiment, profile), sizes(experiment, "paper")
    stated = PAPER_PROTOCOL.get(experiment, ())
    parts = []
    for k in keys or tuple(ours):
        label, source = k.replace("_", " "), "paper" if k in stated else "paper profile"
        if ours[k] == full[k]:
            parts.append(f"{label} {_fmt(ours[k])} (= {source})")
        else:
            parts.append(f"{label} {_fmt(ours[k])} ({source} {_fmt(full[k])})")
    return f"[{profile} profile] " + ", ".join(parts)


def _fmt(v) -> str:
    if isinstance(v, (tuple, list)):
        if len(v) > 6:
            return f"{len(v)} values in [{_fmt(min(v))}, {_fmt(max(v))}]"
        return "(" + ", ".join(_fmt(x) for x in v) + ")"
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)
