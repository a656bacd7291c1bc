"""The HQ control workbook: xlwings macros as a thin adapter over the library.

    build        writes xlplan_hq.xlsm (XlsxWriter + the xlwings VBA) and xlplan_hq.py
    vba          reads the VBA project shipped by xlwings; which Sub the button calls
    control      the control workbook's layout: sheets, cells, actions (one table)
    actions      run_control(book): the action chosen on the control sheet, over a BookLike
    markup       colour and annotate a section workbook open in Excel
    features     the library parts behind the actions, looked up when an action runs
    booklike     the BookLike / SheetLike protocol the actions need
    xw_adapter   BookLike over a live xlwings Book (imports no xlwings itself)

Nothing here is imported by the rest of xlplan except `xlplan.cli.excel`.
"""
