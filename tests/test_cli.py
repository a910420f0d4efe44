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
