// Package xpress decodes the data compression schemes of the engine's
// CDataCompressor (dev/ese/src/ese/compression.cxx): Xpress, Xpress9 and
// LZ4, each behind the engine's one-byte scheme header, and holds a small
// LZ4 encoder. Recovery uses it for compressed page pre-images, the esedb
// package for compressed column values.
//
// Every decoder bounds its output by a caller-given maximum, never by a
// length read from the input alone, and reports malformed data with an
// ese.FormatError wrapping ese.ErrLogCorrupted.
package xpress

// Compression schemes: the top five bits of the first byte of compressed
// data (COMPRESSION_SCHEME in compression.cxx).
const (
	// Scheme7BitASCII packs ASCII text in 7 bits a character.
	Scheme7BitASCII = 1
	// Scheme7BitUnicode packs UTF-16 text whose characters are below
	// 0x80 in 7 bits a character.
	Scheme7BitUnicode = 2
	// SchemeXpress is the Xpress (plain LZ77) scheme.
	SchemeXpress = 3
	// SchemeXpress9 is the Xpress9 scheme.
	SchemeXpress9 = 5
	// SchemeXpress10 is the Xpress10 scheme, whose decoder is not part of
	// the engine's public source.
	SchemeXpress10 = 6
	// SchemeLZ4 is the LZ4 block scheme.
	SchemeLZ4 = 7
)
