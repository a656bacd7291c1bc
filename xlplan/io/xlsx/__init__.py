"""Reading .xlsx packages, guarded: the one room every input workbook passes through.

`probe` tells what a file is; `limits` bounds the file and opens its zip container (the one
place the zip directory is parsed); `package` screens every part and parses the
workbook-level XML (`xml_scan`); `sheet_scan` reads each sheet's cells, values and positions in
one pass, typed by `values` as Excel shows them; `memory` keeps freed buffers for the next file.
`package.open_workbook` is the entry point for a file on disk.
"""
