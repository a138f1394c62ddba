package ese

import (
	"encoding/hex"
	"fmt"
	"time"
)

// LogTimeSize is the on-disk size of a LogTime.
const LogTimeSize = 8

// LogTime is the engine's 8-byte LOGTIME, kept as its raw bytes so that it
// round-trips exactly:
//
//	[0] seconds 0-59        [4] month 1-12
//	[1] minutes 0-59        [5] years since 1900
//	[2] hours 0-23          [6] bit 0 UTC flag, bits 1-7 milliseconds&0x7F
//	[3] day 1-31            [7] bit 0 reserved, bits 1-3 milliseconds>>7
//
// All zero means "not set".
type LogTime [8]byte

// DecodeLogTime copies the 8 bytes at b[0:8].
func DecodeLogTime(b []byte) LogTime {
	var t LogTime
	copy(t[:], b[:8])
	return t
}

// Put stores t in b[0:8].
func (t LogTime) Put(b []byte) { copy(b[:8], t[:]) }

// IsZero reports whether t is the null time.
func (t LogTime) IsZero() bool { return t == LogTime{} }

// UTC reports whether the writer flagged the time as UTC (every modern
// writer does).
func (t LogTime) UTC() bool { return t[6]&1 != 0 }

// Millisecond returns the millisecond part, 0-999.
func (t LogTime) Millisecond() int { return int(t[6]>>1) | int((t[7]>>1)&7)<<7 }

// Time converts t to a time.Time in UTC. Times not flagged UTC are local
// wall-clock times of an unknown zone; they are returned as if UTC. The zero
// LogTime gives the zero time.Time.
func (t LogTime) Time() time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return time.Date(1900+int(t[5]), time.Month(t[4]), int(t[3]), int(t[2]), int(t[1]), int(t[0]),
		t.Millisecond()*int(time.Millisecond), time.UTC)
}

// LogTimeOf converts tm (taken in UTC) to a LogTime with the UTC flag set, at
// millisecond precision. Years outside 1900-2155 are clamped.
func LogTimeOf(tm time.Time) LogTime {
	if tm.IsZero() {
		return LogTime{}
	}
	tm = tm.UTC()
	y := tm.Year() - 1900
	y = max(0, min(255, y))
	ms := tm.Nanosecond() / int(time.Millisecond)
	return LogTime{
		byte(tm.Second()), byte(tm.Minute()), byte(tm.Hour()), byte(tm.Day()),
		byte(tm.Month()), byte(y), byte(1 | (ms&0x7F)<<1), byte(((ms >> 7) & 7) << 1),
	}
}

// Valid reports whether the calendar fields are in range (the engine's
// FLogtimeIsValid: month 1-12, day 1-31, hour < 24, minute and second < 60).
func (t LogTime) Valid() bool {
	return t[4] >= 1 && t[4] <= 12 && t[3] >= 1 && t[3] <= 31 && t[2] < 24 && t[1] < 60 && t[0] < 60
}

// String returns the engine's print form, month/day/year hour:minute:second
// without zero padding: "8/19/1999 19:47:2". The null time prints as "0/0/1900 0:0:0".
func (t LogTime) String() string {
	return fmt.Sprintf("%d/%d/%d %d:%d:%d", t[4], t[3], 1900+int(t[5]), t[2], t[1], t[0])
}

// TextLayout is the layout of MarshalText: RFC 3339 in UTC with
// milliseconds, "2022-03-23T14:12:52.254Z".
const TextLayout = "2006-01-02T15:04:05.000Z07:00"

// MarshalText returns t as RFC 3339 in UTC with milliseconds
// ("2022-03-23T14:12:52.254Z"), "" for the null time. A time whose fields
// name no calendar instant (month 13, February 30, 1000 milliseconds) is
// written as its 8 bytes in hexadecimal ("0d0c0b0a00000000") so that no
// field is lost.
func (t LogTime) MarshalText() ([]byte, error) {
	if t.IsZero() {
		return []byte{}, nil
	}
	if tm := t.Time(); t.Valid() && t.Millisecond() < 1000 && tm.Day() == int(t[3]) {
		return []byte(tm.Format(TextLayout)), nil
	}
	return []byte(hex.EncodeToString(t[:])), nil
}

// UnmarshalText reads what MarshalText writes, or any RFC 3339 time. The
// result carries the UTC flag, as every modern writer sets it; a time that
// had no UTC flag comes back with it. Other text is an error wrapping
// ErrInvalidParameter.
func (t *LogTime) UnmarshalText(b []byte) error {
	s := string(b)
	if s == "" {
		*t = LogTime{}
		return nil
	}
	if len(s) == 2*LogTimeSize {
		if raw, err := hex.DecodeString(s); err == nil {
			copy(t[:], raw)
			return nil
		}
	}
	tm, err := time.Parse(time.RFC3339Nano, s)
	if err != nil || tm.UTC().Year() < 1900 || tm.UTC().Year() > 2155 {
		return fmt.Errorf("ese: bad log time %q: %w", s, ErrInvalidParameter)
	}
	*t = LogTimeOf(tm)
	return nil
}

// Compare orders times the way the engine does (year, month, day, hour,
// minute, second, milliseconds). It returns -1, 0 or +1.
func (t LogTime) Compare(u LogTime) int {
	for _, i := range [...]int{5, 4, 3, 2, 1, 0} {
		if t[i] != u[i] {
			if t[i] < u[i] {
				return -1
			}
			return 1
		}
	}
	a, b := t.Millisecond(), u.Millisecond()
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
