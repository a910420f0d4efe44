import pytest

from longdeps.__main__ import main


def test_list_shows_experiments(capsys):
    assert main(["list"]) == 0
    assert "intro.latch_map" in capsys.readouterr().out


def test_run_an_experiment(capsys):
    assert main(["run", "intro.latch_map", "--profile", "smoke"]) == 0
    assert "x_bar" in capsys.readouterr().out


def test_unknown_experiment_names_the_valid_ones(capsys):
    assert main(["run", "nope", "--profile", "smoke"]) == 2
    err = capsys.readouterr().err
    assert "unknown experiment 'nope'" in err and "intro.latch_map" in err


def test_unknown_profile_names_the_valid_ones(capsys):
    assert main(["run", "intro.latch_map", "--profile", "fast"]) == 2
    assert "smoke, book, paper" in capsys.readouterr().err


def test_notebooks_cli_rejects_unknown_profile(capsys):
    from longdeps.notebooks import main as nb_main

    assert nb_main(["regenerate", "--profile", "fast"]) == 2
    assert "unknown profile 'fast'" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [[], ["frobnicate"]])
def test_bad_command(argv):
    with pytest.raises(SystemExit):
        main(argv)


def test_regenerate_writes_outside_the_book_for_other_profiles(tmp_path, monkeypatch, capsys):
    """`make regenerate PROFILE=smoke|paper` must create its output folder and never touch book/."""
    from longdeps import notebooks

    monkeypatch.setenv("LONGDEPS_RECORD_DIR", str(tmp_path / "results"))
    monkeypatch.setenv("LONGDEPS_CACHE", "off")
    before = (notebooks.BOOK / "intro.ipynb").read_bytes()
    out = tmp_path / "fresh" / "smoke"
    notebooks.regenerate("smoke", only=["intro"], out_dir=out)
    assert (out / "intro.ipynb").exists()
    assert (notebooks.BOOK / "intro.ipynb").read_bytes() == before
    assert "intro" in capsys.readouterr().out
    assert notebooks.output_dir("paper") == notebooks.ROOT / "_build" / "paper"


def test_regenerate_runs_a_notebook_only_after_the_ones_it_reads():
    from pathlib import Path

    from longdeps.notebooks import _needs

    names = ["intro", "theorems", "alternatives", "em_target_propagation", "scorecard", "status"]
    assert _needs(Path("theorems.ipynb"), names) == set()
    assert _needs(Path("alternatives.ipynb"), names) == {"em_target_propagation"}
    assert _needs(Path("alternatives.ipynb"), ["alternatives"]) == set()  # --only alternatives
    assert _needs(Path("scorecard.ipynb"), names) == set(names[:4])
    assert _needs(Path("status.ipynb"), names) == set(names[:5])
