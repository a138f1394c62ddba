package eselog

import "io"

func (l *Log) scanLegacy() error { return l.corrupt(0, "legacy not yet supported") }

type legacyCursor struct{}

func newLegacyCursor(l *Log) *legacyCursor { return &legacyCursor{} }

func (c *legacyCursor) next(a *accounting) (RawRecord, error) { return RawRecord{}, io.EOF }
