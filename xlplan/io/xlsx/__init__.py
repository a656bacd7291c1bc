"""Reading .xlsx packages, guarded: the one room every input workbook passes through.

`probe` tells what a file is; `limits` bounds the file and its zip container; `package`
screens every part and parses the workbook-level XML (`xml_scan`); `sheet_scan` reads each
sheet's cells; `memory` keeps freed buffers for the next file.
"""
