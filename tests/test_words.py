"""Words and colours are said once (`model.words`) and every name people read has them."""

from model.params import REMEDY_NAMES, param_info
from model.regimes import REGIME_NAMES
from model.words import PALETTE, param_label, regime_colour, regime_title, remedy_title


def test_every_regime_and_remedy_has_a_title_of_its_own():
    titles = [regime_title(r) for r in REGIME_NAMES] + [remedy_title(r) for r in REMEDY_NAMES]
    assert all("_" not in t for t in titles)
    assert len(set(titles)) == len(titles)


def test_a_regime_keeps_one_colour_and_the_app_and_figures_share_the_palette():
    import runs.report
    import viz.charts

    assert viz.charts.PALETTE is runs.report.PALETTE is PALETTE
    assert len({regime_colour(r) for r in REGIME_NAMES}) == len(REGIME_NAMES)
    assert regime_colour("mandatory") == PALETTE[REGIME_NAMES.index("mandatory")]


def test_parameter_labels_come_from_the_metadata_with_their_unit():
    delay = next(row for row in param_info() if row["name"] == "porting_delay")
    assert param_label("porting_delay") == f"{delay['label']} ({delay['unit']})"
    assert param_label("porting_delay", unit=False) == delay["label"]
    assert param_label("no_such_thing") == "No such thing"
