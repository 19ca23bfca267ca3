"""Opinion maps: Polis-compatible maths (PCA, clustering, representative statements).

Pure Python/numpy/scipy for now, with no Django dependency: ``maths`` holds the algorithm,
``polisdata`` reads and writes Polis open-data exports, ``python -m delaktig.opinionmaps``
runs the analysis on an export folder.
"""
