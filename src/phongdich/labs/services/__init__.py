"""Every write of the labs app that carries a rule. Views, the API, the importer and tasks call these."""

from .results import (
    SAMPLE_ROW_FIELDS,
    Reading,
    SampleRow,
    effects_actor,
    individual_refusal,
    pool_refusal,
    pool_result_record,
    pools_release,
    release,
    sample_result_record,
)
from .rounds import RULE_FIELDS, lab_save, round_create, testing_plan_save, testing_rules_add
from .samples import (
    clean_barcode,
    pool_open,
    pool_send,
    sample_register,
    sample_reject,
    samples_receive,
)

__all__ = [
    "SAMPLE_ROW_FIELDS",
    "RULE_FIELDS",
    "Reading",
    "SampleRow",
    "clean_barcode",
    "effects_actor",
    "individual_refusal",
    "lab_save",
    "pool_open",
    "pool_refusal",
    "pool_result_record",
    "pools_release",
    "pool_send",
    "release",
    "round_create",
    "sample_register",
    "sample_reject",
    "sample_result_record",
    "samples_receive",
    "testing_plan_save",
    "testing_rules_add",
]
