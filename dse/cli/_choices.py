"""CLI choice types generated from the shared parameter domains of ``snn_dse.domains``.

Typer shows the names in ``--help`` and rejects anything else (exit code 2). Adding a name to a
domain adds it here; a type checker sees every choice as a plain ``str``.
"""

from typing import TYPE_CHECKING, Literal, TypeAlias

from snn_dse import domains

if TYPE_CHECKING:
    Dataset: TypeAlias = str
    Engine: TypeAlias = str
    Inhibition: TypeAlias = str
    Protocol: TypeAlias = str
    Quantization: TypeAlias = str
    Rounding: TypeAlias = str
    Rule: TypeAlias = str
    Sampler: TypeAlias = str
    Family: TypeAlias = str
    Coding: TypeAlias = str
    Readout: TypeAlias = str
    ActivityReg: TypeAlias = str
    Timing: TypeAlias = str
else:
    Dataset = Literal[domains.DATASETS.values]
    Engine = Literal[domains.ENGINES.values]
    Inhibition = Literal[domains.INHIBITIONS.values]
    Protocol = Literal[domains.PROTOCOLS.values]
    Quantization = Literal[domains.QUANTIZATION_MODES.values]
    Rounding = Literal[domains.ROUNDING_MODES.values]
    Rule = Literal[domains.RULES.values]
    Sampler = Literal[domains.OPTUNA_SAMPLERS.values]
    Family = Literal[domains.FAMILIES.values]
    Coding = Literal[domains.CODINGS.values]
    Readout = Literal[domains.READOUTS.values]
    ActivityReg = Literal[domains.ACTIVITY_REGULARISERS.values]
    Timing = Literal[domains.TIMING_MODES.values]
