"""The ipywidgets explorers, one module per chapter.  Each wraps a figure function of
:mod:`longdeps.plots` over a live call into the library; in the static HTML the canonical figure
drawn just above the explorer stands in for it."""
