"""The pure domain core: model, vocabularies, layout, findings and rules. No I/O here."""
