"""longdeps: executable reproductions of four papers on learning long-term dependencies with
recurrent networks (Bengio, Simard & Frasconi 1994; Bengio & Frasconi 1994; Hochreiter et al. 2001;
Manchev & Spratling 2020).

Layers, each calling only the one below: ``experiments`` (one module per chapter: the protocol behind
each figure and table) -> learning rules -> models and tasks -> numpy.  ``profiles`` holds every run
size, ``runner`` runs seeded resumable trials, ``claims`` is the scorecard registry.
"""

__version__ = "0.1.0"
