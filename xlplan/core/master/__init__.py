"""The master plan in the core: merging section workbooks, its layout, views and cards (pure)."""
