"""OCR for scans and photos: page images cleaned (red seal out, deskewed), rules found, text recognised
offline, and the result laid out as the text layer a born-digital PDF would have had."""
