package eselog

import (
	"testing"

	"github.com/esekit/esekit/ese"
)

// TestCheckNilDatabase: Check without a database (and on a nil or empty
// set) gives a verdict with ese.ErrInvalidParameter, never a panic.
func TestCheckNilDatabase(t *testing.T) {
	for name, s := range map[string]*Set{"empty set": {}, "nil set": nil} {
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("%s: Check(nil, nil) panicked: %v", name, r)
				}
			}()
			v := s.Check(nil, nil)
			if v.Error != ese.ErrInvalidParameter || v.Replayable || v.Message == "" {
				t.Errorf("%s: Check(nil, nil) = %+v, want ErrInvalidParameter and a message", name, v)
			}
		}()
	}
}
