"""Defaults of ``dse explore``, in a module light enough for the CLI to import at start-up.

Default fidelity, chosen so a default ``dse explore`` finishes in under 3 minutes on 2 cores
(benchmarks/RESULTS.md): the embedded digits dataset (8x8 pixels).
"""

DEFAULT_PROFILE = "generic_asic_45nm"
DEFAULT_DATASET = "digits"
DEFAULT_EVALUATIONS = 100
DEFAULT_TRAIN_SAMPLES = 1000
DEFAULT_TEST_SAMPLES = 400

#: Default lease of a claimed design (s): renewed every third of it, so a worker is declared
#: dead 20-30 s after it stops (``dse._claims``).
DEFAULT_LEASE_S = 30.0

#: Compute threads (BLAS, OpenMP) per simulation of a ``dse worker``: one, since a machine
#: runs one simulation per core; more threads than cores make the idle ones spin
#: (docs/scale-out.md).
DEFAULT_THREADS = 1
