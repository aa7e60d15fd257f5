"""The "Covenant" sheet: the capital replacement covenant and the scheduled-maturity repayment."""

from __future__ import annotations

from openpyxl import Workbook

from trups_xl.workbook.layout import DATE_FORMAT, MONEY, Sheet, _d


def _covenant(wb: Workbook) -> None:
    """Capital replacement covenant and the repayment at scheduled maturity."""
    cv = Sheet(wb, "Covenant", "Capital replacement covenant",
               "p.60-64: repayments before 2067-12-21 limited to % of replacement capital; p.33-35: maturity.")
    cv.section("Inputs")
    cv.input("CRC_AsOf", "Redemption or purchase date", _d("2030-06-21"), DATE_FORMAT)
    cv.input("CRC_Category", "Category for the percentage", "common_stock")
    cv.table_input("CRC_Issues", "Replacement capital since the measurement date", ["category", "proceeds"],
                   [["common_stock", 500_000_000], ["qcs_i", 250_000_000]], [None, MONEY])
    cv.input("CRC_Notice", "Notice date", _d("2030-04-21"), DATE_FORMAT)
    cv.input("Mat_Proceeds", "Qualifying capital proceeds in the 180-day window ($)", 1_200_000_000, MONEY)
    cv.input("Mat_Date", "Repayment date", _d("2057-12-21"), DATE_FORMAT)
    cv.section("Outputs")
    cv.output("Result_CRCPercentage", "Applicable percentage", "=TRUPS_CRC_PERCENTAGE(CRC_AsOf,CRC_Category)", "0%")
    cv.output("Result_CRCCapacity", "Most that may be redeemed ($)",
              "=TRUPS_CRC_CAPACITY(CRC_AsOf,CRC_Issues_category,CRC_Issues_proceeds)", MONEY)
    cv.output("Result_MeasurementDate", "Measurement date", "=TRUPS_CRC_MEASUREMENT_DATE(CRC_Notice)", DATE_FORMAT)
    cv.output("Result_MaturityRepay", "Principal due at maturity ($)",
              "=TRUPS_MATURITY_REPAYMENT(Mat_Proceeds,Mat_Date)", MONEY)


#: An illustrative security typed as a terms table (not a real issue).
